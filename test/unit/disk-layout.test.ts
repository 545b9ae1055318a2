import { describe, expect, it } from 'vitest';
import { buildMbr, fat32ClusterSize, looksLikeFatBootSector, normalizeLabel, parseLayout, partitionTypeFor, planFatLayout, PARTITION_START_LBA } from '../../main/core/disk';
import { classifyIoError } from '../../main/core/disk/io-errors';

const GiB = 1024 ** 3;

describe('the MBR we write', () => {
  it('has one bootable-off 0x0C partition from sector 2048 to the end, LBA-only CHS, and the signature', () => {
    const { sector, partition } = buildMbr(GiB / 512, { diskSignature: 0x12345678 });
    expect(sector.length).toBe(512);
    expect(sector.readUInt32LE(440)).toBe(0x12345678);
    expect([...sector.subarray(446, 462)]).toEqual([0x00, 0xfe, 0xff, 0xff, 0x0c, 0xfe, 0xff, 0xff, 0x00, 0x08, 0, 0, ...(() => { const b = Buffer.alloc(4); b.writeUInt32LE(GiB / 512 - 2048); return [...b]; })()]);
    expect(sector.subarray(462, 510).every((byte) => byte === 0)).toBe(true);
    expect([sector[510], sector[511]]).toEqual([0x55, 0xaa]);
    expect(partition).toEqual({ index: 0, type: 0x0c, bootable: false, startLba: PARTITION_START_LBA, sectors: GiB / 512 - 2048 });
    expect(parseLayout(sector)).toEqual({ kind: 'mbr', partitions: [partition] });
  });

  it('caps the partition below 2 TiB (32-bit sector counts)', () => {
    expect(buildMbr(2 ** 33).partition.sectors).toBe(0xffffffff - 2048);
  });

  it('recognises blank, GPT-protective and superfloppy layouts', () => {
    expect(parseLayout(Buffer.alloc(512))).toEqual({ kind: 'none' });
    const gpt = Buffer.alloc(512);
    gpt[446 + 4] = 0xee;
    gpt.writeUInt32LE(1, 446 + 8);
    gpt.writeUInt32LE(1000, 446 + 12);
    gpt[510] = 0x55;
    gpt[511] = 0xaa;
    expect(parseLayout(gpt)).toEqual({ kind: 'gpt' });
    const boot = Buffer.alloc(512);
    boot.set([0xeb, 0x58, 0x90]);
    boot.writeUInt16LE(512, 11);
    boot[13] = 8;
    boot.writeUInt16LE(32, 14);
    boot[16] = 2;
    boot[510] = 0x55;
    boot[511] = 0xaa;
    expect(looksLikeFatBootSector(boot)).toBe(true);
    expect(parseLayout(boot)).toEqual({ kind: 'superfloppy' });
    boot[13] = 3; // not a power of two: not a FAT boot sector
    expect(looksLikeFatBootSector(boot)).toBe(false);
  });
});

describe('FAT32 cluster size (Microsoft table)', () => {
  it.each([
    [200 * 1024 ** 2, 2048],
    [1 * GiB, 4096],
    [8 * GiB, 4096],
    [15 * GiB, 8192],
    [32 * GiB - 1024 ** 2, 16384],
    [64 * GiB, 32768],
    [256 * GiB, 32768],
  ])('%i bytes -> %i', (bytes, cluster) => {
    expect(fat32ClusterSize(bytes)).toBe(cluster);
  });
});

describe('which FAT a partition gets (planFatLayout)', () => {
  const MiB = 1024 ** 2;
  const sectors = (bytes: number): number => bytes / 512;

  it('FAT12 below 16 416 sectors and FAT16 from there, as mkfs.fat 4.2 switches; FAT32 from a 33 MiB partition up', () => {
    expect(planFatLayout(sectors(2 * MiB))).toEqual({ fatType: 'FAT12', clusterBytes: 2048, clusters: 512 });
    // FatFs would make 2 KiB clusters FAT16 here and then refuse: the cluster doubles to keep FAT12.
    expect(planFatLayout(16_415)).toMatchObject({ fatType: 'FAT12', clusterBytes: 4096 });
    // Its 1 MiB alignment leaves too few 2 KiB clusters for FAT16 here: the cluster halves to keep FAT16.
    expect(planFatLayout(16_416)).toMatchObject({ fatType: 'FAT16', clusterBytes: 1024 });
    expect(planFatLayout(sectors(15 * MiB))).toEqual({ fatType: 'FAT16', clusterBytes: 2048, clusters: 7168 });
    expect(planFatLayout(67_573)).toMatchObject({ fatType: 'FAT16', clusterBytes: 2048 });
    expect(planFatLayout(67_574)).toEqual({ fatType: 'FAT32', clusterBytes: 512, clusters: 65_526 });
    expect(planFatLayout(sectors(255 * MiB))).toMatchObject({ fatType: 'FAT32', clusterBytes: 2048 });
    expect(planFatLayout(sectors(511 * MiB))).toMatchObject({ fatType: 'FAT32', clusterBytes: 4096 });
  });

  it('never leaves a size without a volume from 1 MiB + 32 KiB up, nor a cluster count two readers disagree on', () => {
    expect(planFatLayout(2111)).toBeNull();
    const order = { FAT12: 0, FAT16: 1, FAT32: 2 } as const;
    let previous = 0;
    for (let count = 2112; count <= sectors(600 * MiB); count += 1) {
      const layout = planFatLayout(count);
      if (layout === null) throw new Error(`no FAT volume planned for ${count} sectors`);
      const { fatType, clusters } = layout;
      const agreed = fatType === 'FAT12' ? clusters <= 4084 : fatType === 'FAT16' ? clusters >= 4086 && clusters <= 65_524 : clusters >= 65_526;
      if (!agreed || order[fatType] < previous) throw new Error(`${count} sectors: ${JSON.stringify(layout)} after ${previous}`);
      previous = order[fatType];
    }
  });

  it('gives every drive of 1 GB or more FAT32 with the Microsoft cluster size', () => {
    for (const bytes of [1_000_000_000, 2 * GiB, 8 * GiB, 31 * GiB, 256 * GiB]) {
      const partition = Math.floor(bytes / 512) - 2048;
      expect(planFatLayout(partition), String(bytes)).toMatchObject({ fatType: 'FAT32', clusterBytes: fat32ClusterSize(partition * 512) });
    }
  });

  it('names the partition type for each FAT as fdisk does: 0x0C W95 FAT32 (LBA), 0x0E W95 FAT16 (LBA), 0x01 FAT12', () => {
    expect([partitionTypeFor('FAT32'), partitionTypeFor('FAT16'), partitionTypeFor('FAT12')]).toEqual([0x0c, 0x0e, 0x01]);
    const { sector, partition } = buildMbr(sectors(16 * MiB), { partitionType: partitionTypeFor('FAT16'), diskSignature: 1 });
    expect(sector[446 + 4]).toBe(0x0e);
    expect(partition).toMatchObject({ type: 0x0e, startLba: 2048, sectors: sectors(16 * MiB) - 2048 });
  });
});

describe('volume labels', () => {
  it('upper-cases valid labels', () => {
    expect(normalizeLabel('panorama')).toBe('PANORAMA');
    expect(normalizeLabel('Site 7-A')).toBe('SITE 7-A');
  });
  it.each(['', 'TWELVE-CHARS', ' LEADING', 'A/B', 'A.B', 'É'])('refuses %j with INVALID_LABEL', (label) => {
    expect(() => normalizeLabel(label)).toThrow(expect.objectContaining({ code: 'INVALID_LABEL', outcome: 'refused' }));
  });
});

describe('I/O error classification', () => {
  const errno = (code: string): Error => Object.assign(new Error(code), { code });
  it('reports a vanished device as unplugged, whatever the errno', () => {
    expect(classifyIoError(errno('ENODEV'), '/dev/sdz', 'device').code).toBe('DRIVE_UNPLUGGED');
    expect(classifyIoError(errno('EIO'), '/dev/no-such-device', 'device').code).toBe('DRIVE_UNPLUGGED');
  });
  it('keeps other failures distinct', () => {
    expect(classifyIoError(errno('ENOSPC'), '/tmp', 'image').code).toBe('TARGET_FULL');
    expect(classifyIoError(errno('EIO'), '/tmp', 'image').code).toBe('IO_ERROR');
    expect(classifyIoError(errno('EROFS'), '/tmp', 'image')).toMatchObject({ code: 'TARGET_READ_ONLY', outcome: 'refused' });
  });
});
