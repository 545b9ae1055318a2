/**
 * Verification reads back through a fresh handle: a new file descriptor and a new FatFs
 * instance, nothing shared with the writer. On Linux block devices the kernel's buffer cache is
 * dropped first (BLKFLSBUF via `blockdev --flushbufs`), so the bytes come from the drive.
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { promisify } from 'node:util';
import { failed } from '../errors';
import type { BlockTarget } from './block-target';
import { FatVolume } from './fat-volume';
import { locateFatVolume, withVolume } from './volume';

const execFileAsync = promisify(execFile);

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Empties the kernel's buffer cache of a Linux block device (BLKFLSBUF: written pages are
 * flushed, then every clean page is dropped), so the next reads through the cache come from the
 * drive. True when the kernel did it; false without root (the ioctl needs CAP_SYS_ADMIN),
 * without util-linux, or for anything that is not a block device.
 */
export async function emptyBufferCache(targetPath: string): Promise<boolean> {
  if (process.platform !== 'linux' || !statSync(targetPath).isBlockDevice()) return false;
  try {
    await execFileAsync('blockdev', ['--flushbufs', targetPath], { timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

/** emptyBufferCache where failing is acceptable: the fresh descriptor still reads what fsync put on the drive. */
export async function dropBufferCache(targetPath: string): Promise<void> {
  await emptyBufferCache(targetPath);
}

function hashFile(volume: FatVolume, filePath: string): { sha256: string; size: number } {
  const data = volume.readFile(filePath);
  try {
    return { sha256: sha256(data), size: data.length };
  } finally {
    data.fill(0);
  }
}

/** SHA-256 of a file on the target's FAT volume, read through a fresh handle. */
export async function hashFileOnVolume(targetPath: string, filePath: string): Promise<{ sha256: string; size: number }> {
  await dropBufferCache(targetPath);
  return withVolume(targetPath, { access: 'read' }, (volume) => hashFile(volume, filePath));
}

/**
 * SHA-256 of a file on an open target's FAT volume, read from the drive itself: on a Linux device
 * through the target's O_DIRECT reader (the one opened with it, for a user who is not root, who
 * cannot empty the kernel's cache), with a fresh FatFs; otherwise through a fresh handle.
 */
export async function hashFileOnTarget(target: BlockTarget, filePath: string): Promise<{ sha256: string; size: number }> {
  const direct = target.openDirectReader();
  if (direct === null) return hashFileOnVolume(target.path, filePath);
  try {
    const volume = await FatVolume.mount(direct, locateFatVolume(direct));
    try {
      return hashFile(volume, filePath);
    } finally {
      volume.close();
    }
  } finally {
    direct.close();
  }
}

function checkHash(targetPath: string, filePath: string, actual: { sha256: string; size: number }, expected: { sha256: string; size: number }): { sha256: string; size: number } {
  if (actual.sha256 !== expected.sha256 || actual.size !== expected.size) {
    throw failed(
      'VERIFY_MISMATCH',
      `${filePath} on ${targetPath} does not match what was written (read back ${actual.size} bytes, SHA-256 ${actual.sha256.slice(0, 16)}…; expected ${expected.size} bytes, ${expected.sha256.slice(0, 16)}…).`,
      'The drive may be failing or counterfeit: use another drive.',
    );
  }
  return actual;
}

/** Fails with VERIFY_MISMATCH unless the file on the drive has exactly the expected bytes. */
export async function verifyFileOnVolume(targetPath: string, filePath: string, expected: { sha256: string; size: number }): Promise<{ sha256: string; size: number }> {
  return checkHash(targetPath, filePath, await hashFileOnVolume(targetPath, filePath), expected);
}

/** The same, through an open target (hashFileOnTarget). */
export async function verifyFileOnTarget(target: BlockTarget, filePath: string, expected: { sha256: string; size: number }): Promise<{ sha256: string; size: number }> {
  return checkHash(target.path, filePath, await hashFileOnTarget(target, filePath), expected);
}
