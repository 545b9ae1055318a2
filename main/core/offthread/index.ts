/**
 * Runs the disk work that FatFs does synchronously — the archive write (format + FAT32 writes)
 * and the format that ends a wipe — in a worker thread when the shell names the worker's built
 * script, inline otherwise (the CLI, whose thread has no window to keep responsive). Both ways
 * run the same core functions.
 */
import { Worker } from 'node:worker_threads';
import { writeArchive, type ArchiveWriter, type VolumeWriteResult, type VolumeWriter, type WritePhase } from '../archive';
import { formatTarget, type FormatResult, type TargetFormatter } from '../disk';
import { failed } from '../errors';
import { errorFromWorker, type FromWorker, type ToWorker } from './protocol';

export type { ArchiveWriter, TargetFormatter };
export { offThreadPassEngine, passEngineFor } from './pass-engine';

/**
 * One request in a fresh worker: resolves with what `pick` takes from the worker's answer,
 * rejects with the worker's typed error. Aborting `signal` asks the worker to cancel.
 */
function runInWorker<T>(workerScript: string, request: ToWorker, transfer: ArrayBuffer[], pick: (message: FromWorker) => T | undefined, options: { signal?: AbortSignal | undefined; onPhase?: ((phase: WritePhase) => void) | undefined }): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(workerScript);
    let settled = false;
    const onAbort = (): void => worker.postMessage({ type: 'cancel' } satisfies ToWorker);
    const finish = (action: () => void): void => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      action();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'phase') {
        options.onPhase?.(message.phase);
        return;
      }
      if (message.type === 'error') {
        finish(() => reject(errorFromWorker(message.error)));
        return;
      }
      const value = pick(message);
      if (value !== undefined) finish(() => resolve(value));
    });
    worker.on('error', (error) => finish(() => reject(failed('DISK_WORKER_FAILED', `The disk worker stopped: ${error.message}.`, 'Try again; if it persists, report the problem.', error))));
    worker.on('exit', (code) => finish(() => reject(failed('DISK_WORKER_FAILED', `The disk worker exited (code ${code}) before finishing.`, 'Try again; if it persists, report the problem.'))));
    worker.postMessage(request, transfer);
    if (options.signal?.aborted === true) onAbort();
  });
}

/**
 * A writer whose FatFs part (format, file write) runs in a fresh worker thread started from
 * `workerScript` (a built .cjs), on the target this thread opened; checking, opening (through
 * UDisks2 when needed: its client cannot load in a worker), verifying and ejecting stay here.
 */
export function offThreadWriter(workerScript: string): ArchiveWriter {
  const volumeWriter: VolumeWriter = (target, source, options) => {
    // A copy the worker owns (transferred, so it exists once, there); the caller zeroes its own.
    const copy = new Uint8Array(source.bytes.length);
    copy.set(source.bytes);
    const request: ToWorker = { type: 'write-volume', bytes: copy.buffer, fileName: source.fileName, target: target.handle, format: options.format, ...(options.label === undefined ? {} : { label: options.label }) };
    return runInWorker<VolumeWriteResult>(workerScript, request, [copy.buffer], (message) => (message.type === 'written' ? message.result : undefined), options);
  };
  return (source, chosen, options) => writeArchive(source, chosen, { ...options, volumeWriter });
}

/** A formatter that formats the (already open) target in a worker thread; the target stays open here. */
export function offThreadFormatter(workerScript: string): TargetFormatter {
  return (target, options) => runInWorker<FormatResult>(workerScript, { type: 'format', target: target.handle, label: options.label, ...(options.requireFat32 === undefined ? {} : { requireFat32: options.requireFat32 }) }, [], (message) => (message.type === 'formatted' ? message.result : undefined), {});
}

export const inlineWriter: ArchiveWriter = writeArchive;
export const inlineFormatter: TargetFormatter = formatTarget;
