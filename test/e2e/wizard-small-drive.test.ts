/**
 * A drive under 1 GB in the wizard, in Chromium through the preview's bridge to the real core:
 * the Training world's old 256 MiB stick is offered by the Sanitize flow (and sanitized there,
 * checked with fsck.fat, sfdisk and mtools) but not by the Provision flow, which lists it among
 * the hidden drives with the appliance's reason. Every step is screenshotted and checked with axe.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewServer } from '../../main/preview/server';
import type { CoreServices } from '../../main/services';
import { launchChromium } from '../support/chromium';
import { MiB } from '../support/images';
import { startTestPreview } from '../support/preview';
import { fsckFat, mtools, mtoolsImage, mustRun } from '../support/tools';
import { checkStep, clickNext, waitForStep } from '../support/wizard';

const OLD_STICK = 256 * MiB;

describe('a drive under 1 GB in the wizard (Training)', () => {
  let server: PreviewServer;
  let services: CoreServices;
  let dataDir: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    ({ server, services, dataDir } = await startTestPreview({ trainingTimeScale: 0.05 }));
    browser = await launchChromium();
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

  const stickPath = (): string => path.join(dataDir, 'training', 'drives', 'drive-4.img');

  it('the Provision flow does not offer the old stick: it is hidden, with the appliance\'s reason', async () => {
    await page.getByTestId('path-training').click();
    await waitForStep(page, 'scenario');
    await clickNext(page, 'source');
    await page.getByTestId('download-name').fill('small-stick-cam');
    await page.getByTestId('console-download').click();
    await page.getByTestId('imported').waitFor();
    await clickNext(page, 'review');
    await clickNext(page, 'drive');
    await page.getByTestId('drive-option-0').waitFor();
    const offered = await page.locator('[data-testid^="drive-option-"]').evaluateAll((inputs) => inputs.map((input) => (input as HTMLInputElement).value));
    expect(offered.map((value) => path.basename(value))).toEqual(['drive-1.img', 'drive-2.img', 'drive-3.img']);
    await page.getByTestId('show-hidden').click();
    const hidden = page.locator('.hidden-drives li');
    await expect(hidden.count()).resolves.toBe(1);
    const reason = (await hidden.first().textContent()) ?? '';
    expect(reason).toContain('Old USB stick');
    expect(reason).toContain('less than the 1 GB the appliance needs');
    await checkStep(page, 'small-drive-provision-hidden');
    await page.reload();
    await page.getByTestId('app-version').waitFor();
  });

  it('the Sanitize flow offers it, and sanitizes it: Clear, then a clean FAT32 volume', { timeout: 120_000 }, async () => {
    await page.getByTestId('path-sanitize').click();
    await waitForStep(page, 'drives');
    const stick = page.getByTestId('drive-option-3');
    await stick.waitFor();
    await expect(stick.inputValue()).resolves.toBe(stickPath());
    await expect(page.locator('label.choice', { has: stick }).textContent()).resolves.toContain('Old USB stick');
    await expect(page.getByTestId('show-hidden').count()).resolves.toBe(0);
    await stick.check();
    await checkStep(page, 'small-drive-sanitize-drives');
    await clickNext(page, 'method');
    await page.getByTestId('method-zero').check();
    await clickNext(page, 'confirm');
    await page.getByTestId('typed-count').fill('1');
    await page.getByTestId('start-sanitize').click();
    await waitForStep(page, 'certificates');
    const row = page.locator('[data-testid="result-row"]');
    await row.first().waitFor({ timeout: 60_000 });
    await expect(row.getAttribute('data-outcome')).resolves.toBe('sanitized');
    await expect(row.textContent()).resolves.toContain('Clear');
    await checkStep(page, 'small-drive-sanitize-done');

    const table = JSON.parse(mustRun('sfdisk', ['--json', stickPath()])) as { partitiontable: { partitions: { start: number; type: string }[] } };
    expect(table.partitiontable.partitions).toEqual([expect.objectContaining({ start: 2048, type: 'c' })]);
    expect(fsckFat(stickPath(), MiB, OLD_STICK - MiB).status).toBe(0);
    expect(mtools('mlabel', ['-s', '-i', mtoolsImage(stickPath(), MiB), '::']).trim()).toBe('Volume label is PANORAMA');
    await page.getByTestId('back-home').click();
  });

  it('had no page errors', () => {
    expect(problems).toEqual([]);
  });
});
