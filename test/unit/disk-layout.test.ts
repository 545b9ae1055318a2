import { describe, expect, it } from 'vitest';
import { buildMbr, fat32ClusterSize, looksLikeFatBootSector, normalizeLabel, parseLayout, PARTITION_START_LBA } from '../../main/core/disk';
import { classifyIoError } from '../../main/core/disk/io-errors';

const GiB = 1024 ** 3;

describe('the MBR we write', () => {
  it('has one bootable-off 0x0C partition from sector 2048 to the end, LBA-only CHS, and the signature', () => {
    const { sector, partition } = buildMbr(GiB / 512, 0x12345678);
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
