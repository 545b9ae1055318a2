/**
 * Formats a target: a DOS partition table with one partition from 1 MiB to the end, and a
 * labelled FAT volume in it — FAT32 (0x0C) on anything but a small drive, as the appliance
 * expects of a provisioning drive; FAT16 (0x0E) or FAT12 (0x01) on drives too small for FAT32
 * (an old stick being sanitized): fat-layout.ts decides which.
 * Like Raspberry Pi Imager's formatter, the old partition tables at both ends are cleared first
 * so no tool finds a stale GPT behind our MBR.
 */
import { refused } from '../errors';
import { SECTOR_SIZE, type BlockTarget } from './block-target';
import { planFatLayout } from './fat-layout';
import { FatVolume, type FatType } from './fat-volume';
import { finishFatVolume, normalizeLabel } from './label';
import { buildMbr, partitionSectors, partitionTypeFor, PARTITION_START_LBA } from './mbr';

const MIB = 1024 * 1024;
/**
 * The smallest drive we format: the partition table's first MiB, then a FAT12 volume whose data
 * area FatFs starts 1 MiB in (aligned for flash), and 1 MiB of data — 512 clusters of 2 KiB.
 * FatFs could go a little lower (16 clusters), but no real drive is that small: a drive that
 * reports less is broken, and a FAT volume of a few KiB would hold nothing anyway.
 */
export const MIN_FORMAT_BYTES = 3 * MIB;

export interface FormatOptions {
  label: string;
  /**
   * Refuse (TARGET_TOO_SMALL) rather than make FAT16 or FAT12: a provisioning drive must be
   * FAT32, the only FAT the appliance reads.
   */
  requireFat32?: boolean;
}

export interface FormatResult {
  partitionStartLba: number;
  partitionSectors: number;
  /** The MBR's partition type byte: 0x0C, 0x0E or 0x01 (partitionTypeFor). */
  partitionType: number;
  clusterBytes: number;
  label: string;
  fatType: FatType;
}

/** Something that performs formatTarget: in this thread, or in the disk worker (core/offthread). */
export type TargetFormatter = (target: BlockTarget, options: FormatOptions) => Promise<FormatResult>;

function tooSmall(target: BlockTarget, what: string, nextStep: string): Error {
  return refused('TARGET_TOO_SMALL', `${target.path} holds ${target.size} bytes: too small for ${what}. Nothing was written.`, nextStep);
}

export async function formatTarget(target: BlockTarget, options: FormatOptions): Promise<FormatResult> {
  const label = normalizeLabel(options.label);
  if (!target.writable) throw refused('TARGET_READ_ONLY', `${target.path} was opened read-only.`);
  if (target.size < MIN_FORMAT_BYTES) {
    throw tooSmall(target, `a partition table and the smallest FAT volume (at least ${MIN_FORMAT_BYTES / MIB} MiB)`, 'A drive reporting so little is usually failing: do not reuse it.');
  }
  const layout = planFatLayout(partitionSectors(target.sectors));
  if (layout === null) throw tooSmall(target, 'a partition table and the smallest FAT volume', 'A drive reporting so little is usually failing: do not reuse it.');
  if (options.requireFat32 === true && layout.fatType !== 'FAT32') {
    throw tooSmall(target, 'a FAT32 volume, the only FAT the appliance reads', 'Use a drive of at least 1 GB.');
  }
  const partitionType = partitionTypeFor(layout.fatType);
  const { sector: mbr, partition } = buildMbr(target.sectors, { partitionType });

  // Clear the first MiB (MBR, primary GPT, old boot sectors) and the last MiB (backup GPT).
  const zeros = Buffer.alloc(MIB);
  target.writeSync(zeros, 0, MIB, 0);
  const tailStart = Math.max(MIB, Math.floor((target.size - MIB) / SECTOR_SIZE) * SECTOR_SIZE);
  target.writeSync(zeros, 0, target.size - tailStart, tailStart);

  target.writeSync(mbr, 0, SECTOR_SIZE, 0);
  const window = { startLba: PARTITION_START_LBA, sectors: partition.sectors };
  await FatVolume.format(target, window, layout);
  finishFatVolume(target, PARTITION_START_LBA, label);
  await target.flush();
  return { partitionStartLba: PARTITION_START_LBA, partitionSectors: partition.sectors, partitionType, clusterBytes: layout.clusterBytes, label, fatType: layout.fatType };
}
