/**
 * One overwrite pass and one verification pass over a block target, built for speed with flat
 * memory whatever the drive's size:
 *
 * - Asynchronous positioned I/O through BlockTarget (the libuv thread pool does the syscalls),
 *   several writes in flight: while they are written the next chunk's keystream is generated
 *   on the calling thread (the disk worker's, in the app and the CLI: see engine.ts), and goes
 *   out as the cipher's own pieces (writev). Verification keeps reads in flight while it
 *   compares (O_DIRECT on Linux block devices, see verifyPass), or — in the disk worker, through
 *   the page cache, emptied first for a device — reads synchronously (see planReads and
 *   PassIoOptions.blockingReads).
 * - 1 MiB chunks. Bigger ones looked right on paper, but on the 2-core reference machine 8 MiB
 *   chunks made CPU-bound verification ~1.5× slower and random passes ~10 % slower: a 1 MiB
 *   chunk is still in the CPU cache when the kernel copies it out (or we compare it), an 8 MiB
 *   one is not. The drive never sees our chunk size anyway: writes go through the page cache and
 *   reads through readahead, and the kernel sizes the device's requests.
 * - fsync: one that the pass waits for at its end, plus background flushes every 64 MiB that it
 *   does not wait for (only the previous one must be done before the next starts). Without them
 *   a fast machine soaks gigabytes into the page cache, the progress bar reaches 100 % and then
 *   sits there for minutes while a 30 MB/s stick catches up; and the keystream generation could
 *   not overlap with the device's writing, only with the copy into the cache.
 * - Cancellation is checked between chunks; nothing is ever left in flight on return, because
 *   the caller closes the descriptor next.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { borrowAlignedBuffers, dropBufferCache, emptyBufferCache, isDirectAligned, type BlockTarget } from '../../disk';
import type { PassPattern, PatternCursor } from './pattern';
import { newErrorCounts, retryAfterFailure, throwIfCancelled, withRetries, type RetryContext } from './retry';
import type { WipeErrorCounts } from './types';

export const CHUNK_BYTES = 1024 * 1024;
export const FLUSH_EVERY_BYTES = 64 * 1024 * 1024;
/**
 * Writes in flight during a pass. Two let the keystream of one chunk be made while another is
 * written; three keep the drive busy while a chunk's keystream takes longer than its write.
 */
export const WRITE_DEPTH = 4;

/** A byte range of the target. A whole-drive pass is one span; quick erases many small ones. */
export interface Span {
  start: number;
  length: number;
}

export interface PassIoOptions {
  signal?: AbortSignal;
  /** After every chunk: bytes done so far in this pass. */
  onBytes?: (bytesDone: number) => void;
  /** Retries and failures are counted here. */
  errors?: WipeErrorCounts;
  /** Where to write or read; the whole target by default. Spans are visited in order. */
  spans?: readonly Span[];
  chunkBytes?: number;
  /**
   * Verification through the page cache (image files; devices whose cache the kernel emptied
   * first, see planReads): reads are made synchronously on this thread, one chunk at a time, in
   * slices of at most BLOCKING_SLICE_MS between which its event loop runs (cancel, progress). For the disk worker,
   * a thread that exists to block: each chunk is then compared on the core that the kernel just
   * copied it in on. Measured, medians of runs side by side (1 GiB image file, 20 runs): 2.53 GB/s
   * against 2.37 GB/s with reads in the thread pool, dd bs=4M 2.13. When a device's cache cannot
   * be emptied, its O_DIRECT reads stay asynchronous: see DIRECT_CHUNK_BYTES. On a write, it
   * says that the verification after it will read this way.
   */
  blockingReads?: boolean;
  /**
   * On a write: the session reads this pass back next. With blockingReads, a device's write then
   * ends by having the kernel empty its page cache (see emptyCacheAfterWrite), and the
   * verification reads through it at once, where it would otherwise start by emptying it.
   */
  verifyFollows?: boolean;
  /**
   * On a verification: the kernel emptied the device's cache at the end of the session's write,
   * and nothing has been read since (the session knows; see inlinePassEngine).
   */
  cacheEmptied?: boolean;
}

interface Chunk {
  position: number;
  length: number;
}

function* chunksOf(spans: readonly Span[], chunkBytes: number): Generator<Chunk, void> {
  for (const span of spans) {
    for (let offset = 0; offset < span.length; offset += chunkBytes) {
      yield { position: span.start + offset, length: Math.min(chunkBytes, span.length - offset) };
    }
  }
}

/** Settles an operation into its error (or null), so a failure nobody awaits yet is never an unhandled rejection. */
function settled(operation: Promise<unknown>): Promise<Error | null> {
  return operation.then(
    () => null,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
}

/** An fsync running in the background; its error is kept until someone waits for it. */
class BackgroundFlush {
  private pending: Promise<Error | null> = Promise.resolve(null);

  constructor(private readonly target: BlockTarget) {}

  async start(): Promise<void> {
    await this.settle();
    this.pending = settled(this.target.flush());
  }

  /** Waits for the running flush and throws its error, if any. */
  async settle(): Promise<void> {
    const error = await this.pending;
    this.pending = Promise.resolve(null);
    if (error !== null) throw error;
  }
}

function ioContext(target: BlockTarget, options: PassIoOptions, errors: WipeErrorCounts, what: string): RetryContext {
  return { errors, signal: options.signal, targetPath: target.path, what };
}

/**
 * Writes the pattern over the spans (the whole target by default) and makes it durable.
 * Throws typed errors: CANCELLED, DRIVE_UNPLUGGED, IO_ERROR (after retries)…
 */
export async function writePass(target: BlockTarget, pattern: PassPattern, options: PassIoOptions = {}): Promise<{ bytes: number; seconds: number; cacheEmptied: boolean }> {
  const errors = options.errors ?? newErrorCounts();
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  const cursor = pattern.cursor();
  const flusher = new BackgroundFlush(target);
  const started = performance.now();
  /** Writes in flight, oldest first. */
  const inflight: { length: number; writing: Promise<Error | null> }[] = [];
  let done = 0;
  let sinceFlush = 0;
  let cacheEmptied = false;
  const completeOldest = async (): Promise<void> => {
    const oldest = inflight.shift();
    if (oldest === undefined) return;
    const failure = await oldest.writing;
    if (failure !== null) throw failure;
    done += oldest.length;
    sinceFlush += oldest.length;
    options.onBytes?.(done);
    if (sinceFlush >= FLUSH_EVERY_BYTES) {
      await flusher.start();
      sinceFlush = 0;
    }
  };
  try {
    for (const { position, length } of chunksOf(options.spans ?? [{ start: 0, length: target.size }], chunkBytes)) {
      throwIfCancelled(options.signal, target.path);
      if (inflight.length >= WRITE_DEPTH) await completeOldest();
      // The keystream for this chunk is computed while the earlier ones are being written.
      const pieces = cursor.next(length);
      inflight.push({ length, writing: settled(withRetries(() => target.writev(pieces, position), ioContext(target, options, errors, `writing at byte ${position}`))) });
    }
    while (inflight.length > 0) await completeOldest();
    await flusher.settle();
    await target.flush();
    if (emptyCacheAfterWrite(target, options)) cacheEmptied = await emptyBufferCache(target.path);
  } finally {
    // Never return with a write or an fsync still running on a descriptor the caller is about to close.
    await Promise.all(inflight.map((entry) => entry.writing));
    await flusher.settle().catch(() => undefined);
  }
  return { bytes: done, seconds: (performance.now() - started) / 1000, cacheEmptied };
}

/**
 * Whether a write ends by emptying the device's page cache: when its verification follows and
 * will read through that cache. The pages it drops were just flushed by the fsync. Emptied
 * here, the cost of starting blockdev from Node (~7 ms: a fork of this whole process, done on
 * the calling thread; the ioctl itself takes ~1 ms) is paid once, at the end of a write a few
 * times longer than the reads, instead of before the first read: ~3 % of a 1 GiB loop device's
 * verification, ~0.7 % of its write. Reading with O_DIRECT while blockdev started gained
 * nothing: the fork blocks the thread that would issue the reads.
 */
function emptyCacheAfterWrite(target: BlockTarget, options: PassIoOptions): boolean {
  return target.kind === 'device' && options.verifyFollows === true && options.blockingReads === true;
}

/** How verification reads: through the page cache with readahead, or around it with O_DIRECT. */
interface ReadPlan {
  reader: BlockTarget;
  chunkBytes: number;
  buffers: Buffer[];
  /** Read synchronously, one buffer (see PassIoOptions.blockingReads). */
  blocking: boolean;
  /** Set when `reader` is a second descriptor of ours, to be closed at the end. */
  own: boolean;
  /** Gives pooled buffers back. */
  release: () => void;
}

/**
 * Direct reads have no readahead: two 1 MiB requests in flight keep the drive busy, one read
 * while the other is compared. Synchronous direct reads (read, then compare, then read) leave
 * the drive idle during every compare. Measured on a 1 GiB loop device, which makes the CPU's
 * work visible (its "drive" is a memory copy by a kernel thread): in the disk worker, runs side
 * by side, 1 MiB × 2 4.50 GB/s, 512 KiB × 2 4.35, synchronous 2 MiB 3.82 and 1 MiB 3.88,
 * 1 MiB × 4 3.25 (more in flight than cores); whole verifications in pass sessions after a
 * write pass, 16 runs each alternated (medians): 1 MiB × 2 4.68 GB/s, synchronous 2 MiB 4.19,
 * dd bs=4M 4.33 (with this VM's free page reporting held back, see bench/page-reporting.ts;
 * without: 3.50, 2.82, 3.15). A real drive never sees our request size whole: the kernel
 * splits it into the device's own.
 */
export const DIRECT_CHUNK_BYTES = 1024 * 1024;
const DIRECT_DEPTH = 2;

/**
 * Where verification reads come from. Asynchronous callers (no disk worker) read a device with
 * O_DIRECT. The disk worker, which asks for blocking reads, reads a device through its page
 * cache once the kernel has confirmed that cache empty (BLKFLSBUF, root): O_DIRECT reads of a
 * loop device fell into phases where the loop driver served them at half speed — 1 MiB × 2 at
 * 2.0–2.4 GB/s for 18 rounds in a row against 4.3–4.8 for blocking reads through the cache,
 * alternated in one run (dd bs=4M 4.0–4.6) — and blocking reads through the cache never did;
 * a drive gets readahead that way too, as dd does. The session's write may have emptied the
 * cache already (`cacheEmptied`, see emptyCacheAfterWrite). Without root the cache cannot be
 * emptied for certain, and O_DIRECT is what keeps it from answering.
 */
async function planReads(target: BlockTarget, spans: readonly Span[], chunkBytes: number | undefined, blockingAsked: boolean, cacheEmptied: boolean): Promise<ReadPlan> {
  const bytes = chunkBytes ?? CHUNK_BYTES;
  const throughCache = (blocking: boolean): ReadPlan => ({
    reader: target,
    chunkBytes: bytes,
    buffers: Array.from({ length: blocking ? 1 : 2 }, () => Buffer.allocUnsafeSlow(bytes)),
    blocking,
    own: false,
    release: () => undefined,
  });
  const isDevice = target.kind === 'device';
  // Null when not tried: a device whose cache could not be emptied is not asked twice below.
  const emptied = blockingAsked && isDevice ? cacheEmptied || (await emptyBufferCache(target.path)) : null;
  if (emptied === true) return throughCache(true);
  const aligned = spans.every((span) => isDirectAligned(span.start) && isDirectAligned(span.length));
  const direct = chunkBytes === undefined && aligned ? target.openDirectReader() : null;
  if (direct !== null) {
    const { buffers, release } = borrowAlignedBuffers(DIRECT_DEPTH, DIRECT_CHUNK_BYTES);
    return { reader: direct, chunkBytes: DIRECT_CHUNK_BYTES, buffers, blocking: false, own: true, release };
  }
  // Best effort: without root the fresh reads still see what fsync put on the drive.
  if (isDevice && emptied === null) await dropBufferCache(target.path);
  return throughCache(blockingAsked);
}

/** Longest stretch a blocking verification keeps its thread before letting the event loop run. */
const BLOCKING_SLICE_MS = 50;

/** The blocking form of verifyPass's loop (see PassIoOptions.blockingReads): one buffer, read then compare. */
async function verifyBlocking(target: BlockTarget, plan: ReadPlan, spans: readonly Span[], cursor: PatternCursor, options: PassIoOptions, errors: WipeErrorCounts): Promise<{ bytes: number; mismatchAt: number | null }> {
  const buffer = plan.buffers[0] ?? Buffer.allocUnsafeSlow(plan.chunkBytes);
  let done = 0;
  let sliceStarted = performance.now();
  for (const { position, length } of chunksOf(spans, plan.chunkBytes)) {
    throwIfCancelled(options.signal, target.path);
    // The first attempt goes without a promise or a retry context: measured on a 1 GiB image
    // file in the disk worker (20 runs each, alternated), a promise awaited per chunk cost ~2.5 %
    // (medians 2498 against 2569 MB/s; a bare read-and-compare loop 2559).
    try {
      plan.reader.readSync(buffer, 0, length, position);
    } catch (error) {
      await retryAfterFailure(error, () => Promise.resolve(plan.reader.readSync(buffer, 0, length, position)), ioContext(target, options, errors, `reading at byte ${position}`));
    }
    const bad = cursor.check(buffer, length);
    if (bad >= 0) return { bytes: done + bad, mismatchAt: position + bad };
    done += length;
    options.onBytes?.(done);
    if (performance.now() - sliceStarted >= BLOCKING_SLICE_MS) {
      await yieldToEventLoop();
      sliceStarted = performance.now();
    }
  }
  return { bytes: done, mismatchAt: null };
}

/**
 * Reads the spans back and compares them with the pattern from its start; stops at the first
 * byte that differs. On a Linux block device the bytes come from the drive, not from what the
 * kernel remembers writing: through O_DIRECT (one copy less, and the cache cannot answer), or
 * through the cache once the kernel has emptied it (see planReads). Reads run ahead of the
 * compare, unless they are blocking reads through the cache.
 */
export async function verifyPass(target: BlockTarget, pattern: PassPattern, options: PassIoOptions = {}): Promise<{ bytes: number; mismatchAt: number | null }> {
  const errors = options.errors ?? newErrorCounts();
  const spans = options.spans ?? [{ start: 0, length: target.size }];
  const cursor = pattern.cursor();
  // Direct reads come from the drive whatever the cache holds (and flush what is dirty first);
  // planReads empties the cache (unless the session's write just did) before it plans reads through it.
  const plan = await planReads(target, spans, options.chunkBytes, options.blockingReads === true, options.cacheEmptied === true);
  if (plan.blocking) {
    try {
      return await verifyBlocking(target, plan, spans, cursor, options, errors);
    } finally {
      if (plan.own) plan.reader.close();
      plan.release();
    }
  }
  const chunks = chunksOf(spans, plan.chunkBytes);
  const depth = plan.buffers.length;
  // As in verifyBlocking, the retry context is only made for a read that failed.
  const readInto = (buffer: Buffer, chunk: Chunk): Promise<Error | null> => {
    const read = (): Promise<void> => plan.reader.read(buffer.subarray(0, chunk.length), chunk.position);
    return settled(read().catch((error: unknown) => retryAfterFailure(error, read, ioContext(target, options, errors, `reading at byte ${chunk.position}`))));
  };
  /** Reads in flight, oldest first; the i-th read ever issued uses buffer i mod depth. */
  const queue: { chunk: Chunk; buffer: Buffer; reading: Promise<Error | null> }[] = [];
  let issued = 0;
  const issue = (): void => {
    const next = chunks.next();
    if (next.done === true) return;
    const buffer = plan.buffers[issued % depth] ?? plan.buffers[0];
    if (buffer === undefined) return;
    queue.push({ chunk: next.value, buffer, reading: readInto(buffer, next.value) });
    issued += 1;
  };
  let done = 0;
  try {
    for (let index = 0; index < depth; index += 1) issue();
    for (let head = queue.shift(); head !== undefined; head = queue.shift()) {
      const failure = await head.reading;
      if (failure !== null) throw failure;
      throwIfCancelled(options.signal, target.path);
      const { position, length } = head.chunk;
      const bad = cursor.check(head.buffer, length);
      if (bad >= 0) return { bytes: done + bad, mismatchAt: position + bad };
      done += length;
      options.onBytes?.(done);
      // Only now is this buffer free again: the read that reuses it goes out after the compare.
      issue();
    }
    return { bytes: done, mismatchAt: null };
  } finally {
    // Never return with a read still running on a descriptor that is about to be closed.
    await Promise.all(queue.map((entry) => entry.reading));
    if (plan.own) plan.reader.close();
    plan.release();
  }
}
