/**
 * Volumes other tools made (sfdisk + mkfs.fat like Windows/macOS sticks with an MBR partition,
 * and a superfloppy without a partition table) are listed, read and written without mounting;
 * drives without a FAT volume are refused with NOT_FAT and left untouched.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { BlockTarget, hashFileOnVolume, readLayout, sha256, withVolume } from '../../main/core/disk';
import { fileSha256, GiB, imageDir, MiB, sparseImage } from '../support/images';
import { fsckFat, mtools, mtoolsImage, mustRun } from '../support/tools';

const { dir, cleanup } = imageDir('disk-foreign');
afterAll(cleanup);

function partitioned(name: string, script: string, size = GiB): string {
  const image = sparseImage(dir, name, size);
  mustRun('sfdisk', ['--quiet', image], { input: script });
  return image;
}

describe('volumes made by sfdisk + mkfs.fat', () => {
  it('reads and writes an MBR FAT32 partition, and mtools sees our file', async () => {
    const image = partitioned('mkfs-mbr.img', 'label: dos\nstart=2048, type=c\n');
    mustRun('mkfs.fat', ['-F', '32', '-n', 'WINSTICK', '--offset', '2048', image, String((GiB / 512 - 2048) / 2)]);
    const at = mtoolsImage(image, MiB);
    mtools('mmd', ['-i', at, '::/docs']);
    mtools('mcopy', ['-i', at, '-', '::/docs/readme.txt'], Buffer.from('made by mtools\n'));

    const data = randomBytes(3000);
    await withVolume(image, { access: 'write' }, (volume) => {
      expect(volume.info()).toMatchObject({ fatType: 'FAT32', label: 'WINSTICK' });
      expect(volume.readFile('/docs/readme.txt').toString()).toBe('made by mtools\n');
      volume.writeFile('/certificates-omni_dock-7.zip', data);
    });
    expect(mustRun('bash', ['-c', `MTOOLS_SKIP_CHECK=1 mcopy -n -i '${at}' ::/certificates-omni_dock-7.zip - | sha256sum`]).split(' ')[0]).toBe(sha256(data));
    const fsck = fsckFat(image, MiB, GiB - MiB);
    expect(fsck.status, fsck.stdout + fsck.stderr).toBe(0);
  });

  it('reads a FAT16 partition too (small sticks formatted elsewhere)', async () => {
    const image = partitioned('fat16.img', 'label: dos\nstart=2048, size=400000, type=6\n');
    mustRun('mkfs.fat', ['-F', '16', '--offset', '2048', image, '200000']);
    mtools('mcopy', ['-i', mtoolsImage(image, MiB), '-', '::/hello.txt'], Buffer.from('hi'));
    await withVolume(image, { access: 'read' }, (volume) => {
      expect(volume.info().fatType).toBe('FAT16');
      expect(volume.list('/').map((entry) => entry.name)).toEqual(['hello.txt']);
    });
  });

  it('reads and writes a superfloppy (FAT32 at sector 0, no partition table)', async () => {
    const image = sparseImage(dir, 'superfloppy.img', GiB);
    mustRun('mkfs.fat', ['-F', '32', '-n', 'FLOPPYISH', image]);
    const probe = await BlockTarget.open(image, { access: 'read' });
    try {
      expect(readLayout(probe).kind).toBe('superfloppy');
    } finally {
      probe.close();
    }
    const data = randomBytes(12345);
    await withVolume(image, { access: 'write' }, (volume) => {
      expect(volume.info().label).toBe('FLOPPYISH');
      volume.writeFile('/a.bin', data);
    });
    await expect(hashFileOnVolume(image, '/a.bin')).resolves.toEqual({ sha256: sha256(data), size: data.length });
    expect(mtools('mdir', ['-b', '-i', image, '::'])).toContain('::/a.bin');
    const fsck = fsckFat(image, 0, GiB);
    expect(fsck.status, fsck.stdout + fsck.stderr).toBe(0);
  });
});

describe('drives without a FAT volume are refused with NOT_FAT and left as they were', () => {
  it.each([
    ['a blank drive', (): string => sparseImage(dir, 'blank.img', 128 * MiB), /no partition table/],
    ['a GPT drive', (): string => partitioned('gpt.img', 'label: gpt\nstart=2048, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7\n', 128 * MiB), /GPT/],
    ['a Linux partition', (): string => partitioned('linux.img', 'label: dos\nstart=2048, type=83\n', 128 * MiB), /0x83/],
    ['a FAT-typed partition with no filesystem', (): string => partitioned('empty-fat.img', 'label: dos\nstart=2048, type=c\n', 128 * MiB), /no FAT volume/],
  ])('%s', async (_name, make, message) => {
    const image = make();
    const before = await fileSha256(image);
    await expect(withVolume(image, { access: 'write' }, (volume) => volume.list('/'))).rejects.toMatchObject({ code: 'NOT_FAT', outcome: 'refused', message: expect.stringMatching(message) as unknown });
    expect(await fileSha256(image)).toBe(before);
  });
});
