/**
 * Pass sessions in the disk worker (the main thread's side): one worker per session, started
 * from the built worker script, holding the pattern while the wipe writes it and reads it back.
 * Bytes done arrive a few times a second and once more at the end, so the caller's counts are
 * exact when an operation ends, failed or not; retries the worker counted are added to the
 * caller's counts; a cancel goes to the worker, whose pass stops between chunks.
 */
import { Worker } from 'node:worker_threads';
import type { BlockTarget } from '../disk';
import { cancelled, failed, type PanoramaUsbError } from '../errors';
import { addRanges, inlinePassEngine, noteError, type PassEngine, type PassIoOptions, type PassPatternKind, type PassSession, type VerifyOutcome, type WipeErrorCounts } from '../sanitize/wipe';
import { errorFromWorker, type FromPassOperation, type FromWorker, type PassRunRequest, type ToWorker } from './protocol';

type Ending = Exclude<FromPassOperation, { type: 'pass-bytes' }>;

/**
 * A cancel the worker has not answered by then is stuck in the kernel (a drive that stopped
 * responding: a read or write that does not return): the session is abandoned, so that the
 * cancel takes effect within 2 s whatever the drive does.
 */
export const ABANDON_AFTER_MS = 1000;

function isPassOperationMessage(message: FromWorker): message is FromPassOperation {
  return message.type.startsWith('pass-') && message.type !== 'pass-ready';
}

function addErrors(into: WipeErrorCounts | undefined, from: WipeErrorCounts): void {
  if (into === undefined) return;
  into.retried += from.retried;
  into.failed += from.failed;
  for (const message of from.messages) noteError(into, message);
}

class WorkerPassSession implements PassSession {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  /** The operation waiting for the worker, if any: one at a time. */
  private current: { onMessage: (message: FromPassOperation) => void; onLost: (error: PanoramaUsbError) => void } | null = null;
  private lost: PanoramaUsbError | null = null;
  /** Given up on while a syscall of its may still be running (see ABANDON_AFTER_MS). */
  private abandoned = false;
  private readonly opened: Promise<void>;

  constructor(
    workerScript: string,
    private readonly target: BlockTarget,
    readonly kind: PassPatternKind,
  ) {
    this.worker = new Worker(workerScript);
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    let markOpened: () => void = () => undefined;
    this.worker.on('message', (message: FromWorker) => {
      if (message.type === 'pass-ready') markOpened();
      else if (isPassOperationMessage(message)) this.current?.onMessage(message);
    });
    this.opened = new Promise<void>((resolve, reject) => {
      markOpened = resolve;
      // After 'pass-ready' this changes nothing; before it, the session never opened ('error' comes first, if any).
      this.worker.once('exit', (code) => reject(this.lost ?? failed('DISK_WORKER_FAILED', `The disk worker exited (code ${code}) before the pass could start.`, 'Try again; if it persists, report the problem.')));
    });
    // Nobody has to ask for ready(): a session that never opened must not be an unhandled rejection.
    this.opened.catch(() => undefined);
    this.worker.on('error', (error) => this.lose(failed('DISK_WORKER_FAILED', `The disk worker stopped: ${error.message}.`, 'Try again; if it persists, report the problem.', error)));
    this.worker.on('exit', (code) => this.lose(failed('DISK_WORKER_FAILED', `The disk worker exited (code ${code}) during a pass.`, 'Try again; if it persists, report the problem.')));
    this.worker.postMessage({ type: 'pass-open', target: target.handle, kind } satisfies ToWorker);
  }

  private lose(error: PanoramaUsbError): void {
    this.lost ??= error;
    this.current?.onLost(error);
  }

  /**
   * Stops waiting for a worker stuck in the kernel: the operation ends as cancelled with the
   * drive's state unknown; the worker is told to stop, and the target's descriptor is only
   * closed once the worker has exited (its syscall returned), never under it.
   */
  private abandon(): void {
    if (this.current === null || this.abandoned) return;
    this.abandoned = true;
    this.target.closeAfter(this.exited);
    this.lose(
      cancelled(
        'DRIVE_NOT_RESPONDING',
        `${this.target.path} stopped responding and was left as it is: what it holds now is unknown, and it is NOT sanitized.`,
        'Unplug the drive and plug it in again, then sanitize it again; if it never answers again, destroy it physically.',
      ),
    );
    void this.worker.terminate();
  }

  ready(): Promise<void> {
    return this.opened;
  }

  private run(type: PassRunRequest['type'], options: PassIoOptions): Promise<Ending> {
    if (this.current !== null) return Promise.reject(new Error('a pass operation is already running in this session'));
    if (this.lost !== null) return Promise.reject(this.lost);
    const { signal, onBytes } = options;
    return new Promise<Ending>((resolve, reject) => {
      let reported = 0;
      const report = (bytes: number): void => {
        if (bytes === reported) return;
        reported = bytes;
        onBytes?.(bytes);
      };
      let abandonTimer: NodeJS.Timeout | null = null;
      const onAbort = (): void => {
        this.worker.postMessage({ type: 'cancel' } satisfies ToWorker);
        abandonTimer ??= setTimeout(() => this.abandon(), ABANDON_AFTER_MS);
      };
      const end = (): void => {
        this.current = null;
        if (abandonTimer !== null) clearTimeout(abandonTimer);
        signal?.removeEventListener('abort', onAbort);
      };
      this.current = {
        onMessage: (message) => {
          report(message.bytes);
          if (message.type === 'pass-bytes') return;
          end();
          addErrors(options.errors, message.errors);
          if (options.ranges !== undefined) addRanges(options.ranges, message.ranges);
          if (message.type === 'pass-failed') reject(errorFromWorker(message.error));
          else resolve(message);
        },
        onLost: (error) => {
          end();
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const request: PassRunRequest = {
        type,
        ...(options.spans === undefined ? {} : { spans: [...options.spans] }),
        ...(options.chunkBytes === undefined ? {} : { chunkBytes: options.chunkBytes }),
        ...(options.verifyFollows === true ? { verifyFollows: true } : {}),
      };
      this.worker.postMessage(request satisfies ToWorker);
      if (signal?.aborted === true) onAbort();
    });
  }

  async write(options: PassIoOptions = {}): Promise<{ bytes: number; seconds: number }> {
    const ending = await this.run('pass-write', options);
    if (ending.type !== 'pass-written') throw new Error(`the disk worker answered a write with ${ending.type}`);
    return { bytes: ending.bytes, seconds: ending.seconds };
  }

  async verify(options: PassIoOptions = {}): Promise<VerifyOutcome> {
    const ending = await this.run('pass-verify', options);
    if (ending.type !== 'pass-verified') throw new Error(`the disk worker answered a verification with ${ending.type}`);
    return { bytes: ending.bytes, mismatchAt: ending.mismatchAt };
  }

  /** Resolves once the worker has zeroed the key and exited: only then may the caller close the target. */
  async close(): Promise<void> {
    // Abandoned: the worker exits when its syscall returns, which may be never; the target waits for it (closeAfter).
    if (this.abandoned) return;
    if (this.lost === null) this.worker.postMessage({ type: 'pass-close' } satisfies ToWorker);
    await this.exited;
  }
}

/** A pass engine whose sessions each run in a fresh worker thread started from `workerScript` (a built .cjs). */
export function offThreadPassEngine(workerScript: string): PassEngine {
  return (target, kind) => new WorkerPassSession(workerScript, target, kind);
}

/** The disk worker's pass engine when its built script is known, else passes on the calling thread. */
export function passEngineFor(workerScript: string | undefined): PassEngine {
  return workerScript === undefined ? inlinePassEngine : offThreadPassEngine(workerScript);
}
