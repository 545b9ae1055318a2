/**
 * Volume labels. This FatFs build has no f_setlabel, so we write the label where Windows,
 * mtools and the Linux kernel look for it: the boot sector's BS_VolLab (and, on FAT32, its backup
 * copy) and a volume-label entry in the root folder.
 */
import { refused } from '../errors';
import { SECTOR_SIZE, type BlockTarget } from './block-target';

export const DEFAULT_LABEL = 'PANORAMA';
// Characters allowed in a FAT short name (and so in a label), besides upper-case letters and digits.
const LABEL_PATTERN = /^[A-Z0-9 !#$%&'()\-@^_`{}~]{1,11}$/;

/** Upper-cases and checks a label; refuses what FAT cannot store. */
export function normalizeLabel(label: string): string {
  const upper = label.toUpperCase();
  if (!LABEL_PATTERN.test(upper) || upper.startsWith(' ')) {
    throw refused('INVALID_LABEL', `"${label}" cannot be a FAT volume label.`, 'Use 1 to 11 letters, digits, spaces or - _ ! # $ % & ( ) @ ^ { } ~, not starting with a space.');
  }
  return upper;
}

function fatTimestamp(date: Date): { time: number; day: number } {
  return {
    time: (date.getHours() << 11) | (date.getMinutes() << 5) | (date.getSeconds() >> 1),
    day: ((date.getFullYear() - 1980) << 9) | ((date.getMonth() + 1) << 5) | date.getDate(),
  };
}

/**
 * Finishes a FAT volume FatFs just made in a partition: records the partition's start in
 * BPB_HiddSec (FatFs leaves 0 in a window it thinks is the whole disk) and writes the label —
 * in the boot sector (BS_VolLab: offset 71 on FAT32, and in its backup copy; offset 43 on FAT12
 * and FAT16, which have no backup) and as the root folder's first entry (FAT32 keeps that folder
 * in a cluster chain, FAT12/16 in a fixed region right after the FATs).
 * Must run before anything else writes to the root folder (its first entry is still free).
 */
export function finishFatVolume(target: BlockTarget, startLba: number, label: string, now: Date = new Date()): void {
  const volumeOffset = startLba * SECTOR_SIZE;
  const boot = Buffer.alloc(SECTOR_SIZE);
  target.readSync(boot, 0, SECTOR_SIZE, volumeOffset);
  const reserved = boot.readUInt16LE(14);
  const fats = boot[16] ?? 2;
  const sectorsPerCluster = boot[13] ?? 1;
  // A zero 16-bit FAT size is the FAT32 layout (BPB_FATSz16 is 0 there, never on FAT12/16).
  const fat32Layout = boot.readUInt16LE(22) === 0;
  const fatSize = fat32Layout ? boot.readUInt32LE(36) : boot.readUInt16LE(22);
  const labelOffset = fat32Layout ? 71 : 43;
  const backupBootSector = fat32Layout ? boot.readUInt16LE(50) : 0;
  const labelBytes = Buffer.from(label.padEnd(11, ' '), 'latin1');

  for (const sector of backupBootSector > 0 ? [0, backupBootSector] : [0]) {
    const copy = Buffer.alloc(SECTOR_SIZE);
    target.readSync(copy, 0, SECTOR_SIZE, volumeOffset + sector * SECTOR_SIZE);
    copy.writeUInt32LE(startLba, 28);
    labelBytes.copy(copy, labelOffset);
    target.writeSync(copy, 0, SECTOR_SIZE, volumeOffset + sector * SECTOR_SIZE);
  }

  const rootSector = fat32Layout ? reserved + fats * fatSize + (boot.readUInt32LE(44) - 2) * sectorsPerCluster : reserved + fats * fatSize;
  const entry = Buffer.alloc(32);
  labelBytes.copy(entry, 0);
  entry[11] = 0x08; // ATTR_VOLUME_ID
  const { time, day } = fatTimestamp(now);
  entry.writeUInt16LE(time, 22);
  entry.writeUInt16LE(day, 24);
  target.writeSync(entry, 0, entry.length, volumeOffset + rootSector * SECTOR_SIZE);
}
