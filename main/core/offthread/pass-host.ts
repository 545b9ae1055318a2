/**
 * The disk worker's side of a pass session: makes the pattern, runs each write or verification
 * it is asked for over the target the main thread holds open, and reports bytes done a few
 * times a second. The pattern's key stays in this thread and is zeroed when the session closes.
 */
import { BlockTarget } from '../disk';
import { toPanoramaUsbError } from '../errors';
// The modules themselves, not sanitize/wipe's index: that one also brings the drive list (a native
// addon) and zod, which a pass never uses (a worker's start and stop measured 0.2–0.3 s with
// them loaded, 0.06 s without).
import { inlinePassEngine, type PassSession } from '../sanitize/wipe/engine';
import type { PassIoOptions } from '../sanitize/wipe/pass';
import { newBadRanges } from '../sanitize/wipe/ranges';
import { newErrorCounts } from '../sanitize/wipe/retry';
import type { FromPassOperation, PassOpenRequest, PassRunRequest } from './protocol';

/** Bytes-done messages at most this often: the main thread's progress reporter sends ≤ 4 a second anyway. */
const BYTES_EVERY_MS = 100;

export class PassHost {
  private readonly session: PassSession;
  private running: AbortController | null = null;

  constructor(
    request: PassOpenRequest,
    private readonly send: (message: FromPassOperation) => void,
  ) {
    this.session = inlinePassEngine(BlockTarget.adopt(request.target), request.kind);
  }

  cancel(): void {
    this.running?.abort();
  }

  async run(request: PassRunRequest): Promise<void> {
    const controller = new AbortController();
    this.running = controller;
    const errors = newErrorCounts();
    const ranges = newBadRanges();
    let bytes = 0;
    let sentAt = 0;
    const options: PassIoOptions = {
      signal: controller.signal,
      errors,
      ranges,
      // This thread exists to block: reads through the page cache are made here, synchronously;
      // a device whose cache cannot be emptied is read with O_DIRECT, two in flight (see planReads).
      // A write followed by its verification ends by emptying a device's cache for it.
      blockingReads: true,
      ...(request.verifyFollows === true ? { verifyFollows: true } : {}),
      ...(request.spans === undefined ? {} : { spans: request.spans }),
      ...(request.chunkBytes === undefined ? {} : { chunkBytes: request.chunkBytes }),
      onBytes: (done) => {
        bytes = done;
        const now = performance.now();
        if (now - sentAt < BYTES_EVERY_MS) return;
        sentAt = now;
        this.send({ type: 'pass-bytes', bytes });
      },
    };
    try {
      if (request.type === 'pass-write') {
        const written = await this.session.write(options);
        this.send({ type: 'pass-written', bytes: written.bytes, seconds: written.seconds, errors, ranges });
      } else {
        const verified = await this.session.verify(options);
        this.send({ type: 'pass-verified', bytes: verified.bytes, mismatchAt: verified.mismatchAt, errors, ranges });
      }
    } catch (error) {
      const typed = toPanoramaUsbError(error);
      this.send({ type: 'pass-failed', bytes, errors, ranges, error: { ...typed.toInfo(), outcome: typed.outcome } });
    } finally {
      this.running = null;
    }
  }

  close(): Promise<void> {
    return this.session.close();
  }
}
