/**
 * Which FAT a partition gets, and with what clusters: decided here, before FatFs is asked, so the
 * choice is ours (and testable without a drive) rather than a side effect of f_mkfs's retries.
 *
 * - FAT32 whenever the partition holds enough clusters (65 526) of the size Microsoft's table
 *   gives (cluster-size.ts; see planFat32): every drive of 1 GB or more, and anything from a
 *   33 MiB partition up.
 * - Below that, the FAT type mkfs.fat 4.2 picks for the same partition: FAT12 up to 16 415
 *   sectors (8 MiB + 15.5 KiB), FAT16 above (measured with dosfstools 4.2), with mkfs.fat's
 *   2 KiB clusters. Where FatFs would turn that into the other type or refuse it (its data area
 *   is aligned to 1 MiB, which moves the count of clusters), the nearest cluster size that keeps
 *   the type is used: larger for FAT12, smaller for FAT16.
 *
 * The cluster counts follow FatFs's f_mkfs (R0.15, as js-fatfs 0.2.1 builds it) step by step;
 * format.ts checks the volume FatFs made against this plan, so a FatFs that counted differently
 * would fail loudly rather than leave a volume of another type.
 */
import { SECTOR_SIZE } from './block-target';
import { fat32ClusterSize } from './cluster-size';
import type { FatType } from './fat-volume';
import { ERASE_BLOCK_SECTORS } from './fatfs-disk';

/** Root-folder entries of a FAT12/16 volume: FatFs's and mkfs.fat's default. */
export const ROOT_ENTRIES = 512;
export const FAT_COUNT = 2;

/**
 * Cluster counts every reader agrees on. The FAT specification and the Linux kernel call 4085
 * clusters FAT16 and 65525 FAT32; FatFs (and so DOS and Windows, its authors say) FAT12 and
 * FAT16. Neither count is ever made.
 */
const FAT12_MAX_CLUSTERS = 4084;
const FAT16_MIN_CLUSTERS = 4086;
const FAT16_MAX_CLUSTERS = 65524;
const FAT32_MIN_CLUSTERS = 65526;
/** FatFs's own floor for a volume (its check forgets the alignment, so we apply it to the real count). */
const MIN_CLUSTERS = 16;
/** FatFs's limits, with which it decides FAT12 against FAT16 and gives up. */
const FATFS_MAX_FAT12 = 0xff5;
const FATFS_MAX_FAT16 = 0xfff5;

/** mkfs.fat 4.2 formats a partition of fewer sectors FAT12, of this many or more FAT16 (measured). */
export const MKFS_FAT16_FROM_SECTORS = 16_416;
/** mkfs.fat's cluster size for FAT12 and FAT16 volumes of these sizes. */
const MKFS_SMALL_CLUSTER_BYTES = 2048;
/** Tried in this order when mkfs.fat's cluster size would change the type under FatFs's alignment. */
const CLUSTER_CHOICES: Readonly<Record<'FAT12' | 'FAT16', readonly number[]>> = {
  FAT12: [MKFS_SMALL_CLUSTER_BYTES, 4096, 8192],
  FAT16: [MKFS_SMALL_CLUSTER_BYTES, 1024, 512],
};

export interface FatLayout {
  fatType: FatType;
  clusterBytes: number;
  /** Clusters in the data area, as FatFs will count them. */
  clusters: number;
}

const alignUp = (value: number, alignment: number): number => Math.ceil(value / alignment) * alignment;

/**
 * The volume FatFs's f_mkfs makes of `sectors` with FAT32 asked for (FM_FAT32) or not (FM_FAT),
 * 2 FATs, 512 root entries, the data area aligned to ERASE_BLOCK_SECTORS and this cluster size;
 * null where f_mkfs gives up (FR_MKFS_ABORTED).
 */
export function fatfsLayout(sectors: number, fat32: boolean, clusterBytes: number): FatLayout | null {
  const perCluster = clusterBytes / SECTOR_SIZE;
  if (sectors < 128 || !Number.isInteger(perCluster) || perCluster < 1 || perCluster > 128) return null;
  if (fat32) {
    const estimate = Math.floor(sectors / perCluster);
    if (estimate <= FATFS_MAX_FAT16) return null;
    const fatSectors = Math.ceil((estimate * 4 + 8) / SECTOR_SIZE);
    const dataStart = 32 + FAT_COUNT * fatSectors;
    // FAT32: the reserved area grows until the data area starts on an erase block.
    const reserved = 32 + alignUp(dataStart, ERASE_BLOCK_SECTORS) - dataStart;
    if (sectors < dataStart + perCluster * 16) return null;
    const clusters = Math.floor((sectors - reserved - FAT_COUNT * fatSectors) / perCluster);
    return clusters > FATFS_MAX_FAT16 ? { fatType: 'FAT32', clusterBytes, clusters } : null;
  }
  const estimate = Math.floor(sectors / perCluster);
  const fatType: FatType = estimate > FATFS_MAX_FAT12 ? 'FAT16' : 'FAT12';
  const fatBytes = fatType === 'FAT16' ? estimate * 2 + 4 : Math.floor((estimate * 3 + 1) / 2) + 3;
  let fatSectors = Math.ceil(fatBytes / SECTOR_SIZE);
  let reserved = 1;
  const rootSectors = (ROOT_ENTRIES * 32) / SECTOR_SIZE;
  const dataStart = reserved + FAT_COUNT * fatSectors + rootSectors;
  // FAT12/16: the FATs grow until the data area starts on an erase block (an odd sector goes to the reserved area).
  let padding = alignUp(dataStart, ERASE_BLOCK_SECTORS) - dataStart;
  if (padding % FAT_COUNT !== 0) {
    padding -= 1;
    reserved += 1;
  }
  fatSectors += padding / FAT_COUNT;
  if (sectors < dataStart + perCluster * 16) return null;
  const dataSectors = sectors - reserved - FAT_COUNT * fatSectors - rootSectors;
  if (dataSectors < 0) return null;
  const clusters = Math.floor(dataSectors / perCluster);
  if (fatType === 'FAT16' && (clusters > FATFS_MAX_FAT16 || clusters <= FATFS_MAX_FAT12)) return null;
  if (fatType === 'FAT12' && clusters > FATFS_MAX_FAT12) return null;
  return { fatType, clusterBytes, clusters };
}

function agreedCount(layout: FatLayout): boolean {
  if (layout.clusters < MIN_CLUSTERS) return false;
  switch (layout.fatType) {
    case 'FAT12':
      return layout.clusters <= FAT12_MAX_CLUSTERS;
    case 'FAT16':
      return layout.clusters >= FAT16_MIN_CLUSTERS && layout.clusters <= FAT16_MAX_CLUSTERS;
    case 'FAT32':
      return layout.clusters >= FAT32_MIN_CLUSTERS;
  }
}

/**
 * The FAT32 volume a partition of `sectors` gets, or null when it is too small for FAT32. Just
 * above a step of Microsoft's table (64, 128, 256 MiB…) its cluster size leaves too few clusters
 * once the data area is aligned to 1 MiB: the size is then halved, as FatFs does when it chooses
 * one itself, rather than falling back to FAT16 for a few hundred KiB.
 */
export function planFat32(sectors: number): FatLayout | null {
  for (let clusterBytes = fat32ClusterSize(sectors * SECTOR_SIZE); clusterBytes >= SECTOR_SIZE; clusterBytes /= 2) {
    const layout = fatfsLayout(sectors, true, clusterBytes);
    if (layout !== null && agreedCount(layout)) return layout;
  }
  return null;
}

/** The FAT volume a partition of `sectors` gets (see the top of this file), or null when none fits. */
export function planFatLayout(sectors: number): FatLayout | null {
  const fat32 = planFat32(sectors);
  if (fat32 !== null) return fat32;
  const wanted = sectors < MKFS_FAT16_FROM_SECTORS ? 'FAT12' : 'FAT16';
  for (const clusterBytes of CLUSTER_CHOICES[wanted]) {
    const layout = fatfsLayout(sectors, false, clusterBytes);
    if (layout !== null && layout.fatType === wanted && agreedCount(layout)) return layout;
  }
  return null;
}
