/**
 * FAT32 cluster size by the usual Microsoft table (what Windows' format picks by default), so a
 * drive we format looks like one a technician formatted on Windows.
 */
const MB = 1024 * 1024;
const GB = 1024 * MB;

const TABLE: readonly (readonly [upTo: number, clusterBytes: number])[] = [
  [64 * MB, 512],
  [128 * MB, 1024],
  [256 * MB, 2048],
  [8 * GB, 4096],
  [16 * GB, 8192],
  [32 * GB, 16384],
];

export function fat32ClusterSize(volumeBytes: number): number {
  for (const [upTo, clusterBytes] of TABLE) if (volumeBytes <= upTo) return clusterBytes;
  // Windows refuses FAT32 above 32 GB; other formatters (and FatFs) use 32 KiB clusters there.
  return 32768;
}
