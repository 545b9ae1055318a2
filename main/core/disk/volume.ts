/**
 * Finding and opening the FAT volume on a target, whoever formatted it: our own MBR layout,
 * Windows / macOS / mkfs.fat with an MBR partition, or a superfloppy without a partition table.
 */
import { refused } from '../errors';
import { BlockTarget, SECTOR_SIZE, type OpenOptions } from './block-target';
import { FatVolume } from './fat-volume';
import type { VolumeWindow } from './fatfs-disk';
import { isFatPartitionType, parseLayout, type DiskLayout } from './mbr';

export function readLayout(target: BlockTarget): DiskLayout {
  const sector0 = Buffer.alloc(SECTOR_SIZE);
  target.readSync(sector0, 0, SECTOR_SIZE, 0);
  return parseLayout(sector0);
}

/** Where the FAT volume is, or a NOT_FAT refusal that says what was found instead. */
export function locateFatVolume(target: BlockTarget): VolumeWindow {
  if (target.size < SECTOR_SIZE) throw refused('NOT_FAT', `${target.path} is empty.`, 'Format it with `panorama-usb format`.');
  const layout = readLayout(target);
  const next = 'Format it with `panorama-usb format` (this erases it).';
  switch (layout.kind) {
    case 'superfloppy':
      return { startLba: 0, sectors: target.sectors };
    case 'mbr': {
      const fat = layout.partitions.find((partition) => isFatPartitionType(partition.type));
      if (fat === undefined) {
        const types = layout.partitions.map((partition) => `0x${partition.type.toString(16).padStart(2, '0')}`).join(', ');
        throw refused('NOT_FAT', `${target.path} has no FAT partition (partition types: ${types}).`, next);
      }
      if (fat.startLba + fat.sectors > target.sectors) {
        throw refused('NOT_FAT', `${target.path}'s FAT partition runs past the end of the drive: the partition table is damaged.`, next);
      }
      return { startLba: fat.startLba, sectors: fat.sectors };
    }
    case 'gpt':
      throw refused('NOT_FAT', `${target.path} uses a GPT partition table; the appliance needs an MBR drive with FAT32.`, next);
    case 'none':
      throw refused('NOT_FAT', `${target.path} has no partition table and no FAT volume (blank or unknown format).`, next);
  }
}

/** Opens the target and mounts its FAT volume. The caller closes the volume, then the target. */
export async function openVolume(targetPath: string, options: OpenOptions): Promise<{ target: BlockTarget; volume: FatVolume }> {
  const target = await BlockTarget.open(targetPath, options);
  try {
    const volume = await FatVolume.mount(target, locateFatVolume(target));
    return { target, volume };
  } catch (error) {
    target.close();
    throw error;
  }
}

/** Runs `work` on the mounted volume and always closes both, in order. */
export async function withVolume<T>(targetPath: string, options: OpenOptions, work: (volume: FatVolume, target: BlockTarget) => T | Promise<T>): Promise<T> {
  const { target, volume } = await openVolume(targetPath, options);
  try {
    return await work(volume, target);
  } finally {
    try {
      volume.close();
    } finally {
      target.close();
    }
  }
}
