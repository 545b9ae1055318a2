/** Messages between the main thread and the disk worker: plain data only (structured clone). */
import type { ErrorInfo, ErrorOutcome } from '../errors';
import type { WriteArchiveReport, WritePhase } from '../archive';
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

export type ToWorker = WriteRequest | { type: 'cancel' };

export type FromWorker =
  | { type: 'phase'; phase: WritePhase }
  | { type: 'done'; report: WriteArchiveReport }
  | { type: 'error'; error: ErrorInfo & { outcome: ErrorOutcome } };
