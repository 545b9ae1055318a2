/**
 * Crash safety: the backend is killed (SIGKILL, no chance to clean up) in the middle of a
 * provisioning session, right after the archive reached the drive. The next start shows what
 * is unfinished — the drive holding device X's archive, the local copy not shredded — and the
 * wizard finishes both from the home screen.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/chromium';
import { MiB } from '../support/images';
import { mtools, mtoolsImage } from '../support/tools';
import { checkStep, clickNext, waitForStep } from '../support/wizard';
import { downloadAndWrite } from '../support/wizard-flows';

/** `npm run preview` as a separate process, as a user runs it; resolves with the URL it prints. */
function startPreviewProcess(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['dist/preview.cjs', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the preview did not start: ${output}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      const url = /Open: (http:\S+)/.exec(output)?.[1];
      if (url !== undefined) {
        clearTimeout(timer);
        resolve({ child, url });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the preview exited with ${String(code)}: ${output}`)));
  });
}

function killHard(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('the journal after a crash', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'journal-recovery-'));
  let browser: Browser;
  let page: Page;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
  });

  afterAll(async () => {
    await browser.close();
    for (const child of children) await killHard(child);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a backend killed mid-flow leaves a pending clean-up that the next start shows and finishes', { timeout: 180_000 }, async () => {
    const first = await startPreviewProcess(dataDir);
    children.push(first.child);
    await page.goto(first.url);
    await page.getByTestId('path-training').click();
    await downloadAndWrite(page, 'crash-cam');
    // The power goes: nothing after this point runs in the old backend.
    await killHard(first.child);

    const drive = path.join(dataDir, 'training', 'drives', 'drive-1.img');
    const download = path.join(dataDir, 'training', 'downloads', 'certificates-omni_crash-cam.zip');
    expect(existsSync(download)).toBe(true);

    const second = await startPreviewProcess(dataDir);
    children.push(second.child);
    await page.goto(second.url);
    const pending = page.getByTestId('pending');
    await pending.waitFor();
    await expect(pending.textContent()).resolves.toContain(`${drive} still holds the archive of device crash-cam`);
    await expect(pending.textContent()).resolves.toContain(`The local copy at ${download} was not shredded`);
    await checkStep(page, 'journal-pending-after-crash');

    await page.getByTestId('pending-shred').click();
    await page.locator('[data-kind="local-copy-not-shredded"]').waitFor({ state: 'detached' });
    expect(existsSync(download)).toBe(false);

    await page.getByTestId('pending-sanitize').click();
    await waitForStep(page, 'drives');
    await expect(page.getByTestId('drive-option-0').isChecked()).resolves.toBe(true);
    await clickNext(page, 'method');
    await page.getByTestId('method-quick').check();
    await clickNext(page, 'confirm');
    await page.getByTestId('typed-count').fill('1');
    await page.getByTestId('start-sanitize').click();
    await page.locator('[data-testid="result-row"][data-outcome="sanitized"]').waitFor({ timeout: 60_000 });
    await page.getByTestId('back-home').click();
    await page.getByRole('heading', { name: 'What do you want to do?' }).waitFor();
    // Nothing left pending; the archive is gone from the drive.
    await page.waitForTimeout(500);
    await expect(page.getByTestId('pending').count()).resolves.toBe(0);
    expect(mtools('mdir', ['-b', '-i', mtoolsImage(drive, MiB), '::']).trim()).toBe('');
  });
});
