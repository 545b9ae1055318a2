/**
 * Crash safety: the backend is killed (SIGKILL, no chance to clean up) in the middle of a
 * provisioning session, right after the archive reached the drive. The next start shows what
 * is unfinished — the drive holding device X's archive, the local copy not shredded — and the
 * wizard finishes both from the home screen.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Journal } from '../../main/core/journal';
import { realisticArchive } from '../support/archives';
import { launchChromium } from '../support/chromium';
import { parseSingleJson, runBin } from '../support/cli';
import { GiB, MiB, sparseImage } from '../support/images';
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
    // Named as the wizard named it; the path stays in the item (its command, the sanitize it offers).
    await expect(pending.textContent()).resolves.toContain('Training drive 1 still holds the archive of device crash-cam');
    await expect(Journal.open(dataDir).pending()).resolves.toContainEqual(expect.objectContaining({ kind: 'drive-holds-archive', path: drive }));
    await expect(pending.textContent()).resolves.toContain(`The local copy at ${download} was not shredded`);
    await checkStep(page, 'journal-pending-after-crash');

    await page.getByTestId('pending-shred').click();
    await page.locator('[data-kind="local-copy-not-shredded"]').waitFor({ state: 'detached' });
    expect(existsSync(download)).toBe(false);

    await page.getByTestId('pending-sanitize').click();
    await waitForStep(page, 'drives');
    await expect(page.getByTestId('drive-option-0').isChecked()).resolves.toBe(true);
    await clickNext(page, 'method');
    // The default, one verified pass of zeros: a quick erase would leave the archive's bytes in the
    // data area, and the drive on the pending list.
    await expect(page.getByTestId('method-zero').isChecked()).resolves.toBe(true);
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

  it('what the command line left unfinished shows on the home screen, and is finished there', { timeout: 120_000 }, async () => {
    // The app and the CLI share one data folder (PANORAMA_USB_DATA_DIR here; the preview takes it as --data-dir).
    const shared = mkdtempSync(path.join(tmpdir(), 'journal-cli-'));
    try {
      const image = sparseImage(shared, 'stick.img', GiB);
      const archive = path.join(shared, 'certificates-omni_cli-cam.zip');
      writeFileSync(archive, realisticArchive());
      const env = { PANORAMA_USB_DATA_DIR: shared };
      const written = runBin(['write', archive, image, '--yes', '--json'], { env });
      expect(written.status, written.stdout + written.stderr).toBe(0);

      const preview = await startPreviewProcess(shared);
      children.push(preview.child);
      await page.goto(preview.url);
      const pending = page.getByTestId('pending');
      await pending.waitFor();
      await expect(pending.textContent()).resolves.toContain(`The drive ${image} still holds the archive of device cli-cam.`);
      await expect(pending.textContent()).resolves.toContain(`The local copy at ${archive} was not shredded`);
      await checkStep(page, 'journal-pending-from-cli');

      await page.getByTestId('pending-shred').click();
      await page.locator('[data-kind="local-copy-not-shredded"]').waitFor({ state: 'detached' });
      expect(existsSync(archive)).toBe(false);
      // The command line sees the same journal: only the drive is left, with the command that finishes it.
      const listed = parseSingleJson(runBin(['pending', '--json'], { env }).stdout) as { pending: { kind: string; command: string | null }[] };
      expect(listed.pending.map((item) => [item.kind, item.command])).toEqual([['drive-holds-archive', `panorama-usb sanitize ${image} --method zero`]]);
      await expect(page.getByTestId('pending-sanitize').isVisible()).resolves.toBe(true);

      // The drive taken away: nothing to finish until it is back; the same drive back: offered again.
      renameSync(image, `${image}.away`);
      await page.reload();
      await page.getByTestId('pending-plug-in').waitFor();
      await expect(page.getByTestId('pending-sanitize').count()).resolves.toBe(0);
      renameSync(`${image}.away`, image);
      await page.reload();
      await page.getByTestId('pending-sanitize').waitFor();
      await killHard(preview.child);
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });
});
