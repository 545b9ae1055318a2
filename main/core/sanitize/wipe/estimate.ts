/**
 * How long each method would take, for the wizard's choice ("zero: about 18 min"). USB flash
 * drives write far slower than they read, and cheap ones slow down further once their cache is
 * full, so the defaults are sustained speeds of an ordinary USB 3 stick, on the cautious side.
 */
import { fat32ClusterSize } from '../../disk';
import type { VerifyMode, WipeMethod } from './types';

export const DEFAULT_WRITE_BYTES_PER_SECOND = 30_000_000;
export const DEFAULT_READ_BYTES_PER_SECOND = 90_000_000;
const MIB = 1024 * 1024;
/** Process start-up, partition reading, FatFs, the fsyncs: measured well under a second. */
const FIXED_SECONDS = 1;

export function overwritePasses(method: WipeMethod): number {
  switch (method) {
    case 'quick':
      return 0;
    case 'zero':
    case 'random':
      return 1;
    case 'random-zero':
      return 2;
  }
}

export function verifiedPasses(method: WipeMethod, verify: VerifyMode): number {
  if (verify === 'off') return 0;
  const passes = Math.max(overwritePasses(method), 1); // a quick erase counts as one pass
  return verify === 'all' ? passes : 1;
}

/** Bytes written by a format (and by a quick erase of a volume like it): both ends, both FATs. */
function formatBytes(bytes: number): number {
  const clusters = bytes / fat32ClusterSize(Math.max(bytes, 64 * MIB));
  return 2 * MIB + 2 * clusters * 4;
}

/**
 * Seconds a wipe of `bytes` would take with this method and verification. `bytesPerSecond`,
 * when the drive's speed was measured, is used for writes and reads alike (reads are usually
 * faster, so the estimate errs long).
 */
export function estimateSeconds(bytes: number, method: WipeMethod, verify: VerifyMode, bytesPerSecond?: number): number {
  const writeSpeed = bytesPerSecond !== undefined && bytesPerSecond > 0 ? bytesPerSecond : DEFAULT_WRITE_BYTES_PER_SECOND;
  const readSpeed = bytesPerSecond !== undefined && bytesPerSecond > 0 ? bytesPerSecond : DEFAULT_READ_BYTES_PER_SECOND;
  const format = formatBytes(bytes);
  const passBytes = method === 'quick' ? format : bytes;
  const written = Math.max(overwritePasses(method), 1) * passBytes + format;
  const read = verifiedPasses(method, verify) * passBytes;
  return Math.ceil(FIXED_SECONDS + written / writeSpeed + read / readSpeed);
}
