/**
 * Drives that take only whole, aligned blocks — macOS's /dev/rdiskN and Windows's
 * \\.\PhysicalDriveN refuse anything else — reproduced here by a Linux device opened O_DIRECT
 * (positions, lengths and memory aligned to 4096, or EINVAL), on a loop device with 4 KiB
 * logical sectors. FatFs's 512-byte sector I/O, the archive write, its verification and
 * unaligned writes of every shape must still land exactly, checked with fsck.fat, mtools and
 * a byte-for-byte comparison of the backing image.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { writeArchiveVolume } from '../../main/core/archive/write';
import { BlockTarget, PARTITION_START_LBA, verifyFileOnTarget } from '../../main/core/disk';
import { sha256 } from '../../main/core/disk/verify';
import { realisticArchive } from '../support/archives';
import { imageDir, MiB, sparseImage } from '../support/images';
import { canUseLoopDevices, detachLoop, fsckFat, mtools, mtoolsImage, mustRun } from '../support/tools';

const loopsUsable = canUseLoopDevices();
if (!loopsUsable) console.warn('Aligned-I/O tests skipped: they need root and losetup.');

describe.skipIf(!loopsUsable)('a drive that takes only whole aligned blocks (O_DIRECT on 4 KiB sectors)', () => {
  const { dir, cleanup } = imageDir('disk-aligned');
  const attached: string[] = [];
  afterEach(() => {
    while (attached.length > 0) detachLoop(attached.pop() ?? '');
  });
  afterAll(cleanup);
  const loop4k = (image: string): string => {
    const device = mustRun('losetup', ['-f', '--show', '--sector-size', '4096', image]).trim();
    attached.push(device);
    return device;
  };

  it('the descriptor really refuses an unaligned write (EINVAL): the rule the bounce must follow', async () => {
    const device = loop4k(sparseImage(dir, 'rule.img', 64 * MiB));
    const target = await BlockTarget.open(device, { access: 'write', exclusive: true, direct: true });
    try {
      expect(() => fs.writeSync(target.fd, Buffer.alloc(512), 0, 512, 512)).toThrow(expect.objectContaining({ code: 'EINVAL' }) as Error);
    } finally {
      target.close();
    }
  });

  it('formats and writes the archive through it: fsck.fat accepts the volume, mtools reads the archive back whole', async () => {
    const image = sparseImage(dir, 'write.img', 256 * MiB);
    const device = loop4k(image);
    const bytes = realisticArchive();
    const fileName = 'certificates-omni_aligned-cam.zip';
    const target = await BlockTarget.open(device, { access: 'write', exclusive: true, direct: true });
    const partitionSectors = await (async () => {
      try {
        const written = await writeArchiveVolume(target, { bytes: Buffer.from(bytes), fileName }, { format: true });
        await verifyFileOnTarget(target, `/${fileName}`, { sha256: sha256(bytes), size: bytes.length });
        return written.formatted?.partitionSectors ?? 0;
      } finally {
        target.close();
      }
    })();
    detachLoop(attached.pop() ?? '');
    expect(partitionSectors).toBeGreaterThan(0);
    const fsck = fsckFat(image, PARTITION_START_LBA * 512, partitionSectors * 512);
    expect(fsck.status, fsck.stdout + fsck.stderr).toBe(0);
    const copy = `${dir}/copied.zip`;
    mtools('mcopy', ['-n', '-i', mtoolsImage(image, PARTITION_START_LBA * 512), `::/${fileName}`, copy]);
    expect(sha256(fs.readFileSync(copy))).toBe(sha256(bytes));
  });

  it('unaligned reads and writes of every shape (sync, async, pieces) land exactly, and leave the bytes around them alone', async () => {
    const size = 16 * MiB;
    const image = sparseImage(dir, 'shapes.img', size);
    const model = randomBytes(size);
    fs.writeFileSync(image, model);
    const device = loop4k(image);
    const target = await BlockTarget.open(device, { access: 'write', exclusive: true, direct: true });
    const put = (data: Buffer, position: number): void => {
      data.copy(model, position);
    };
    try {
      // A sector inside a block; a write across two blocks; one across the 1 MiB scratch's edge; one at the very end.
      const shapes: [number, number][] = [
        [512, 512],
        [4096 - 100, 300],
        [MiB - 1000, 3 * MiB + 7],
        [size - 4096 - 17, 4096 + 17],
        [8192, 4096],
      ];
      for (const [index, [position, length]] of shapes.entries()) {
        const data = randomBytes(length);
        if (index % 2 === 0) target.writeSync(data, 0, length, position);
        else await target.write(data, position);
        put(data, position);
      }
      const pieces = [randomBytes(1000), randomBytes(5000), randomBytes(123)];
      await target.writev(pieces, 5 * MiB + 3);
      put(Buffer.concat(pieces), 5 * MiB + 3);
      await target.flush();
      // Read back through the same aligned descriptor, unaligned too.
      const probe = Buffer.alloc(3 * MiB + 7);
      target.readSync(probe, 0, probe.length, MiB - 1000);
      expect(probe.equals(model.subarray(MiB - 1000, MiB - 1000 + probe.length))).toBe(true);
      const tail = Buffer.alloc(4096 + 17);
      await target.read(tail, size - 4096 - 17);
      expect(tail.equals(model.subarray(size - 4096 - 17))).toBe(true);
    } finally {
      target.close();
    }
    detachLoop(attached.pop() ?? '');
    // What the backing image holds, read by nobody's code but the kernel's.
    expect(sha256(fs.readFileSync(image))).toBe(sha256(model));
  });
});
