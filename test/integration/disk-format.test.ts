/**
 * MBR + FAT written by our code on image files, checked with tools nobody here wrote:
 * sfdisk reads the partition table, fsck.fat -n must be clean, mtools must read the files and
 * the label byte for byte, and mkfs.fat says which FAT it would have made of a small partition.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { BlockTarget, DEFAULT_LABEL, formatTarget, hashFileOnVolume, MIN_FORMAT_BYTES, sha256, withVolume, PARTITION_START_LBA } from '../../main/core/disk';
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

/** The FAT type fsck.fat reads from a volume ("2 FATs, 16 bit entries"). */
function fsckFatBits(run: { stdout: string }): number {
  const bits = /(\d+) bit entries/.exec(run.stdout)?.[1];
  if (bits === undefined) throw new Error(`fsck.fat did not say the FAT type:\n${run.stdout}`);
  return Number(bits);
}

/** What mkfs.fat (dosfstools) makes of a partition this size, read back by fsck.fat. */
function mkfsFatBits(partitionBytes: number): number {
  const image = sparseImage(dir, `mkfs-${partitionBytes}.img`, partitionBytes);
  mustRun('mkfs.fat', [image]);
  return fsckFatBits(fsckFat(image, 0, partitionBytes));
}

describe('small drives (sanitized, never provisioned): the FAT type their size allows', () => {
  it.each([
    // drive size, FAT, cluster bytes, partition type (sfdisk's name for it), FAT bits mkfs.fat picks for the same partition
    [3 * MiB, 'FAT12', 2048, '1', 12],
    [8 * MiB, 'FAT12', 2048, '1', 12],
    [16 * MiB, 'FAT16', 2048, 'e', 16],
    [32 * MiB, 'FAT16', 2048, 'e', 16],
    [64 * MiB, 'FAT32', 512, 'c', 16],
    [256 * MiB, 'FAT32', 2048, 'c', 16],
    [512 * MiB, 'FAT32', 4096, 'c', 16],
  ] as const)('%i bytes: %s with %i-byte clusters in a partition of type 0x%s, clean under fsck.fat, labelled for mtools (mkfs.fat: FAT%i)', async (size, fatType, clusterBytes, partitionType, mkfsBits) => {
    const { image, result } = await formatImage(`small-${size}.img`, size);
    expect(result).toMatchObject({ fatType, clusterBytes, partitionType: parseInt(partitionType, 16), partitionStartLba: PARTITION_START_LBA, partitionSectors: size / 512 - 2048 });
    const table = JSON.parse(mustRun('sfdisk', ['--json', image])) as { partitiontable: { partitions: { start: number; size: number; type: string }[] } };
    expect(table.partitiontable.partitions).toEqual([expect.objectContaining({ start: 2048, size: size / 512 - 2048, type: partitionType })]);

    const fsck = fsckFat(image, PARTITION_START_LBA * 512, result.partitionSectors * 512);
    expect(fsck.status, fsck.stdout + fsck.stderr).toBe(0);
    expect(fsckFatBits(fsck)).toBe(Number(fatType.slice(3)));
    expect(fsck.stdout).toContain(`${clusterBytes} bytes per cluster`);
    // Below FAT32 we make what mkfs.fat makes; above ~33 MiB FAT32, where mkfs.fat keeps FAT16 up to 512 MiB.
    const mkfsBitsHere = mkfsFatBits(result.partitionSectors * 512);
    expect(mkfsBitsHere).toBe(mkfsBits);
    if (fatType !== 'FAT32') expect(fsckFatBits(fsck)).toBe(mkfsBitsHere);

    const at = mtoolsImage(image, PARTITION_START_LBA * 512);
    expect(mtools('mlabel', ['-s', '-i', at, '::']).trim()).toBe('Volume label is PANORAMA');
    const info = await withVolume(image, { access: 'read' }, (volume) => volume.info());
    expect(info).toMatchObject({ fatType, label: 'PANORAMA', clusterBytes, totalBytes: result.partitionSectors * 512 });
  });

  it.each([
    ['16 MiB', 16 * MiB, 'FAT16'],
    ['3 MiB', 3 * MiB, 'FAT12'],
  ] as const)('writes and reads files on a %s drive (%s) that mtools reads back and fsck.fat finds clean', async (_name, size, fatType) => {
    const { image, result } = await formatImage(`files-${size}.img`, size);
    const archive = randomBytes(100 * 1024);
    const log = Buffer.from('2026-11-22T10:00:00Z occ: registered\n');
    await withVolume(image, { access: 'write' }, (volume) => {
      volume.writeFile('/archive.bin', archive);
      volume.mkdir('/panorama');
      volume.writeFile('/panorama/occ.log', log);
    });
    await withVolume(image, { access: 'read' }, (volume) => {
      expect(volume.info().fatType).toBe(fatType);
      expect(volume.walk().map((entry) => entry.path)).toEqual(['/archive.bin', '/panorama', '/panorama/occ.log']);
      expect(sha256(volume.readFile('/archive.bin'))).toBe(sha256(archive));
    });
    const at = mtoolsImage(image, PARTITION_START_LBA * 512);
    expect(mtools('mdir', ['-i', at, '::'])).toContain('Volume in drive : is PANORAMA');
    expect(mtools('mtype', ['-i', at, '::/panorama/occ.log'])).toBe(log.toString());
    const copied = mustRun('bash', ['-c', `MTOOLS_SKIP_CHECK=1 mcopy -n -i '${at}' ::/archive.bin - | sha256sum`]).split(' ')[0];
    expect(copied).toBe(sha256(archive));
    const fsck = fsckFat(image, PARTITION_START_LBA * 512, result.partitionSectors * 512);
    expect(fsck.status, fsck.stdout + fsck.stderr).toBe(0);
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

  it.each([
    ['1 MiB', MiB],
    ['2 MiB', 2 * MiB],
    ['a sector under 3 MiB', 3 * MiB - 512],
  ])('refuses a target too small for a partition table and any FAT volume (%s)', async (_name, size) => {
    const image = sparseImage(dir, `tiny-${size}.img`, size);
    writeFileSync(image, Buffer.from('whatever was here before'), { flag: 'r+' });
    const before = await fileSha256(image);
    const target = await BlockTarget.open(image, { access: 'write' });
    try {
      await expect(formatTarget(target, { label: 'X' })).rejects.toMatchObject({ code: 'TARGET_TOO_SMALL', outcome: 'refused', message: expect.stringContaining('at least 3 MiB') as unknown });
    } finally {
      target.close();
    }
    expect(MIN_FORMAT_BYTES).toBe(3 * MiB);
    expect(await fileSha256(image)).toBe(before);
  });

  it('refuses FAT16 and FAT12 when FAT32 is required (a provisioning drive), writing nothing', async () => {
    const image = sparseImage(dir, 'fat32-only.img', 16 * MiB);
    const before = await fileSha256(image);
    const target = await BlockTarget.open(image, { access: 'write' });
    try {
      await expect(formatTarget(target, { label: 'X', requireFat32: true })).rejects.toMatchObject({ code: 'TARGET_TOO_SMALL', nextStep: 'Use a drive of at least 1 GB.' });
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
