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
import { withVolume } from './volume';

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

/** SHA-256 of a file on the target's FAT volume, read through a fresh handle. */
export async function hashFileOnVolume(targetPath: string, filePath: string): Promise<{ sha256: string; size: number }> {
  await dropBufferCache(targetPath);
  return withVolume(targetPath, { access: 'read' }, (volume) => {
    const data = volume.readFile(filePath);
    try {
      return { sha256: sha256(data), size: data.length };
    } finally {
      data.fill(0);
    }
  });
}

/** Fails with VERIFY_MISMATCH unless the file on the drive has exactly the expected bytes. */
export async function verifyFileOnVolume(targetPath: string, filePath: string, expected: { sha256: string; size: number }): Promise<{ sha256: string; size: number }> {
  const actual = await hashFileOnVolume(targetPath, filePath);
  if (actual.sha256 !== expected.sha256 || actual.size !== expected.size) {
    throw failed(
      'VERIFY_MISMATCH',
      `${filePath} on ${targetPath} does not match what was written (read back ${actual.size} bytes, SHA-256 ${actual.sha256.slice(0, 16)}…; expected ${expected.size} bytes, ${expected.sha256.slice(0, 16)}…).`,
      'The drive may be failing or counterfeit: use another drive.',
    );
  }
  return actual;
}
