/**
 * MBR + FAT32 written by our code on image files, checked with tools nobody here wrote:
 * sfdisk reads the partition table, fsck.fat -n must be clean, mtools must read the files and
 * the label byte for byte.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { BlockTarget, DEFAULT_LABEL, formatTarget, hashFileOnVolume, sha256, withVolume, PARTITION_START_LBA } from '../../main/core/disk';
import { fileSha256, GiB, imageDir, MiB, sparseImage } from '../support/images';
import { fsckFat, mtools, mtoolsImage, mustRun } from '../support/tools';

const { dir, cleanup } = imageDir('disk-format');
afterAll(cleanup);

async function formatImage(name: string, size: number, label = DEFAULT_LABEL): Promise<{ image: string; result: Awaited<ReturnType<typeof formatTarget>> }> {
  const image = sparseImage(dir, name, size);
  const target = await BlockTarget.open(image, { access: 'write', exclusive: true });
  try {
    return { image, result: await formatTarget(target, { label }) };
  } finally {
    target.close();
  }
}

describe('formatTarget on an image file', () => {
  it('writes one 0x0C partition at sector 2048 to the end, as sfdisk reads it', async () => {
    const { image, result } = await formatImage('one-gib.img', GiB);
    const table = JSON.parse(mustRun('sfdisk', ['--json', image])) as { partitiontable: { label: string; partitions: { start: number; size: number; type: string }[] } };
    expect(table.partitiontable.label).toBe('dos');
    expect(table.partitiontable.partitions).toEqual([expect.objectContaining({ start: 2048, size: GiB / 512 - 2048, type: 'c' })]);
    expect(result).toMatchObject({ partitionStartLba: PARTITION_START_LBA, fatType: 'FAT32', label: 'PANORAMA', clusterBytes: 4096 });
  });

  it('makes a volume fsck.fat -n finds clean, with the label mtools reads', async () => {
    const { image, result } = await formatImage('clean.img', GiB, 'Panorama-1');
    const fsck = fsckFat(image, PARTITION_START_LBA * 512, result.partitionSectors * 512);
    expect(fsck.status, fsck.stdout + fsck.stderr).toBe(0);
    expect(fsck.stdout).toMatch(/4096 bytes per cluster/);
    expect(fsck.stdout).not.toMatch(/(?<!\b0 )errors?|differ|corrupt/i);
    expect(mtools('mlabel', ['-s', '-i', mtoolsImage(image, PARTITION_START_LBA * 512), '::']).trim()).toBe('Volume label is PANORAMA-1');
  });

  it('writes files at the root and in folders that mtools reads back byte for byte, and fsck stays clean', async () => {
    const { image, result } = await formatImage('files.img', GiB);
    const archive = randomBytes(10 * 1024);
    const log = Buffer.from('2026-11-22T10:00:00Z occ: registered\n');
    await withVolume(image, { access: 'write' }, (volume) => {
      volume.writeFile('/certificates-omni_lobby-cam-01.zip', archive);
      volume.mkdir('/panorama');
      volume.writeFile('/panorama/occ.log', log);
    });
    const at = mtoolsImage(image, PARTITION_START_LBA * 512);
    const listing = mtools('mdir', ['-i', at, '::']);
    expect(listing).toContain('certificates-omni_lobby-cam-01.zip');
    expect(listing).toContain('Volume in drive : is PANORAMA');
    expect(mtools('mtype', ['-i', at, '::/panorama/occ.log'])).toBe(log.toString());
    const copied = mustRun('bash', ['-c', `MTOOLS_SKIP_CHECK=1 mcopy -n -i '${at}' ::/certificates-omni_lobby-cam-01.zip - | sha256sum`]).split(' ')[0];
    expect(copied).toBe(sha256(archive));
    await expect(hashFileOnVolume(image, '/certificates-omni_lobby-cam-01.zip')).resolves.toEqual({ sha256: sha256(archive), size: archive.length });
    const fsck = fsckFat(image, PARTITION_START_LBA * 512, result.partitionSectors * 512);
    expect(fsck.status, fsck.stdout + fsck.stderr).toBe(0);
  });

  it('lists, deletes and reports the volume', async () => {
    const { image } = await formatImage('ops.img', GiB);
    await withVolume(image, { access: 'write' }, (volume) => {
      volume.writeFile('/a.txt', Buffer.from('a'));
      volume.mkdir('/logs');
      volume.writeFile('/logs/b.txt', Buffer.from('bb'));
      expect(volume.walk().map((entry) => [entry.path, entry.size, entry.isDirectory])).toEqual([
        ['/a.txt', 1, false],
        ['/logs', 0, true],
        ['/logs/b.txt', 2, false],
      ]);
      volume.remove('/a.txt');
      expect(volume.exists('/a.txt')).toBe(false);
      expect(() => volume.remove('/a.txt')).toThrow(expect.objectContaining({ code: 'FILE_NOT_FOUND' }));
      expect(() => volume.mkdir('/logs')).toThrow(expect.objectContaining({ code: 'FILE_EXISTS' }));
      const info = volume.info();
      expect(info).toMatchObject({ fatType: 'FAT32', label: 'PANORAMA', clusterBytes: 4096 });
      expect(info.freeBytes).toBeGreaterThan(0.99 * GiB - 64 * MiB);
    });
    expect(mtools('mdir', ['-b', '-/', '-i', mtoolsImage(image, 1 * MiB), '::'])).not.toContain('a.txt');
  });

  it.each([
    [8, 4096],
    [32, 16384],
    [256, 32768],
  ])('handles a %i GiB drive with the Microsoft cluster size (%i bytes), clean under fsck.fat', async (gib, clusterBytes) => {
    const { image, result } = await formatImage(`big-${gib}.img`, gib * GiB);
    expect(result.clusterBytes).toBe(clusterBytes);
    const fsck = fsckFat(image, PARTITION_START_LBA * 512, result.partitionSectors * 512);
    expect(fsck.status, fsck.stdout + fsck.stderr).toBe(0);
    expect(fsck.stdout).toContain(`${clusterBytes} bytes per cluster`);
  });
});

describe('refusals leave the image exactly as it was', () => {
  it('refuses a bad label before writing anything', async () => {
    const image = sparseImage(dir, 'label.img', 128 * MiB);
    const before = await fileSha256(image);
    const target = await BlockTarget.open(image, { access: 'write' });
    try {
      await expect(formatTarget(target, { label: 'WAY-TOO-LONG-LABEL' })).rejects.toMatchObject({ code: 'INVALID_LABEL', outcome: 'refused' });
      await expect(formatTarget(target, { label: 'a/b' })).rejects.toMatchObject({ code: 'INVALID_LABEL' });
    } finally {
      target.close();
    }
    expect(await fileSha256(image)).toBe(before);
  });

  it('refuses a target too small for FAT32', async () => {
    const image = sparseImage(dir, 'tiny.img', 16 * MiB);
    const before = await fileSha256(image);
    const target = await BlockTarget.open(image, { access: 'write' });
    try {
      await expect(formatTarget(target, { label: 'X' })).rejects.toMatchObject({ code: 'TARGET_TOO_SMALL', outcome: 'refused' });
    } finally {
      target.close();
    }
    expect(await fileSha256(image)).toBe(before);
  });

  it('refuses to write through a read-only handle', async () => {
    const image = sparseImage(dir, 'ro.img', GiB);
    const target = await BlockTarget.open(image, { access: 'read' });
    try {
      await expect(formatTarget(target, { label: 'X' })).rejects.toMatchObject({ code: 'TARGET_READ_ONLY' });
    } finally {
      target.close();
    }
  });
});
