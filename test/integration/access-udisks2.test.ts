/**
 * Drives reached as a normal user through UDisks2 — real daemons (system bus, udev, polkit,
 * UDisks2), a real polkit rule, a real unprivileged user: the client opens a loop device and the
 * descriptor crosses D-Bus into the user's process; a device the rule does not cover, a missing
 * rule and a stopped bus each refuse with their code and leave the device byte for byte as it
 * was; a mounted partition is unmounted (and one in use is DRIVE_BUSY naming its mount point);
 * a loop device is released. The client runs in a probe bundled from test/support/udisks2-probe.ts.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktopUnavailable, runAsTestUser, startDesktop, type Desktop } from '../support/desktop';
import { fileSha256, imageDir, MiB, sparseImage } from '../support/images';
import { attachLoop, detachLoop, mustRun, tool } from '../support/tools';

const skipped = desktopUnavailable();
if (skipped !== null) console.warn(`UDisks2 tests skipped: ${skipped}.`);

interface ProbeAnswer {
  ok: boolean;
  code?: string;
  outcome?: string;
  message?: string;
  hex?: string;
  unmounted?: string[];
  released?: string;
  isBlockDevice?: boolean;
}

describe.skipIf(skipped !== null)('UDisks2 as an unprivileged user', () => {
  const { dir, cleanup } = imageDir('access-udisks2');
  const probe = path.resolve('dist/test-probes/udisks2-probe.cjs');
  const attached: string[] = [];
  let desktop: Desktop;

  const loop = (image: string): string => {
    const device = attachLoop(image);
    attached.push(device);
    desktop.settle();
    return device;
  };

  const ask = (...args: string[]): ProbeAnswer => {
    const run = runAsTestUser(process.execPath, [probe, ...args]);
    const line = run.stdout.trim().split('\n').at(-1) ?? '';
    try {
      return JSON.parse(line) as ProbeAnswer;
    } catch {
      throw new Error(`the probe said nothing usable (status ${String(run.status)}): ${run.stdout}${run.stderr}`);
    }
  };

  beforeAll(async () => {
    // Next to node_modules, so the bundle finds dbus-next and usocket as the app does.
    await build({ entryPoints: ['test/support/udisks2-probe.ts'], bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', outfile: probe, logLevel: 'warning' });
    desktop = await startDesktop();
  }, 120_000);

  afterAll(async () => {
    for (const device of attached) detachLoop(device);
    await desktop.stop();
    cleanup();
  }, 120_000);

  it('the user cannot open the device by itself, but gets a descriptor from UDisks2 and writes through it', () => {
    const image = sparseImage(dir, 'allowed.img', 64 * MiB);
    const device = loop(image);
    expect(runAsTestUser('dd', [`if=${device}`, 'of=/dev/null', 'count=1', 'status=none']).status).not.toBe(0);

    expect(ask('write-marker', device, '512', 'WRITTEN-THROUGH-UDISKS2')).toEqual({ ok: true, isBlockDevice: true });
    expect(readFileSync(image).subarray(512, 512 + 23).toString('utf8')).toBe('WRITTEN-THROUGH-UDISKS2');
    // O_DIRECT through the same path reads what is on the device.
    const direct = ask('read-direct', device);
    expect(direct.ok).toBe(true);
    expect(Buffer.from(direct.hex ?? '', 'hex').subarray(512, 512 + 23).toString('utf8')).toBe('WRITTEN-THROUGH-UDISKS2');
  });

  it('a device the rule does not cover is AUTHORIZATION_DENIED and left unchanged', async () => {
    const image = sparseImage(dir, 'excluded.img', 64 * MiB);
    const device = loop(image);
    await desktop.allowLoopDevices([device]);
    try {
      const before = await fileSha256(image);
      expect(ask('write-marker', device, '0', 'MUST-NOT-APPEAR')).toMatchObject({ ok: false, code: 'AUTHORIZATION_DENIED', outcome: 'refused' });
      expect(await fileSha256(image)).toBe(before);
    } finally {
      await desktop.allowLoopDevices();
    }
  });

  it('unmounts the mounted partition of the chosen drive; a volume in use is DRIVE_BUSY naming its mount point', () => {
    const image = sparseImage(dir, 'mounted.img', 64 * MiB);
    mustRun('sfdisk', ['--quiet', image], { input: 'label: dos\nstart=2048, type=83\n' });
    const device = loop(image);
    // This kernel has no partition-table parser: partx adds the partition; it can mount ext4 (not vfat).
    mustRun('partx', ['-a', device]);
    const partition = `${device}p1`;
    mustRun('mkfs.ext4', ['-q', '-F', partition]);
    desktop.settle();
    const mountPoint = mkdtempSync(path.join(tmpdir(), 'udisks2-mount-'));
    mustRun('mount', [partition, mountPoint]);
    try {
      const inUse = openSync(path.join(mountPoint, 'open-file'), 'w');
      try {
        expect(ask('unmount', device)).toMatchObject({ ok: false, code: 'DRIVE_BUSY', message: expect.stringContaining(mountPoint) as unknown });
        expect(tool('findmnt', [mountPoint]).status).toBe(0);
      } finally {
        closeSync(inUse);
      }
      expect(ask('unmount', device)).toEqual({ ok: true, unmounted: [mountPoint] });
      expect(tool('findmnt', [mountPoint]).status).not.toBe(0);
    } finally {
      tool('umount', [mountPoint]);
      rmSync(mountPoint, { recursive: true, force: true });
      tool('partx', ['-d', device]);
    }
  });

  it('releases a loop device (Loop.Delete): it is detached', () => {
    const image = sparseImage(dir, 'released.img', 64 * MiB);
    const device = loop(image);
    expect(ask('release', device)).toEqual({ ok: true, released: 'deleted' });
    expect(mustRun('losetup', ['-j', image]).trim()).toBe('');
  });

  it('without the rule: AUTHORIZATION_DENIED (an administrator would be asked, and no agent can ask), unchanged', async () => {
    const image = sparseImage(dir, 'no-rule.img', 64 * MiB);
    const device = loop(image);
    await desktop.removeRule();
    try {
      const before = await fileSha256(image);
      expect(ask('write-marker', device, '0', 'MUST-NOT-APPEAR')).toMatchObject({ ok: false, code: 'AUTHORIZATION_DENIED', outcome: 'refused' });
      expect(await fileSha256(image)).toBe(before);
    } finally {
      await desktop.allowLoopDevices();
    }
  });

  // Last: the bus stays stopped (stop() stops the rest).
  it('with the system bus stopped: DRIVE_ACCESS_UNAVAILABLE at once, unchanged', async () => {
    const image = sparseImage(dir, 'no-bus.img', 64 * MiB);
    const device = loop(image);
    await desktop.stopBus();
    const before = await fileSha256(image);
    expect(ask('write-marker', device, '0', 'MUST-NOT-APPEAR')).toMatchObject({ ok: false, code: 'DRIVE_ACCESS_UNAVAILABLE', outcome: 'refused' });
    expect(await fileSha256(image)).toBe(before);
  });
});
