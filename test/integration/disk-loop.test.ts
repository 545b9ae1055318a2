/**
 * The same code on real block devices: loop devices, when running as root (skipped with the
 * reason printed otherwise). Sizes come from the kernel, O_EXCL keeps a second writer out,
 * read-only devices are refused, and a device that vanishes mid-job is reported as unplugged.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { truncateSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BlockTarget, formatTarget, PARTITION_START_LBA, withVolume } from '../../main/core/disk';
import { fileSha256, GiB, imageDir, sparseImage } from '../support/images';
import { attachLoop, canUseLoopDevices, detachLoop, fsckFat, mtools, mtoolsImage } from '../support/tools';

const loopsUsable = canUseLoopDevices();
if (!loopsUsable) console.warn('Loop-device tests skipped: they need root and losetup (image-file tests cover the same code).');

describe.skipIf(!loopsUsable)('block targets on loop devices', () => {
  const { dir, cleanup } = imageDir('disk-loop');
  const attached: string[] = [];
  const loop = (image: string, options: Parameters<typeof attachLoop>[1] = {}): string => {
    const device = attachLoop(image, options);
    attached.push(device);
    return device;
  };
  afterEach(() => {
    while (attached.length > 0) detachLoop(attached.pop() ?? '');
  });
  afterAll(cleanup);

  it('takes the size from the kernel and formats a volume fsck.fat and mtools accept', async () => {
    const image = sparseImage(dir, 'loop.img', GiB);
    const device = loop(image);
    const target = await BlockTarget.open(device, { access: 'write', exclusive: true });
    const { partitionSectors } = await (async () => {
      try {
        expect(target).toMatchObject({ kind: 'device', size: GiB });
        return await formatTarget(target, { label: 'LOOPDRIVE' });
      } finally {
        target.close();
      }
    })();
    const data = randomBytes(10_240);
    await withVolume(device, { access: 'write', exclusive: true }, (volume) => volume.writeFile('/certificates-omni_loop-1.zip', data));
    detachLoop(attached.pop() ?? '');
    const fsck = fsckFat(image, PARTITION_START_LBA * 512, partitionSectors * 512);
    expect(fsck.status, fsck.stdout + fsck.stderr).toBe(0);
    expect(mtools('mlabel', ['-s', '-i', mtoolsImage(image, PARTITION_START_LBA * 512), '::']).trim()).toBe('Volume label is LOOPDRIVE');
  });

  it('keeps a second exclusive writer out with DRIVE_BUSY', async () => {
    const device = loop(sparseImage(dir, 'busy.img', GiB));
    const first = await BlockTarget.open(device, { access: 'write', exclusive: true });
    try {
      await expect(BlockTarget.open(device, { access: 'write', exclusive: true })).rejects.toMatchObject({ code: 'DRIVE_BUSY', outcome: 'refused' });
    } finally {
      first.close();
    }
  });

  it('refuses a read-only device before writing, leaving it unchanged', async () => {
    const image = sparseImage(dir, 'ro.img', 128 * 1024 * 1024);
    const before = await fileSha256(image);
    const device = loop(image, { readOnly: true });
    await expect(BlockTarget.open(device, { access: 'write' })).rejects.toMatchObject({ code: 'TARGET_READ_ONLY', outcome: 'refused' });
    expect(await fileSha256(image)).toBe(before);
  });

  it('refuses a detached device node (no medium)', async () => {
    const free = execFileSync('losetup', ['-f'], { encoding: 'utf8' }).trim();
    await expect(BlockTarget.open(free, { access: 'write' })).rejects.toMatchObject({ code: 'NO_MEDIUM' });
  });

  it('reports a device whose medium vanishes mid-job as unplugged, not as a crash', async () => {
    const image = sparseImage(dir, 'unplug.img', GiB);
    const device = loop(image);
    const target = await BlockTarget.open(device, { access: 'write', exclusive: true });
    try {
      await formatTarget(target, { label: 'UNPLUG' });
    } finally {
      target.close();
    }
    await expect(
      withVolume(device, { access: 'write', exclusive: true }, (volume) => {
        // The medium goes away between mounting and writing (like a card pulled from its reader).
        truncateSync(image, 0);
        execFileSync('losetup', ['-c', device]);
        volume.writeFile('/big.bin', randomBytes(4 * 1024 * 1024));
      }),
    ).rejects.toMatchObject({ code: 'DRIVE_UNPLUGGED', outcome: 'failed' });
  });
});
