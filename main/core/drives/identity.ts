import { createHash } from 'node:crypto';
import { realpath, stat } from 'node:fs/promises';
import { readLeadingBytes } from '../access';
import type { BlockTarget } from '../disk';
import { PanoramaUsbError, errnoCode, failed, refused } from '../errors';
import { busLabel, driveName, formatSize } from './format';
import { resolveTarget } from './list';
import type { Drive } from './types';

/**
 * What makes a drive the one the user chose. Re-read before anything destructive: a card swapped
 * in its reader, a stick replaced at the same /dev path or an image file replaced at the same
 * path all look the same by name, and differ here.
 */
export interface DriveIdentity {
  path: string;
  realPath: string;
  size: number | null;
  vendor: string | null;
  model: string | null;
  serial: string | null;
  description: string;
  /** dev:ino for image files (a replaced file has a new inode); null for devices. */
  fileId: string | null;
  /** SHA-256 of the first 34 sectors: the MBR plus the GPT header and its partition entries. */
  partitionTableSha256: string;
}

/** 34 sectors of 512 bytes: LBA 0 (MBR), LBA 1 (GPT header), LBA 2–33 (128 GPT entries). */
export const IDENTITY_BYTES = 34 * 512;

const FIELD_NAMES: Readonly<Record<Exclude<keyof DriveIdentity, 'path' | 'description'>, string>> = {
  realPath: 'what the path points to',
  size: 'size',
  vendor: 'vendor',
  model: 'model',
  serial: 'serial number',
  fileId: 'file replaced by another',
  partitionTableSha256: 'partition table',
};


/** SHA-256 of the first IDENTITY_BYTES, through an open target, or opened read-only the way every drive is (core/access). */
async function hashLeadingSectors(drivePath: string, target: BlockTarget | undefined): Promise<string> {
  let leading: Buffer;
  if (target !== undefined) {
    leading = Buffer.alloc(Math.min(IDENTITY_BYTES, target.size));
    target.readSync(leading, 0, leading.length, 0);
  } else {
    try {
      leading = await readLeadingBytes(drivePath, IDENTITY_BYTES);
    } catch (error) {
      if (error instanceof PanoramaUsbError) throw error;
      const code = errnoCode(error);
      throw failed('DRIVE_NOT_READABLE', `${drivePath} cannot be read (${code ?? 'unknown error'}).`, 'Check that the drive is plugged in and working, then try again.', error);
    }
  }
  return createHash('sha256').update(leading).digest('hex');
}

/**
 * Reads the drive's identity: through `target` when it is already open (right before the first
 * write: the same descriptor the write uses), else by opening it read-only — taking an identity
 * never changes anything.
 */
export async function takeIdentity(drive: Drive, target?: BlockTarget): Promise<DriveIdentity> {
  const realPath = await realpath(drive.path).catch(() => drive.path);
  let fileId: string | null = null;
  if (drive.kind === 'image') {
    const stats = await stat(drive.path, { bigint: true });
    fileId = `${stats.dev.toString()}:${stats.ino.toString()}`;
  }
  return {
    path: drive.path,
    realPath,
    size: drive.size,
    vendor: drive.vendor,
    model: drive.model,
    serial: drive.serial,
    description: drive.description,
    fileId,
    partitionTableSha256: await hashLeadingSectors(drive.path, target),
  };
}

function changedFields(before: DriveIdentity, after: DriveIdentity): string[] {
  return (Object.keys(FIELD_NAMES) as (keyof typeof FIELD_NAMES)[]).filter((field) => before[field] !== after[field]).map((field) => FIELD_NAMES[field]);
}

/**
 * Checks that the drive at chosen.path is still the one that was chosen and returns its fresh
 * identity; otherwise refuses with DRIVE_CHANGED. Call it right before each destructive step,
 * and take a new identity after our own writes (they change the partition table).
 */
export async function assertSameDrive(chosen: DriveIdentity, target?: BlockTarget): Promise<DriveIdentity> {
  let current: DriveIdentity;
  try {
    current = await takeIdentity(await resolveTarget(chosen.path), target);
  } catch (error) {
    if (error instanceof PanoramaUsbError && error.code === 'TARGET_NOT_FOUND') {
      throw refused('DRIVE_CHANGED', `${chosen.path} is no longer there: nothing was written.`, 'Plug the drive in again, then choose it again.');
    }
    if (error instanceof PanoramaUsbError && error.outcome === 'refused') {
      throw refused('DRIVE_CHANGED', `${chosen.path} is no longer there as a usable drive (${error.message.replace(/\.$/, '')}): nothing was written.`, 'Choose the drive again.');
    }
    throw error;
  }
  const changed = changedFields(chosen, current);
  if (changed.length > 0) {
    throw refused('DRIVE_CHANGED', `${chosen.path} changed since it was chosen (${changed.join(', ')}): nothing was written.`, 'Choose the drive again.');
  }
  return current;
}

/** For confirmation prompts: "/dev/sdb (SanDisk Ultra, 32.0 GB, USB)". */
export function describeDrive(drive: Drive): string {
  const parts = [driveName(drive), drive.size === null ? 'size unknown' : formatSize(drive.size)];
  if (drive.kind !== 'loop' && drive.kind !== 'image' && drive.bus !== null) parts.push(busLabel(drive.bus));
  return `${drive.path} (${parts.join(', ')})`;
}
