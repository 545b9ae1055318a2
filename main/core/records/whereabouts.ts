/**
 * Where a drive that a session left unfinished is now: plugged in (perhaps under another name —
 * /dev/sdc instead of /dev/sdb — found by its serial), gone, or replaced by another drive at its
 * path. The home screen offers to finish a drive only once it is back, and only the same one.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Drive } from '../drives';
import type { JournalDrive } from '../journal';

export type DriveWhereabouts = { state: 'present'; path: string } | { state: 'absent' } | { state: 'other-drive' };

type ListedDrive = Pick<Drive, 'path' | 'serial' | 'size'>;

const sameSize = (recorded: number | null, now: number | null): boolean => recorded === null || now === null || recorded === now;

export function locateDrive(recorded: JournalDrive, drives: readonly ListedDrive[]): DriveWhereabouts {
  // An image file (a training drive, a loop's backing file given by path) is itself, where it was.
  if (!recorded.path.startsWith('/dev/') && !/^\\\\\.\\/.test(recorded.path)) {
    if (!existsSync(recorded.path)) return { state: 'absent' };
    return sameSize(recorded.size, statSync(recorded.path).size) ? { state: 'present', path: recorded.path } : { state: 'other-drive' };
  }
  if (recorded.serial !== null && recorded.serial !== '') {
    const found = drives.find((drive) => drive.serial === recorded.serial && sameSize(recorded.size, drive.size));
    if (found !== undefined) return { state: 'present', path: found.path };
  }
  const atPath = drives.find((drive) => path.resolve(drive.path) === path.resolve(recorded.path));
  if (atPath === undefined) return { state: 'absent' };
  // Without a serial on both sides, the same path and size is all there is to go by.
  const serialsAgree = recorded.serial === null || recorded.serial === '' ? atPath.serial === null || atPath.serial === '' : atPath.serial === recorded.serial;
  return serialsAgree && sameSize(recorded.size, atPath.size) ? { state: 'present', path: atPath.path } : { state: 'other-drive' };
}
