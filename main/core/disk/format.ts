/**
 * Formats a target the way the appliance expects a provisioning drive: a DOS partition table
 * with one FAT32 (0x0C) partition from 1 MiB to the end, and a labelled FAT32 volume in it.
 * Like Raspberry Pi Imager's formatter, the old partition tables at both ends are cleared first
 * so no tool finds a stale GPT behind our MBR.
 */
import { refused } from '../errors';
import { SECTOR_SIZE, type BlockTarget } from './block-target';
import { fat32ClusterSize } from './cluster-size';
import { FatVolume } from './fat-volume';
import { finishFat32Volume, normalizeLabel } from './label';
import { buildMbr, PARTITION_START_LBA } from './mbr';

const MIB = 1024 * 1024;
/** FatFs needs room for 65525 clusters of 512 bytes and the FATs: refuse below this. */
export const MIN_FORMAT_BYTES = 64 * MIB;

export interface FormatResult {
  partitionStartLba: number;
  partitionSectors: number;
  clusterBytes: number;
  label: string;
  fatType: 'FAT32';
}

/** Something that performs formatTarget: in this thread, or in the disk worker (core/offthread). */
export type TargetFormatter = (target: BlockTarget, options: { label: string }) => Promise<FormatResult>;

export async function formatTarget(target: BlockTarget, options: { label: string }): Promise<FormatResult> {
  const label = normalizeLabel(options.label);
  if (!target.writable) throw refused('TARGET_READ_ONLY', `${target.path} was opened read-only.`);
  if (target.size < MIN_FORMAT_BYTES) {
    throw refused('TARGET_TOO_SMALL', `${target.path} holds ${target.size} bytes: too small for FAT32.`, 'Use a drive of at least 1 GB.');
  }
  const { sector: mbr, partition } = buildMbr(target.sectors);

  // Clear the first MiB (MBR, primary GPT, old boot sectors) and the last MiB (backup GPT).
  const zeros = Buffer.alloc(MIB);
  target.writeSync(zeros, 0, MIB, 0);
  const tailStart = Math.max(MIB, Math.floor((target.size - MIB) / SECTOR_SIZE) * SECTOR_SIZE);
  target.writeSync(zeros, 0, target.size - tailStart, tailStart);

  target.writeSync(mbr, 0, SECTOR_SIZE, 0);
  const window = { startLba: PARTITION_START_LBA, sectors: partition.sectors };
  const clusterBytes = fat32ClusterSize(partition.sectors * SECTOR_SIZE);
  await FatVolume.formatFat32(target, window, clusterBytes);
  finishFat32Volume(target, PARTITION_START_LBA, label);
  await target.flush();
  return { partitionStartLba: PARTITION_START_LBA, partitionSectors: partition.sectors, clusterBytes, label, fatType: 'FAT32' };
}
