/**
 * Where a quick erase writes: the partition tables at both ends of the drive and, for every
 * volume found, the metadata that makes its files findable — for FAT the boot sector, the
 * reserved sectors (FSInfo, backup boot sector), both FATs and the root folder; for anything
 * else (exFAT, NTFS, ext4…) the first 2 MiB, which hold their boot and superblock structures.
 *
 * This is deliberately not a sanitization: file contents stay in the data area, readable by
 * any recovery tool. It stops casual reading (the drive looks freshly formatted), nothing more.
 */
import { SECTOR_SIZE, isFatPartitionType, looksLikeFatBootSector, readLayout, type BlockTarget } from '../../disk';
import type { Span } from './pass';

const MIB = 1024 * 1024;
/** Enough for the boot region of exFAT (24 sectors ×2), NTFS's boot sector and ext2/3/4's superblock and group descriptors. */
export const UNKNOWN_VOLUME_BYTES = 2 * MIB;
const EXTENDED_TYPES = new Set([0x05, 0x0f, 0x85]);
const MAX_LOGICAL_PARTITIONS = 128;
/** A root folder with more clusters than this is a corrupted chain, not a folder. */
const MAX_ROOT_CLUSTERS = 65_536;

export interface EraseRegion extends Span {
  /** For people and tests: "partition 1: FAT boot sector, reserved sectors and FATs". */
  what: string;
}

type AddRegion = (start: number, length: number, what: string) => void;

function readSector(target: BlockTarget, position: number): Buffer | null {
  if (position < 0 || position + SECTOR_SIZE > target.size) return null;
  const sector = Buffer.alloc(SECTOR_SIZE);
  target.readSync(sector, 0, SECTOR_SIZE, position);
  return sector;
}

function readUInt32At(target: BlockTarget, position: number): number | null {
  if (position < 0 || position + 4 > target.size) return null;
  const bytes = Buffer.alloc(4);
  target.readSync(bytes, 0, 4, position);
  return bytes.readUInt32LE(0);
}

/** The FAT volume's metadata, or the first 2 MiB of a volume we cannot read. */
function volumeRegions(target: BlockTarget, start: number, length: number, name: string, add: AddRegion): void {
  const boot = readSector(target, start);
  if (boot === null) return;
  if (!looksLikeFatBootSector(boot)) {
    add(start, Math.min(length, UNKNOWN_VOLUME_BYTES), `${name}: first 2 MiB (not a FAT volume)`);
    return;
  }
  const bytesPerSector = boot.readUInt16LE(11);
  const sectorsPerCluster = boot[13] ?? 1;
  const reserved = boot.readUInt16LE(14);
  const fats = boot[16] ?? 2;
  const rootEntries = boot.readUInt16LE(17);
  const totalSectors = boot.readUInt16LE(19) !== 0 ? boot.readUInt16LE(19) : boot.readUInt32LE(32);
  // A zero 16-bit FAT size means the FAT32 layout (like the Linux kernel decides), whatever the
  // cluster count: mkfs.fat -F 32 makes such volumes with too few clusters for the spec's rule.
  const fat32Layout = boot.readUInt16LE(22) === 0;
  const fatSectors = fat32Layout ? boot.readUInt32LE(36) : boot.readUInt16LE(22);
  const rootSectors = Math.ceil((rootEntries * 32) / bytesPerSector);
  const metadataBytes = (reserved + fats * fatSectors + rootSectors) * bytesPerSector;
  // FAT12/16 keep the root folder right after the FATs; FAT32 keeps it in a cluster chain.
  add(start, Math.min(length, metadataBytes), `${name}: FAT boot sector, reserved sectors, FATs${rootSectors > 0 ? ' and root folder' : ''}`);
  if (!fat32Layout) return;

  const clusterBytes = sectorsPerCluster * bytesPerSector;
  const clusterCount = Math.floor((totalSectors - reserved - fats * fatSectors) / sectorsPerCluster);
  const fatStart = start + reserved * bytesPerSector;
  const dataStart = start + metadataBytes;
  const seen = new Set<number>();
  let cluster = boot.readUInt32LE(44);
  while (cluster >= 2 && cluster < clusterCount + 2 && !seen.has(cluster) && seen.size < MAX_ROOT_CLUSTERS) {
    seen.add(cluster);
    add(dataStart + (cluster - 2) * clusterBytes, clusterBytes, `${name}: root folder cluster ${cluster}`);
    const entry = readUInt32At(target, fatStart + cluster * 4);
    if (entry === null) break;
    cluster = entry & 0x0fffffff;
  }
}

/** Logical partitions: a chain of extended boot records inside the extended partition. */
function logicalRegions(target: BlockTarget, extendedStartLba: number, partitionNumber: number, add: AddRegion): void {
  const seen = new Set<number>();
  let ebrLba = extendedStartLba;
  for (let logical = 0; logical < MAX_LOGICAL_PARTITIONS && !seen.has(ebrLba); logical += 1) {
    seen.add(ebrLba);
    const ebr = readSector(target, ebrLba * SECTOR_SIZE);
    if (ebr === null || ebr[510] !== 0x55 || ebr[511] !== 0xaa) return;
    add(ebrLba * SECTOR_SIZE, SECTOR_SIZE, `partition ${partitionNumber}: extended boot record`);
    const startLba = ebrLba + ebr.readUInt32LE(446 + 8);
    const sectors = ebr.readUInt32LE(446 + 12);
    if ((ebr[446 + 4] ?? 0) !== 0 && sectors > 0) {
      volumeRegions(target, startLba * SECTOR_SIZE, sectors * SECTOR_SIZE, `logical partition ${logical + 5}`, add);
    }
    const next = ebr.readUInt32LE(462 + 8);
    if ((ebr[462 + 4] ?? 0) === 0 || next === 0) return;
    ebrLba = extendedStartLba + next;
  }
}

/** Partitions listed in the primary GPT (the backup copy lies in the last MiB, erased anyway). */
function gptRegions(target: BlockTarget, add: AddRegion): void {
  const header = readSector(target, SECTOR_SIZE);
  if (header?.toString('latin1', 0, 8) !== 'EFI PART') return;
  const entriesLba = Number(header.readBigUInt64LE(72));
  const count = header.readUInt32LE(80);
  const entrySize = header.readUInt32LE(84);
  if (entrySize < 128 || entrySize > 4096 || count > 1024) return;
  const tableBytes = count * entrySize;
  const tableStart = entriesLba * SECTOR_SIZE;
  if (tableStart + tableBytes > target.size) return;
  add(tableStart, tableBytes, 'GPT partition entries');
  const table = Buffer.alloc(tableBytes);
  target.readSync(table, 0, tableBytes, tableStart);
  for (let index = 0; index < count; index += 1) {
    const entry = index * entrySize;
    if (table.subarray(entry, entry + 16).every((byte) => byte === 0)) continue;
    const first = Number(table.readBigUInt64LE(entry + 32));
    const last = Number(table.readBigUInt64LE(entry + 40));
    if (last >= first) volumeRegions(target, first * SECTOR_SIZE, (last - first + 1) * SECTOR_SIZE, `GPT partition ${index + 1}`, add);
  }
}

/** Sorted, merged where they touch or overlap, clipped to the target. */
function mergeRegions(regions: readonly EraseRegion[]): EraseRegion[] {
  const merged: EraseRegion[] = [];
  for (const region of [...regions].sort((a, b) => a.start - b.start)) {
    const last = merged.at(-1);
    if (last !== undefined && region.start <= last.start + last.length) {
      const end = Math.max(last.start + last.length, region.start + region.length);
      merged[merged.length - 1] = { start: last.start, length: end - last.start, what: `${last.what}; ${region.what}` };
    } else {
      merged.push({ ...region });
    }
  }
  return merged;
}

/** Every region a quick erase overwrites, read from the drive as it is now. */
export function quickEraseRegions(target: BlockTarget): EraseRegion[] {
  const regions: EraseRegion[] = [];
  const add: AddRegion = (start, length, what) => {
    const from = Math.max(0, Math.min(start, target.size));
    const to = Math.max(from, Math.min(start + length, target.size));
    if (to > from) regions.push({ start: from, length: to - from, what });
  };
  add(0, MIB, 'first MiB: partition table, boot code, primary GPT');
  add(target.size - MIB, MIB, 'last MiB: backup GPT');
  const layout = readLayout(target);
  switch (layout.kind) {
    case 'superfloppy':
      volumeRegions(target, 0, target.size, 'volume without partition table', add);
      break;
    case 'mbr':
      for (const partition of layout.partitions) {
        const number = partition.index + 1;
        if (EXTENDED_TYPES.has(partition.type)) logicalRegions(target, partition.startLba, number, add);
        else volumeRegions(target, partition.startLba * SECTOR_SIZE, partition.sectors * SECTOR_SIZE, `partition ${number}${isFatPartitionType(partition.type) ? '' : ` (type 0x${partition.type.toString(16)})`}`, add);
      }
      break;
    case 'gpt':
      gptRegions(target, add);
      break;
    case 'none':
      break;
  }
  return mergeRegions(regions);
}
