/**
 * Transient I/O errors. A USB drive (or its hub) sometimes fails one request and serves the
 * next: EIO / EAGAIN on a device that is still present is retried a few times, every retry
 * counted in the result. A drive that is gone (DRIVE_UNPLUGGED) or full or read-only is never
 * retried, and neither is fsync: after a failed fsync Linux may mark the lost pages clean, so a
 * second fsync "succeeds" without the data — only verification could tell.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { errnoCode } from '../../disk';
import { PanoramaUsbError, cancelled } from '../../errors';
import type { WipeErrorCounts } from './types';

export const MAX_RETRIES = 3;
const RETRY_DELAY_MS = 50;
const TRANSIENT_ERRNOS = new Set(['EIO', 'EAGAIN', 'EINTR', 'ETIMEDOUT']);
/** A failing drive can produce thousands of messages; the result keeps the first ones. */
const MAX_MESSAGES = 50;

export function newErrorCounts(): WipeErrorCounts {
  return { retried: 0, failed: 0, messages: [] };
}

export function noteError(counts: WipeErrorCounts, message: string): void {
  if (counts.messages.length < MAX_MESSAGES) counts.messages.push(message);
  else if (counts.messages.length === MAX_MESSAGES) counts.messages.push('(further messages left out)');
}

export function isTransient(error: unknown): boolean {
  return error instanceof PanoramaUsbError && error.code === 'IO_ERROR' && TRANSIENT_ERRNOS.has(errnoCode(error.cause) ?? '');
}

export function wipeCancelled(targetPath: string): PanoramaUsbError {
  return cancelled(
    'CANCELLED',
    `The wipe of ${targetPath} was cancelled: the drive is NOT sanitized, and it holds no usable volume.`,
    'Run the sanitize again to completion before the drive is reused or leaves your hands.',
  );
}

export interface RetryContext {
  errors: WipeErrorCounts;
  signal: AbortSignal | undefined;
  targetPath: string;
  what: string;
}

export function throwIfCancelled(signal: AbortSignal | undefined, targetPath: string): void {
  if (signal?.aborted === true) throw wipeCancelled(targetPath);
}

/** Runs one positioned read or write, retrying transient errors up to MAX_RETRIES times. */
export async function withRetries<T>(operation: () => Promise<T>, context: RetryContext): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    return retryAfterFailure(error, operation, context);
  }
}

/**
 * The retries of an operation whose first attempt already failed with `firstError`: lets a hot
 * loop make its first attempt synchronously, without a promise per chunk, and come here only
 * when it failed. Counts and limits are those of withRetries.
 */
export async function retryAfterFailure<T>(firstError: unknown, operation: () => Promise<T>, context: RetryContext): Promise<T> {
  let error = firstError;
  for (let attempt = 1; ; attempt += 1) {
    if (attempt > MAX_RETRIES || !isTransient(error)) throw error;
    context.errors.retried += 1;
    const detail = error instanceof Error ? error.message : String(error);
    noteError(context.errors, `${context.what}: ${detail} (retry ${attempt} of ${MAX_RETRIES})`);
    await delay(RETRY_DELAY_MS * attempt);
    throwIfCancelled(context.signal, context.targetPath);
    try {
      return await operation();
    } catch (next) {
      error = next;
    }
  }
}
