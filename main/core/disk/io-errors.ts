/**
 * Turns Node's errno errors from drive I/O into typed errors a technician can act on.
 * A drive pulled out mid-write surfaces as ENODEV/ENXIO/ENOMEDIUM, or as EIO on a device node
 * that no longer exists: both are reported as "unplugged", never as a crash.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { errnoCode, failed, refused, type PanoramaUsbError } from '../errors';

const GONE_CODES = new Set(['ENODEV', 'ENXIO', 'ENOMEDIUM', 'ENOENT', 'ESHUTDOWN']);

/** Kept here too: core/disk's callers have always imported it from this folder. */
export { errnoCode };

/**
 * True while the drive (or image file) is still there. A card pulled from its reader (or a
 * detached loop device) keeps its device node but its size drops to 0: that counts as gone.
 */
export function stillPresent(targetPath: string, kind: 'device' | 'image', expectedSize?: number): boolean {
  if (!existsSync(targetPath)) return false;
  if (kind === 'device' && process.platform === 'linux') {
    const sysfs = path.join('/sys/class/block', path.basename(realpathOrSelf(targetPath)));
    if (!existsSync(sysfs)) return false;
    if (expectedSize !== undefined) {
      try {
        return Number(readFileSync(path.join(sysfs, 'size'), 'utf8').trim()) * 512 >= expectedSize;
      } catch {
        return false;
      }
    }
  }
  return true;
}

function realpathOrSelf(targetPath: string): string {
  try {
    return realpathSync(targetPath);
  } catch {
    return targetPath;
  }
}

export function unplugged(targetPath: string, cause?: unknown): PanoramaUsbError {
  return failed('DRIVE_UNPLUGGED', `${targetPath} was unplugged or stopped responding during the operation.`, 'Plug the drive back in and start again: what is on it now is incomplete.', cause);
}

/**
 * Classifies an error thrown while reading or writing an open target. Whatever the errno, a
 * device that is no longer there (or shrank to nothing: media removed) was unplugged.
 */
export function classifyIoError(error: unknown, targetPath: string, kind: 'device' | 'image', expectedSize?: number): PanoramaUsbError {
  const code = errnoCode(error);
  if ((code !== null && GONE_CODES.has(code)) || !stillPresent(targetPath, kind, expectedSize)) return unplugged(targetPath, error);
  if (code === 'ENOSPC') return failed('TARGET_FULL', `No space left on ${targetPath}.`, 'Use a larger drive, or free space on the disk that holds the image file.', error);
  if (code === 'EROFS' || code === 'EPERM') return refused('TARGET_READ_ONLY', `${targetPath} is read-only.`, 'Slide the write-protect switch off (SD cards) or use another drive.');
  const detail = error instanceof Error ? error.message : String(error);
  return failed('IO_ERROR', `Reading or writing ${targetPath} failed: ${detail}.`, 'Try another USB port or another drive; the drive may be failing.', error);
}

/** Classifies an error thrown while opening a target, before anything was written. */
export function classifyOpenError(error: unknown, targetPath: string): PanoramaUsbError {
  switch (errnoCode(error)) {
    case 'ENOENT':
      return refused('TARGET_NOT_FOUND', `${targetPath} does not exist.`, 'Check the path: run `panorama-usb drives` to list drives.');
    case 'EACCES':
    case 'EPERM':
      return refused('PERMISSION_DENIED', `Not allowed to open ${targetPath}.`, 'Real drives need root (Linux, macOS) or Administrator (Windows); image files need write permission.');
    case 'EROFS':
      return refused('TARGET_READ_ONLY', `${targetPath} is read-only.`, 'Slide the write-protect switch off (SD cards) or use another drive.');
    case 'EBUSY':
      return refused('DRIVE_BUSY', `${targetPath} is in use (mounted, or opened by another program).`, 'Unmount it (leave it plugged in) and close programs using it, then try again.');
    case 'EISDIR':
      return refused('NOT_A_DRIVE_OR_IMAGE', `${targetPath} is a folder, not a drive or an image file.`, 'Give a block device such as /dev/sdb or an image file.');
    default:
      return classifyIoError(error, targetPath, 'image');
  }
}
