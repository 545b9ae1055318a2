/**
 * The DOS partition table (MBR) we write, and the layouts we recognise when reading a drive
 * other tools formatted: MBR with a FAT partition, a "superfloppy" (FAT directly at sector 0,
 * no partition table), GPT (recognised, not read), or nothing.
 */
import { randomBytes } from 'node:crypto';
import { SECTOR_SIZE } from './block-target';
import type { FatType } from './fat-volume';

/** 1 MiB: where partitions start on every modern tool, aligned to flash erase blocks. */
export const PARTITION_START_LBA = 2048;
/** fdisk's "W95 FAT32 (LBA)". */
export const FAT32_LBA_TYPE = 0x0c;
/** fdisk's "W95 FAT16 (LBA)": our partitions are addressed by LBA only (see buildMbr's CHS fields). */
export const FAT16_LBA_TYPE = 0x0e;
/** fdisk's "FAT12": the only type for FAT12 (what Windows and FatFs write for it too). */
export const FAT12_TYPE = 0x01;
const FAT_PARTITION_TYPES = new Set([0x01, 0x04, 0x06, 0x0b, 0x0c, 0x0e]);
const GPT_PROTECTIVE_TYPE = 0xee;
/** MBR sector counts are 32-bit: a partition ends below 2 TiB. */
const MAX_MBR_SECTORS = 0xffffffff;

export interface MbrPartition {
  index: number;
  type: number;
  bootable: boolean;
  startLba: number;
  sectors: number;
}

export type DiskLayout =
  | { kind: 'mbr'; partitions: MbrPartition[] }
  | { kind: 'superfloppy' }
  | { kind: 'gpt' }
  | { kind: 'none' };

/** The partition type that says which FAT the partition holds. */
export function partitionTypeFor(fatType: FatType): number {
  switch (fatType) {
    case 'FAT32':
      return FAT32_LBA_TYPE;
    case 'FAT16':
      return FAT16_LBA_TYPE;
    case 'FAT12':
      return FAT12_TYPE;
  }
}

/** Sectors of the one partition buildMbr makes on a drive of `totalSectors`: from sector 2048 to the end (or 2 TiB). */
export function partitionSectors(totalSectors: number): number {
  return Math.min(totalSectors - PARTITION_START_LBA, MAX_MBR_SECTORS - PARTITION_START_LBA);
}

/**
 * One primary partition from sector 2048 to the end of the drive, of type 0x0C (FAT32, LBA)
 * unless told otherwise (partitionTypeFor).
 */
export function buildMbr(totalSectors: number, options: { partitionType?: number; diskSignature?: number } = {}): { sector: Buffer; partition: MbrPartition } {
  const { partitionType = FAT32_LBA_TYPE, diskSignature = randomBytes(4).readUInt32LE(0) } = options;
  const sectors = partitionSectors(totalSectors);
  if (sectors <= 0) throw new RangeError(`a drive of ${totalSectors} sectors is too small for a partition at sector ${PARTITION_START_LBA}`);
  const sector = Buffer.alloc(SECTOR_SIZE);
  sector.writeUInt32LE(diskSignature >>> 0, 440);
  const entry = 446;
  sector[entry] = 0x00; // not bootable: the appliance only reads the volume
  // CHS fields are meaningless above 8 GB; 0xFE 0xFF 0xFF tells every reader to use the LBA fields.
  sector.set([0xfe, 0xff, 0xff], entry + 1);
  sector[entry + 4] = partitionType;
  sector.set([0xfe, 0xff, 0xff], entry + 5);
  sector.writeUInt32LE(PARTITION_START_LBA, entry + 8);
  sector.writeUInt32LE(sectors, entry + 12);
  sector[510] = 0x55;
  sector[511] = 0xaa;
  return { sector, partition: { index: 0, type: partitionType, bootable: false, startLba: PARTITION_START_LBA, sectors } };
}

/** A FAT boot sector: jump instruction, 512-byte sectors, a power-of-two cluster, two FATs or one, and the signature. */
export function looksLikeFatBootSector(sector: Uint8Array): boolean {
  if (sector.length < SECTOR_SIZE || sector[510] !== 0x55 || sector[511] !== 0xaa) return false;
  const jump = sector[0];
  if (!(jump === 0xeb || jump === 0xe9)) return false;
  const view = Buffer.from(sector.buffer, sector.byteOffset, sector.length);
  const bytesPerSector = view.readUInt16LE(11);
  const sectorsPerCluster = view[13] ?? 0;
  const fats = view[16] ?? 0;
  const reserved = view.readUInt16LE(14);
  return [512, 1024, 2048, 4096].includes(bytesPerSector) && sectorsPerCluster > 0 && (sectorsPerCluster & (sectorsPerCluster - 1)) === 0 && (fats === 1 || fats === 2) && reserved > 0;
}

export function parseLayout(sector0: Uint8Array): DiskLayout {
  if (sector0.length < SECTOR_SIZE || sector0[510] !== 0x55 || sector0[511] !== 0xaa) return { kind: 'none' };
  // Check the boot sector first: a superfloppy's boot code can look like partition entries.
  if (looksLikeFatBootSector(sector0)) return { kind: 'superfloppy' };
  const view = Buffer.from(sector0.buffer, sector0.byteOffset, sector0.length);
  const partitions: MbrPartition[] = [];
  for (let index = 0; index < 4; index += 1) {
    const entry = 446 + index * 16;
    const type = view[entry + 4] ?? 0;
    const startLba = view.readUInt32LE(entry + 8);
    const sectors = view.readUInt32LE(entry + 12);
    if (type === 0 || sectors === 0) continue;
    if (type === GPT_PROTECTIVE_TYPE) return { kind: 'gpt' };
    partitions.push({ index, type, bootable: view[entry] === 0x80, startLba, sectors });
  }
  return partitions.length > 0 ? { kind: 'mbr', partitions } : { kind: 'none' };
}

export function isFatPartitionType(type: number): boolean {
  return FAT_PARTITION_TYPES.has(type);
}
