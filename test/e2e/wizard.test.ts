/**
 * The wizard end to end in Chromium, through the preview's bridge to the real core: the
 * Training world's simulator and virtual drives (image files), the real write, monitor, log
 * collection, shred and wipe. Every step is screenshotted and checked with axe-core; results are
 * checked with tools nobody here wrote (fsck.fat, mtools, pdftotext) and by the audit chain.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewServer } from '../../main/preview/server';
import type { CoreServices } from '../../main/services';
import { launchChromium } from '../support/chromium';
import { MiB } from '../support/images';
import { startTestPreview } from '../support/preview';
import { fsckFat, mtools, mtoolsImage, mustRun } from '../support/tools';
import { checkStep, clickNext, keyboardActivate, tabTo, waitForStep } from '../support/wizard';

const GiB = 1024 ** 3;
/** The training drives' FAT32 partition starts at sector 2048. */
const PARTITION_OFFSET = MiB;

describe('the wizard, end to end in Training', () => {
  let server: PreviewServer;
  let services: CoreServices;
  let dataDir: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    ({ server, services, dataDir } = await startTestPreview({ trainingTimeScale: 0.05 }));
    browser = await launchChromium();
    // axe's Playwright runner needs a page from an explicit context.
    page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(server.url);
    await page.getByTestId('app-version').waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser.close();
    await server.close();
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const drivePath = (id: string): string => path.join(dataDir, 'training', 'drives', `${id}.img`);

  it('Training provision flow: simulated console download → write → register → clean up → receipt', { timeout: 180_000 }, async () => {
    await checkStep(page, 'wizard-home');
    await page.getByTestId('path-training').click();
    await waitForStep(page, 'scenario');
    await page.getByTestId('appliance-panel').waitFor();
    await checkStep(page, 'training-1-scenario');

    await clickNext(page, 'source');
    await page.getByTestId('download-name').fill('lobby-cam-01');
    await page.getByTestId('console-download').click();
    await page.getByTestId('imported').waitFor();
    const download = path.join(dataDir, 'training', 'downloads', 'certificates-omni_lobby-cam-01.zip');
    expect(existsSync(download)).toBe(true);
    await checkStep(page, 'training-2-source');

    await clickNext(page, 'review');
    await expect(page.getByTestId('review').textContent()).resolves.toContain('lobby-cam-01');
    await expect(page.getByTestId('countdown').textContent()).resolves.toMatch(/left/);
    await checkStep(page, 'training-3-review');

    await clickNext(page, 'drive');
    await page.getByTestId('drive-option-0').check();
    await checkStep(page, 'training-4-drive');

    await clickNext(page, 'write');
    await expect(page.getByTestId('confirm-drive').textContent()).resolves.toContain('drive-1.img');
    await page.getByTestId('write').click();
    await page.getByTestId('written').waitFor({ timeout: 30_000 });
    await checkStep(page, 'training-5-write');
    expect(mtools('mdir', ['-b', '-i', mtoolsImage(drivePath('drive-1'), PARTITION_OFFSET), '::']).trim()).toBe('::/certificates-omni_lobby-cam-01.zip');

    await clickNext(page, 'register');
    await page.getByTestId('plug-drive-1').click();
    await page.getByTestId('registered').waitFor({ timeout: 60_000 });
    await page.locator('[data-testid="appliance-lights"][data-lights="green"]').waitFor({ timeout: 30_000 });
    await expect(page.getByTestId('timeline').locator('li').count()).resolves.toBeGreaterThan(0);
    await checkStep(page, 'training-6-register');

    await clickNext(page, 'clean-up');
    // Like a real stick, the drive comes out of the appliance before its logs are read.
    await page.getByTestId('unplug').click();
    await page.getByTestId('plug-drive-1').waitFor();
    await page.getByTestId('collect-logs').click();
    await page.getByTestId('logs-collected').waitFor({ timeout: 30_000 });
    await page.getByTestId('shred').click();
    await page.getByTestId('shred-results').waitFor();
    expect(existsSync(download)).toBe(false);
    await page.getByTestId('certificate-folder').click();
    await page.getByText('Certificate of sanitization: ').locator('code').waitFor();
    await page.getByTestId('sanitize').click();
    await page.locator('[data-testid="sanitized"][data-outcome="sanitized"]').waitFor({ timeout: 60_000 });
    await checkStep(page, 'training-7-clean-up');

    await clickNext(page, 'done');
    const deviceId = (await page.getByTestId('receipt-device-id').textContent()) ?? '';
    expect(deviceId).toMatch(/^device-/);
    await page.getByTestId('software-check').click();
    await page.getByTestId('software-result').waitFor();
    await checkStep(page, 'training-8-done');
    await page.getByTestId('finish').click();
    await page.getByRole('heading', { name: 'What do you want to do?' }).waitFor();

    // The drive was quick-erased and reformatted: a clean FAT32 volume without the archive.
    expect(fsckFat(drivePath('drive-1'), PARTITION_OFFSET, GiB - PARTITION_OFFSET).status).toBe(0);
    expect(mtools('mdir', ['-b', '-i', mtoolsImage(drivePath('drive-1'), PARTITION_OFFSET), '::']).trim()).toBe('');
    const bundles = readdirSync(path.join(dataDir, 'output', 'logs'));
    expect(bundles).toHaveLength(1);
    expect(mustRun('unzip', ['-Z1', path.join(dataDir, 'output', 'logs', bundles[0] ?? '')])).toMatch(/\.log/);
    // The journal has nothing pending for this finished session; the audit chain holds.
    await expect(services.journal.pending()).resolves.toEqual([]);
    const audit = await services.audit.verify();
    expect(audit.ok).toBe(true);
    const actions = (await services.audit.read()).map((entry) => entry.action);
    for (const action of ['inspect', 'write', 'registration', 'collect-logs', 'shred', 'sanitize']) expect(actions).toContain(action);
  });

  it('create-via-API flow, with the keyboard alone', { timeout: 180_000 }, async () => {
    await page.reload();
    await page.getByTestId('app-version').waitFor();
    await keyboardActivate(page, 'path-provision');
    await waitForStep(page, 'source');
    // Radios: Tab reaches the checked one, arrows move the choice.
    await tabTo(page, 'source-import');
    await page.keyboard.press('ArrowDown');
    await tabTo(page, 'form-name');
    await page.keyboard.type('dock cam');
    await expect(page.locator('#form-name-problem').textContent()).resolves.toContain('no spaces');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('dock-cam-02');
    await tabTo(page, 'form-dhcp');
    await page.keyboard.press('ArrowDown');
    await tabTo(page, 'form-ipAddress');
    await page.keyboard.type('192.168.1.300');
    await expect(page.locator('#form-ipAddress-problem').textContent()).resolves.toContain('IPv4');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('30');
    await tabTo(page, 'form-gateway');
    await page.keyboard.type('192.168.1.1');
    await tabTo(page, 'form-dns');
    await page.keyboard.type('192.168.1.2, 192.168.1.3');
    await checkStep(page, 'create-1-source');
    await keyboardActivate(page, 'next');
    await waitForStep(page, 'review');
    await expect(page.getByTestId('review').textContent()).resolves.toContain('fixed address 192.168.1.30');
    await checkStep(page, 'create-2-review');
    await keyboardActivate(page, 'next');
    await waitForStep(page, 'drive');
    await keyboardActivate(page, 'drive-option-0', 'Space');
    await checkStep(page, 'create-3-drive');
    await keyboardActivate(page, 'next');
    await waitForStep(page, 'write');
    await keyboardActivate(page, 'write');
    await page.getByTestId('written').waitFor({ timeout: 30_000 });
    await checkStep(page, 'create-4-write');
    await keyboardActivate(page, 'next');
    await waitForStep(page, 'register');
    // The Provision flow in the Training preview still has the Training world's appliance beside it.
    await keyboardActivate(page, 'plug-drive-1');
    await page.getByTestId('registered').waitFor({ timeout: 60_000 });
    await checkStep(page, 'create-5-register');
    await keyboardActivate(page, 'next');
    await waitForStep(page, 'clean-up');
    await expect(page.getByText('there is no local copy to shred').count()).resolves.toBe(1);
    await keyboardActivate(page, 'unplug');
    await page.getByTestId('plug-drive-1').waitFor();
    await keyboardActivate(page, 'next');
    await waitForStep(page, 'done');
    await expect(page.getByTestId('receipt').textContent()).resolves.toContain('dock-cam-02');
    await expect(page.getByTestId('receipt').textContent()).resolves.toContain('Not sanitized: it still holds the archive.');
    await checkStep(page, 'create-6-done');
    await keyboardActivate(page, 'finish');
    await page.getByRole('heading', { name: 'What do you want to do?' }).waitFor();
    // Finished with the drive still holding the archive: nothing pending (the user chose so), but the audit says what happened.
    const provision = (await services.audit.read()).filter((entry) => entry.action === 'provision');
    expect(provision.at(-1)).toMatchObject({ outcome: 'succeeded', subject: { deviceName: 'dock-cam-02' } });
  });

  it('expired-certificate scenario: the registration fails and the wizard gives that failure\'s advice', { timeout: 180_000 }, async () => {
    await page.reload();
    await page.getByTestId('app-version').waitFor();
    await page.getByTestId('path-training').click();
    await waitForStep(page, 'scenario');
    await page.getByTestId('scenario').selectOption('expired-certificate');
    await clickNext(page, 'source');
    await page.getByTestId('download-name').fill('expired-cam');
    await page.getByTestId('console-download').click();
    await page.getByTestId('imported').waitFor();
    await clickNext(page, 'review');
    await clickNext(page, 'drive');
    await page.getByTestId('drive-option-0').check();
    await clickNext(page, 'write');
    await page.getByTestId('write').click();
    await page.getByTestId('written').waitFor({ timeout: 30_000 });
    await clickNext(page, 'register');
    const plug = page.locator('[data-testid^="plug-drive-"]').first();
    await plug.click();
    const error = page.locator('[data-testid="error"][data-code="REGISTRATION_FAILED"]');
    await error.waitFor({ timeout: 60_000 });
    await expect(error.textContent()).resolves.toContain('Archives cannot be reused');
    await page.locator('[data-testid="appliance-lights"][data-lights="red-fast"]').waitFor({ timeout: 30_000 });
    await checkStep(page, 'expired-register-failed');
    await page.getByTestId('unplug').click();
    await page.getByTestId('scenario').selectOption('success');
    await page.getByTestId('back-home').click();
  });

  it('Sanitize flow with two drives: typed confirmation, a row per drive, certificates', { timeout: 240_000 }, async () => {
    await page.reload();
    await page.getByTestId('app-version').waitFor();
    await page.getByTestId('path-sanitize').click();
    await waitForStep(page, 'drives');
    await page.getByTestId('drive-option-1').check();
    await page.getByTestId('drive-option-2').check();
    await checkStep(page, 'sanitize-1-drives');
    await clickNext(page, 'method');
    await page.getByTestId('method-zero').check();
    await page.locator('#organisation').fill('Example Field Services');
    await page.locator('#technician').fill('A. Technician');
    await page.getByTestId('certificate-folder').click();
    await page.getByTestId('certificate-folder-path').waitFor();
    await checkStep(page, 'sanitize-2-method');
    await clickNext(page, 'confirm');
    await expect(page.getByTestId('start-sanitize').isDisabled()).resolves.toBe(true);
    await page.getByTestId('typed-count').fill('3');
    await expect(page.getByTestId('start-sanitize').isDisabled()).resolves.toBe(true);
    await page.getByTestId('typed-count').fill('2');
    await checkStep(page, 'sanitize-3-confirm');
    await page.getByTestId('start-sanitize').click();
    await waitForStep(page, 'progress');
    await expect(page.getByTestId('wipe-row').count()).resolves.toBe(2);
    await page.locator('.wipe-row progress').first().waitFor({ timeout: 30_000 });
    await checkStep(page, 'sanitize-4-progress');
    await waitForStep(page, 'certificates');
    await page.locator('[data-testid="result-row"]').first().waitFor({ timeout: 180_000 });
    await expect(page.locator('[data-testid="result-row"][data-outcome="sanitized"]').count()).resolves.toBe(2);
    await checkStep(page, 'sanitize-5-certificates');
    const folder = path.join(dataDir, 'output', 'certificates');
    // The provision flow left drive-1's certificate here too.
    const pdfs = readdirSync(folder).filter((name) => name.endsWith('.pdf') && /drive-[23]/.test(name));
    expect(pdfs).toHaveLength(2);
    for (const pdf of pdfs) {
      const text = mustRun('pdftotext', [path.join(folder, pdf), '-']);
      expect(text).toContain('Clear');
      expect(text).toContain('Example Field Services');
    }
    for (const id of ['drive-2', 'drive-3']) expect(fsckFat(drivePath(id), PARTITION_OFFSET, GiB - PARTITION_OFFSET).status).toBe(0);
    await page.getByTestId('back-home').click();
  });

  it('shows the audit log with its chain verified', async () => {
    await page.getByTestId('open-audit').click();
    await page.locator('[data-testid="audit-chain"][data-ok="true"]').waitFor();
    await checkStep(page, 'audit-log');
    await page.getByTestId('back-home').click();
  });

  it('had no page errors', () => {
    expect(problems).toEqual([]);
  });
});
