/** Messages between the main thread and the disk worker: plain data only (structured clone). */
import { cancelled, failed, refused, type ErrorInfo, type ErrorOutcome, type PanoramaUsbError } from '../errors';
import type { VolumeWriteResult, WritePhase } from '../archive';
import type { FormatResult, TargetHandle } from '../disk';
import type { BadRanges, PassPatternKind, Span, WipeErrorCounts } from '../sanitize/wipe';

/** The FatFs part of an archive write, on a target the main thread opened (and checked) and holds. */
export interface WriteRequest {
  type: 'write-volume';
  /** The archive's bytes, transferred (moved, not copied) to the worker. */
  bytes: ArrayBuffer;
  fileName: string;
  target: TargetHandle;
  format: boolean;
  label?: string;
}

/** Formats a target the main thread holds open (the descriptor is shared by the process's threads). */
export interface FormatRequest {
  type: 'format';
  target: TargetHandle;
  label: string;
  requireFat32?: boolean;
}

/**
 * Starts a pass session (see sanitize/wipe/engine) in this worker over a target the main thread
 * holds open. The pattern — a random pass's key — is made here and never leaves the worker.
 */
export interface PassOpenRequest {
  type: 'pass-open';
  target: TargetHandle;
  kind: PassPatternKind;
}

/** One operation of the open session; `cancel` stops it. */
export interface PassRunRequest {
  type: 'pass-write' | 'pass-verify';
  spans?: Span[];
  chunkBytes?: number;
  /** On a write: a verification comes next (PassIoOptions.verifyFollows). */
  verifyFollows?: boolean;
}

export type ToWorker = WriteRequest | FormatRequest | PassOpenRequest | PassRunRequest | { type: 'pass-close' } | { type: 'cancel' };

export type WorkerErrorInfo = ErrorInfo & { outcome: ErrorOutcome };

/**
 * What a pass operation sends back: bytes done as it goes (a few times a second), then its end,
 * with what it could not write or read (`ranges`), whether it ended well or not.
 */
export type FromPassOperation =
  | { type: 'pass-bytes'; bytes: number }
  | { type: 'pass-written'; bytes: number; seconds: number; errors: WipeErrorCounts; ranges: BadRanges }
  | { type: 'pass-verified'; bytes: number; mismatchAt: number | null; errors: WipeErrorCounts; ranges: BadRanges }
  | { type: 'pass-failed'; bytes: number; errors: WipeErrorCounts; ranges: BadRanges; error: WorkerErrorInfo };

export type FromWorker =
  | { type: 'phase'; phase: WritePhase }
  | { type: 'written'; result: VolumeWriteResult }
  | { type: 'formatted'; result: FormatResult }
  | { type: 'error'; error: WorkerErrorInfo }
  /** The pass session is open: pattern made, target adopted. */
  | { type: 'pass-ready' }
  | FromPassOperation;

/** The typed error a worker reported, rebuilt on this side (code, message, next step and outcome). */
export function errorFromWorker(error: WorkerErrorInfo): PanoramaUsbError {
  const make = error.outcome === 'refused' ? refused : error.outcome === 'cancelled' ? cancelled : failed;
  return make(error.code, error.message, error.nextStep);
}
