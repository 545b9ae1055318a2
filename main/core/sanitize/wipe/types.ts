/**
 * The shapes a drive wipe reports: progress while it runs, one record per overwrite pass, and
 * the result a certificate or the CLI's --json output is built from.
 */
import type { FatType, TargetFormatter } from '../../disk';
import type { PassEngine } from './engine';
import type { ByteRange } from './ranges';

/**
 * - quick: destroys the partition tables and the old filesystems' metadata, then formats. Old
 *   file contents stay in the data area: this is NOT a sanitization of the medium.
 * - zero / random: one overwrite pass of every byte (zeros / an AES-128-CTR keystream).
 * - random-zero: a random pass, then a zero pass.
 */
export type WipeMethod = 'quick' | 'zero' | 'random' | 'random-zero';

/** Read every byte back after the last pass only, after every pass, or never. */
export type VerifyMode = 'last' | 'all' | 'off';

export const WIPE_METHODS: readonly WipeMethod[] = ['quick', 'zero', 'random', 'random-zero'];
export const VERIFY_MODES: readonly VerifyMode[] = ['last', 'all', 'off'];

export type PassPatternKind = 'zero' | 'random';

export interface WipeProgress {
  /** The target's path: sanitizeDrives reports several drives through one callback. */
  target: string;
  /** 'pass 1/2: random', 'verify 2/2: zero', 'quick', 'verify 1/1: quick', 'format'. */
  phase: string;
  pass: number;
  passes: number;
  /** Bytes of the whole job (every pass and every verification), so one bar goes 0 → 100 %. */
  bytesDone: number;
  bytesTotal: number;
  /** Speed of the current phase (writes and reads differ). */
  bytesPerSecond: number;
  /** The rest of the job, each step at its own kind's speed (see time-left.ts); null until a speed is known. */
  etaSeconds: number | null;
}

export interface PassRecord {
  pass: number;
  pattern: 'zero' | 'random' | 'quick';
  /** Bytes written by this pass (less than the drive's size when it stopped early). */
  bytes: number;
  startedAt: string;
  endedAt: string;
  bytesPerSecond: number;
  /** true / false: read back and compared; null: not verified. */
  verified: boolean | null;
}

export interface WipeErrorCounts {
  /** Transient I/O errors (EIO, EAGAIN… on a drive still present) retried. */
  retried: number;
  /** Errors that ended the wipe: an operation still failing after its retries, an unplugged drive… */
  failed: number;
  messages: string[];
}

export interface WipeResult {
  target: string;
  method: WipeMethod;
  verify: VerifyMode;
  /**
   * sanitized: every pass completed, verification (if asked) passed, and the drive was formatted.
   * failed: see `error`. nistLevel still says 'Clear' in the rare case where the overwrite
   * completed and verified but the new volume could not be written (formatted: false).
   * cancelled: stopped on request; the drive is NOT sanitized and holds no usable volume.
   */
  outcome: 'sanitized' | 'failed' | 'cancelled';
  passes: PassRecord[];
  startedAt: string;
  endedAt: string;
  durationSeconds: number;
  bytesWritten: number;
  bytesVerified: number;
  /** Average write speed of the overwrite passes (bytes written / time spent writing them). */
  throughputBytesPerSecond: number;
  errors: WipeErrorCounts;
  /**
   * passed: every byte read back as written. failed: see mismatchAt. incomplete: no byte read
   * back differed, but some were never compared (unwritten or unverified ranges).
   */
  verification: 'passed' | 'failed' | 'incomplete' | 'not-run';
  /** Byte offset of the first byte that did not read back as written. */
  mismatchAt: number | null;
  /**
   * Bytes some pass could not write, even 4 KiB at a time after its retries (merged over the
   * passes), and the rest of a pass that stopped for the drive's sake. Any at all: not Clear.
   */
  unwrittenRanges: ByteRange[];
  /** Bytes a verification could not read back (and the rest of one that stopped). Any at all: not Clear. */
  unverifiedRanges: ByteRange[];
  /**
   * NIST SP 800-88 Rev.2 "Clear" when every byte the host can address was overwritten and read
   * back as written (so never with verify 'off'). Never "Purge": a flash drive's controller keeps spare blocks that no
   * overwrite through the USB interface reaches. 'none' for quick, failures and cancellations.
   */
  nistLevel: 'Clear' | 'none';
  /** A fresh MBR + FAT volume was written after the wipe. */
  formatted: boolean;
  /** Which FAT that volume is: FAT32, or FAT16/FAT12 on a drive too small for FAT32. Absent when not formatted (and in results from before it was recorded). */
  fileSystem?: FatType;
  error: { code: string; message: string } | null;
}

export interface WipeOptions {
  method: WipeMethod;
  verify: VerifyMode;
  signal?: AbortSignal;
  onProgress?: (progress: WipeProgress) => void;
  /** Label of the fresh FAT volume; PANORAMA by default. */
  label?: string;
  /** Who writes the fresh volume: this thread by default, the disk worker in the app (core/offthread). */
  formatter?: TargetFormatter;
  /** Who makes, writes and reads back each pass: this thread by default, the disk worker in the app, preview and CLI. */
  passEngine?: PassEngine;
}

export interface SanitizeOptions extends WipeOptions {
  /** How many drives are wiped at the same time; all of them by default. */
  concurrency?: number;
}
