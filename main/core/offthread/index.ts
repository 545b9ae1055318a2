/**
 * Runs the archive write (format + FAT32 writes, synchronous underneath) in a worker thread when
 * the shell names the worker's built script, inline otherwise (the CLI, whose thread has no
 * window to keep responsive). Both ways run the same writeArchive.
 */
import { Worker } from 'node:worker_threads';
import { writeArchive, type ArchiveWriter, type WriteArchiveReport } from '../archive';
import { cancelled, failed, refused, type PanoramaUsbError } from '../errors';
import type { FromWorker, ToWorker } from './protocol';

export type { ArchiveWriter };

function fromInfo(error: Extract<FromWorker, { type: 'error' }>['error']): PanoramaUsbError {
  const make = error.outcome === 'refused' ? refused : error.outcome === 'cancelled' ? cancelled : failed;
  return make(error.code, error.message, error.nextStep);
}

/** A writer that runs each write in a fresh worker thread started from `workerScript` (a built .cjs). */
export function offThreadWriter(workerScript: string): ArchiveWriter {
  return (source, chosen, options) =>
    new Promise<WriteArchiveReport>((resolve, reject) => {
      const worker = new Worker(workerScript);
      // A copy the worker owns (transferred, so it exists once, there); the caller zeroes its own.
      const copy = new Uint8Array(source.bytes.length);
      copy.set(source.bytes);
      let settled = false;
      const finish = (action: () => void): void => {
        if (settled) return;
        settled = true;
        options.signal?.removeEventListener('abort', onAbort);
        action();
      };
      const onAbort = (): void => worker.postMessage({ type: 'cancel' } satisfies ToWorker);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      worker.on('message', (message: FromWorker) => {
        if (message.type === 'phase') options.onPhase?.(message.phase);
        else if (message.type === 'done') finish(() => resolve(message.report));
        else finish(() => reject(fromInfo(message.error)));
      });
      worker.on('error', (error) => finish(() => reject(failed('DISK_WORKER_FAILED', `The disk worker stopped: ${error.message}.`, 'Try again; if it persists, report the problem.', error))));
      worker.on('exit', (code) => finish(() => reject(failed('DISK_WORKER_FAILED', `The disk worker exited (code ${code}) before finishing.`, 'Try again; if it persists, report the problem.'))));
      const request: ToWorker = {
        type: 'write-archive',
        bytes: copy.buffer,
        fileName: source.fileName,
        chosen,
        format: options.format,
        ...(options.label === undefined ? {} : { label: options.label }),
      };
      worker.postMessage(request, [copy.buffer]);
      if (options.signal?.aborted === true) onAbort();
    });
}

export const inlineWriter: ArchiveWriter = writeArchive;
