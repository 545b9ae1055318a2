/** Messages between the main thread and the disk worker: plain data only (structured clone). */
import type { ErrorInfo, ErrorOutcome } from '../errors';
import type { WriteArchiveReport, WritePhase } from '../archive';
import type { FormatResult, TargetHandle } from '../disk';
import type { ChosenDrive } from '../target';

export interface WriteRequest {
  type: 'write-archive';
  /** The archive's bytes, transferred (moved, not copied) to the worker. */
  bytes: ArrayBuffer;
  fileName: string;
  chosen: ChosenDrive;
  format: boolean;
  label?: string;
}

/** Formats a target the main thread holds open (the descriptor is shared by the process's threads). */
export interface FormatRequest {
  type: 'format';
  target: TargetHandle;
  label: string;
}

export type ToWorker = WriteRequest | FormatRequest | { type: 'cancel' };

export type FromWorker =
  | { type: 'phase'; phase: WritePhase }
  | { type: 'done'; report: WriteArchiveReport }
  | { type: 'formatted'; result: FormatResult }
  | { type: 'error'; error: ErrorInfo & { outcome: ErrorOutcome } };
