/**
 * The wizard as a normal user would run it on a Linux desktop: `npm run preview --
 * --allow-real-drives` started by an unprivileged account (no sudo), Training off, the real
 * daemons behind it (system bus, udev, polkit with a rule for loop devices, UDisks2), the
 * simulator as its Panorama endpoint. The drive is a loop device whose ext4 partition is mounted,
 * as a desktop mounts a stick: the wizard offers it saying it will be unmounted, names the volume
 * in the confirmation, then writes, verifies, registers (the simulated appliance reads the drive),
 * collects the logs, wipes it with zeros, verified, and ejects it (detaches the loop device).
 * Checked from outside: fsck.fat, mtools, findmnt, losetup, the marker count and the audit chain.
 */
import { chmodSync, chownSync, closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../main/core/simulator';
import { launchChromium } from '../support/chromium';
import { runBinAsync } from '../support/cli';
import { desktopUnavailable, spawnAsTestUser, startDesktop, type Desktop } from '../support/desktop';
import { imageDir, MiB, sparseImage } from '../support/images';
import { countMarkers } from '../support/markers';
import { attachLoop, detachLoop, fsckFat, mtools, mtoolsImage, mustRun, tool } from '../support/tools';
import { checkStep, clickNext, waitForStep } from '../support/wizard';
import { readAuditChain } from '../support/wizard-flows';

const skipped = desktopUnavailable();
if (skipped !== null) console.warn(`Wizard-as-a-user tests skipped: ${skipped}.`);

const SECRET = 'LEFT-OVER-SECRET-IN-FREE-SPACE';
const SIZE = 1100 * MiB;

/** The preview's "Open: URL" line, or its stderr if it stops first. */
function previewUrl(preview: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    preview.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const url = /^Open: (\S+)$/m.exec(out)?.[1];
      if (url !== undefined) resolve(url);
    });
    preview.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    preview.on('exit', (code) => reject(new Error(`the preview stopped (${String(code)}) before serving: ${out}${err}`)));
  });
}

describe.skipIf(skipped !== null)("the preview's wizard as a normal user, Training off, real drives through UDisks2", () => {
  const { dir, cleanup } = imageDir('wizard-udisks2');
  // Possibly unset in afterAll when beforeAll failed half-way.
  let desktop: Desktop | undefined;
  let simulator: Simulator | undefined;
  let preview: ChildProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let home: string;
  let image: string;
  let device = '';
  let mountPoint: string | undefined;
  let attached = false;
  const problems: string[] = [];
  const dataDir = (): string => path.join(home, 'data');

  beforeAll(async () => {
    const started = await startDesktop();
    desktop = started;
    const panorama = await startSimulator({ timeScale: 0.01, rateLimitPerSecond: 0 });
    simulator = panorama;
    home = mkdtempSync(path.join(tmpdir(), 'wizard-user-'));
    chownSync(home, started.uid, started.gid);
    chmodSync(home, 0o755);

    // A stick as a desktop leaves it: one partition, its file system mounted. (This kernel parses
    // no partition tables, so partx adds the partition — -u, in case udev's probe added it first; it mounts ext4, not vfat.)
    image = sparseImage(dir, 'stick.img', SIZE);
    mustRun('sfdisk', ['--quiet', image], { input: 'label: dos\nstart=2048, type=83\n' });
    device = attachLoop(image);
    attached = true;
    started.settle();
    mustRun('partx', ['-u', device]);
    mustRun('mkfs.ext4', ['-q', '-F', '-E', 'nodiscard', `${device}p1`]);
    // Old secrets in what the file system calls free space: only an overwrite of every block removes them.
    for (const offset of [1050 * MiB, SIZE - 4096]) {
      const fd = openSync(image, 'r+');
      writeSync(fd, Buffer.from(SECRET), 0, SECRET.length, offset);
      closeSync(fd);
    }
    const mountedAt = mkdtempSync(path.join(tmpdir(), 'user-stick-'));
    mountPoint = mountedAt;
    mustRun('mount', [`${device}p1`, mountedAt]);
    started.settle();

    const server = spawnAsTestUser(process.execPath, [path.resolve('dist/preview.cjs'), '--allow-real-drives', '--endpoint', panorama.endpoint, '--data-dir', dataDir(), '--port', '0'], { HOME: home });
    preview = server;
    const url = await previewUrl(server);
    const chromium = await launchChromium();
    browser = chromium;
    page = await (await chromium.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(url);
    await page.getByTestId('app-version').waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    const server = preview;
    if (server?.pid !== undefined && server.exitCode === null) {
      const stopped = new Promise((resolve) => server.once('exit', resolve));
      process.kill(-server.pid, 'SIGTERM');
      await stopped;
    }
    if (mountPoint !== undefined) {
      tool('umount', [mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
    }
    if (attached) {
      tool('partx', ['-d', device]);
      detachLoop(device);
    }
    await simulator?.close();
    await desktop?.stop();
    rmSync(home, { recursive: true, force: true });
    cleanup();
  }, 120_000);

  it('says drives are reached through UDisks2, not as root', async () => {
    await expect(page.getByTestId('app-elevated').textContent()).resolves.toMatch(/UDisks2/);
  });

  it('creates the device, unmounts and writes the mounted stick, registers, collects the logs, wipes it (zero, verified) and ejects it', { timeout: 300_000 }, async () => {
    await page.getByTestId('path-provision').click();
    await waitForStep(page, 'source');
    await page.getByTestId('source-create').check();
    await page.getByTestId('form-name').fill('user-desk-cam');
    await clickNext(page, 'review');
    await clickNext(page, 'drive');

    // The mounted stick is offered, saying what will happen to its volume.
    // Named as people know it: the image behind the loop device, then the device ("stick.img (loop0)").
    const row = page.locator('.choices li', { has: page.locator('label.choice', { hasText: `${path.basename(image)} (${path.basename(device)})` }) });
    await expect(row.getByTestId('will-unmount').textContent()).resolves.toBe(`Mounted at ${mountPoint}; it will be unmounted.`);
    await row.locator('input').check();
    await checkStep(page, 'user-1-drive-mounted');
    await clickNext(page, 'write');
    await expect(page.getByTestId('confirm-drive').textContent()).resolves.toBe(`${path.basename(image)} (${path.basename(device)})`);
    await expect(page.getByTestId('confirm-unmount').textContent()).resolves.toContain(mountPoint);
    await checkStep(page, 'user-2-confirm-unmount');
    await page.getByTestId('write').click();
    await page.getByTestId('written').waitFor({ timeout: 60_000 });
    expect(tool('findmnt', [mountPoint ?? '']).status).not.toBe(0);
    expect(fsckFat(image, MiB, SIZE - MiB).status).toBe(0);
    expect(mtools('mdir', ['-b', '-i', mtoolsImage(image, MiB), '::']).trim()).toBe('::/certificates-omni_user-desk-cam.zip');

    await clickNext(page, 'register');
    // The appliance reads the drive and registers with the same simulator.
    const appliance = await runBinAsync(['appliance', '--drive', device, '--endpoint', simulator?.endpoint ?? '', '--json']);
    expect(appliance.status, appliance.stdout + appliance.stderr).toBe(0);
    await page.getByTestId('registered').waitFor({ timeout: 120_000 });

    await clickNext(page, 'clean-up');
    await page.getByTestId('collect-logs').click();
    await page.getByTestId('logs-collected').waitFor({ timeout: 60_000 });
    await page.getByTestId('method-zero').check();
    await page.getByTestId('sanitize').click();
    await page.locator('[data-testid="sanitized"][data-outcome="sanitized"]').waitFor({ timeout: 180_000 });
    await expect(page.getByTestId('sanitized').textContent()).resolves.toContain('level: Clear; verification passed');
    expect(countMarkers(image, SECRET)).toBe(0);
    expect(fsckFat(image, MiB, SIZE - MiB).status).toBe(0);
    expect(mtools('mdir', ['-b', '-i', mtoolsImage(image, MiB), '::']).trim()).toBe('');

    await page.getByTestId('eject').click();
    await expect(page.getByTestId('ejected').textContent()).resolves.toContain('detached');
    expect(mustRun('losetup', ['-j', image]).trim()).toBe('');
    attached = false;
    await checkStep(page, 'user-3-clean-up');

    await clickNext(page, 'done');
    await page.getByTestId('finish').click();
    await page.getByRole('heading', { name: 'What do you want to do?' }).waitFor();
    const audit = readAuditChain(dataDir());
    expect(audit.verification).toMatchObject({ ok: true, brokenAt: null });
    const actions = audit.entries.map((entry) => entry.action);
    for (const action of ['provision', 'registration', 'collect-logs', 'sanitize', 'eject']) expect(actions).toContain(action);
  });

  it('had no page errors', () => {
    expect(problems).toEqual([]);
  });
});
