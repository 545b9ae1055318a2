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
import { PanoramaUsbError } from '../../errors';
import type { PassPattern, PatternCursor } from './pattern';
import { addRange, outside, overlapsAny, type BadRanges, type ByteRange } from './ranges';
import { BadRangeLog, isMediumError, narrowDown, type Stretch } from './recovery';
import { newErrorCounts, noteError, retryAfterFailure, throwIfCancelled, withRetries, type RetryContext } from './retry';
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
  /**
   * Bytes a write could not write, or a verification could not read, are added here (see
   * recovery.ts): also when the pass then stops with an error, the rest of it included.
   */
  ranges?: BadRanges;
  /**
   * On a verification: ranges its write could not write, not compared (they are already in
   * the wipe's unwritten ranges; reading bad sectors again would only fail again).
   */
  skip?: readonly ByteRange[];
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

/** A chunk of the target: its position, and its offset in the pattern's stream (see Stretch). */
type Chunk = Stretch;

function* chunksOf(spans: readonly Span[], chunkBytes: number): Generator<Chunk, void> {
  let streamStart = 0;
  for (const span of spans) {
    for (let offset = 0; offset < span.length; offset += chunkBytes) {
      yield { position: span.start + offset, length: Math.min(chunkBytes, span.length - offset), offset: streamStart + offset };
    }
    streamStart += span.length;
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

  /** Starts a flush; the previous one must have been settled. */
  start(): void {
    this.pending = settled(this.target.flush());
  }

  /** Waits for the running flush: its error, or null. */
  async settle(): Promise<Error | null> {
    const error = await this.pending;
    this.pending = Promise.resolve(null);
    return error;
  }
}

function ioContext(target: BlockTarget, options: PassIoOptions, errors: WipeErrorCounts, what: string): RetryContext {
  return { errors, signal: options.signal, targetPath: target.path, what };
}

/**
 * Writes the pattern over the spans (the whole target by default) and makes it durable.
 * A stretch that still fails after its retries, or that a failed fsync leaves in doubt, is
 * written again in small units, each made durable on its own (recovery.ts); what never
 * succeeds is returned as `unwritten` (and added to options.ranges) and the pass goes on.
 * Throws typed errors: CANCELLED, DRIVE_UNPLUGGED (also for a drive that stopped responding),
 * IO_ERROR (a drive failing beyond recovery's budget)…
 */
export async function writePass(target: BlockTarget, pattern: PassPattern, options: PassIoOptions = {}): Promise<{ bytes: number; seconds: number; cacheEmptied: boolean; unwritten: ByteRange[] }> {
  const errors = options.errors ?? newErrorCounts();
  const chunkBytes = options.chunkBytes ?? CHUNK_BYTES;
  const spans = options.spans ?? [{ start: 0, length: target.size }];
  const cursor = pattern.cursor();
  const flusher = new BackgroundFlush(target);
  const bad = new BadRangeLog(target.path, 'written', errors);
  const started = performance.now();
  /** Writes in flight, oldest first. */
  const inflight: { chunk: Chunk; writing: Promise<Error | null> }[] = [];
  /** Written, not yet known to be on the drive (no flush that covers them has succeeded), oldest first. */
  let unconfirmed: Chunk[] = [];
  /** How many of `unconfirmed` the running background flush covers. */
  let flushCovers = 0;
  /** Everything of the pass's stream before this offset is on the drive, or recorded as unwritten. */
  let settledUpTo = 0;
  let done = 0;
  let sinceFlush = 0;
  let cacheEmptied = false;

  const account = (chunk: Chunk): void => {
    done += chunk.length;
    sinceFlush += chunk.length;
    options.onBytes?.(done);
  };

  /** Writes a unit of the pattern and makes it durable on its own: false when the medium fails it. */
  const writeDurably = async (unit: Stretch): Promise<boolean> => {
    throwIfCancelled(options.signal, target.path);
    const failure = (await settled(target.writev(pattern.cursorAt(unit.offset).next(unit.length), unit.position))) ?? (await settled(target.flush()));
    if (failure !== null && !isMediumError(failure)) throw failure;
    return failure === null;
  };

  /** What reads a chunk back around the cache after a failed flush (see onDrive); opened on first need. */
  let checker: { reader: BlockTarget; buffer: Buffer; release: () => void } | null | undefined;
  /**
   * Whether a chunk a failed flush left in doubt is on the drive after all: read back around the
   * cache (O_DIRECT) and compared with the pattern. Reading is cheaper than writing every such
   * chunk again, which is all that is left where the target offers no direct reads (image files)
   * or the chunk is not aligned for them (false: "cannot tell").
   */
  const onDrive = async (chunk: Chunk): Promise<boolean> => {
    if (!isDirectAligned(chunk.position) || !isDirectAligned(chunk.length)) return false;
    if (checker === undefined) {
      let reader: BlockTarget | null;
      try {
        reader = target.openDirectReader();
      } catch {
        // Cannot tell: the chunks are written again.
        reader = null;
      }
      const { buffers, release } = borrowAlignedBuffers(1, chunkBytes);
      const [buffer] = buffers;
      if (reader === null || buffer === undefined) {
        release();
        reader?.close();
        checker = null;
      } else {
        checker = { reader, buffer, release };
      }
    }
    if (checker === null) return false;
    const view = checker.buffer.subarray(0, chunk.length);
    const failure = await settled(checker.reader.read(view, chunk.position));
    if (failure !== null && !isMediumError(failure)) throw failure;
    return failure === null && pattern.cursorAt(chunk.offset).check(view, chunk.length) < 0;
  };

  /**
   * A write failed after its retries (`failedChunk`), or a flush failed (null): with nothing of
   * ours in flight (an fsync reports the failure of every page it writes, whoever wrote it),
   * every stretch that may be missing from the drive is written again carefully. After a failed
   * fsync that is everything written since the last flush that succeeded: Linux marks the lost
   * pages clean, so a later fsync would "succeed" without them.
   */
  const recover = async (failedChunk: Chunk | null, failure: Error): Promise<void> => {
    if (!isMediumError(failure)) throw failure;
    const drained = await Promise.all(inflight.splice(0).map(async (entry) => ({ chunk: entry.chunk, failure: await entry.writing })));
    const flushFailure = await flusher.settle();
    flushCovers = 0;
    const syncFailure = await settled(target.flush());
    for (const problem of [flushFailure, syncFailure, ...drained.map((entry) => entry.failure)]) {
      if (problem !== null && !isMediumError(problem)) throw problem;
    }
    const inDoubt = failedChunk === null || flushFailure !== null || syncFailure !== null;
    const failedWrites = new Set<Chunk>([...(failedChunk === null ? [] : [failedChunk]), ...drained.filter((entry) => entry.failure !== null).map((entry) => entry.chunk)]);
    const written = [...unconfirmed, ...(failedChunk === null ? [] : [failedChunk]), ...drained.map((entry) => entry.chunk)];
    const suspects = inDoubt ? written : written.filter((chunk) => failedWrites.has(chunk));
    if (inDoubt) noteError(errors, `flushing ${target.path} failed: ${(flushFailure ?? syncFailure ?? failure).message} (what it held is read back, and written again where it is not on the drive)`);
    unconfirmed = [];
    for (const chunk of suspects) {
      settledUpTo = Math.max(settledUpTo, chunk.offset);
      // A chunk whose own write failed was tried whole, with retries: straight to its units.
      // One only in doubt may be on the drive already; if not, it is written again whole first.
      const whole = !failedWrites.has(chunk) && ((await onDrive(chunk)) || (await writeDurably(chunk)));
      bad.record(chunk, whole ? [] : await narrowDown(chunk, writeDurably));
      settledUpTo = chunk.offset + chunk.length;
    }
    const last = written.at(-1);
    if (last !== undefined) settledUpTo = Math.max(settledUpTo, last.offset + last.length);
    if (failedChunk !== null) account(failedChunk);
    for (const entry of drained) account(entry.chunk);
    sinceFlush = 0;
  };

  const completeOldest = async (): Promise<void> => {
    const oldest = inflight.shift();
    if (oldest === undefined) return;
    const failure = await oldest.writing;
    if (failure !== null) {
      await recover(oldest.chunk, failure);
      return;
    }
    unconfirmed.push(oldest.chunk);
    account(oldest.chunk);
    if (sinceFlush >= FLUSH_EVERY_BYTES) {
      await settleFlush();
      flushCovers = unconfirmed.length;
      flusher.start();
      sinceFlush = 0;
    }
  };

  /** Waits for the background flush: what it covered is on the drive, or recovered. */
  const settleFlush = async (): Promise<void> => {
    const failure = await flusher.settle();
    if (failure !== null) {
      await recover(null, failure);
      return;
    }
    const covered = unconfirmed.splice(0, flushCovers);
    flushCovers = 0;
    const last = covered.at(-1);
    if (last !== undefined) settledUpTo = last.offset + last.length;
  };

  try {
    for (const chunk of chunksOf(spans, chunkBytes)) {
      throwIfCancelled(options.signal, target.path);
      if (inflight.length >= WRITE_DEPTH) await completeOldest();
      // The keystream for this chunk is computed while the earlier ones are being written.
      const { position, length } = chunk;
      const pieces = cursor.next(length);
      inflight.push({ chunk, writing: settled(withRetries(() => target.writev(pieces, position), ioContext(target, options, errors, `writing at byte ${position}`))) });
    }
    while (inflight.length > 0) await completeOldest();
    await settleFlush();
    const finalFailure = await settled(target.flush());
    if (finalFailure !== null) await recover(null, finalFailure);
    settledUpTo = spans.reduce((sum, span) => sum + span.length, 0);
    if (emptyCacheAfterWrite(target, options)) cacheEmptied = await emptyBufferCache(target.path);
  } catch (error) {
    // A pass that stopped for the drive's sake (not a cancel) did not write the rest.
    if (!(error instanceof PanoramaUsbError && error.outcome === 'cancelled')) bad.recordRest(spans, settledUpTo);
    throw error;
  } finally {
    // Never return with a write or an fsync still running on a descriptor the caller is about to close.
    await Promise.all(inflight.map((entry) => entry.writing));
    await flusher.settle();
    if (checker) {
      checker.release();
      checker.reader.close();
    }
    if (options.ranges !== undefined) for (const range of bad.ranges) addRange(options.ranges.unwritten, range);
  }
  return { bytes: done, seconds: (performance.now() - started) / 1000, cacheEmptied, unwritten: bad.ranges };
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

/** What a verification found; `unverified`: what could not be read back (see recovery.ts). */
export interface VerifyResult {
  bytes: number;
  mismatchAt: number | null;
  unverified: ByteRange[];
}

/** The state one verification carries from chunk to chunk, whichever loop reads. */
interface Verification {
  target: BlockTarget;
  pattern: PassPattern;
  options: PassIoOptions;
  errors: WipeErrorCounts;
  cursor: PatternCursor;
  skip: readonly ByteRange[];
  bad: BadRangeLog;
  /** Bytes compared so far. */
  done: number;
  /** Stream offset of the chunk being verified: what a verification that stops leaves unread starts there. */
  readUpTo: number;
}

/**
 * A chunk whose read failed after its retries (`readFailed`), or that holds bytes its write
 * could not write (`skip`): what lies outside `skip` is read again, 64 KiB then 4 KiB units of
 * it where it fails (recovery.ts), what stays unreadable is recorded, and only bytes that were
 * both written and read are compared — each part with the pattern from its own offset. Returns
 * the first byte that differs, or null; the verification's cursor continues after the chunk.
 */
async function verifyCarefully(state: Verification, chunk: Chunk, buffer: Buffer, readFailed: Error | null, read: (unit: Stretch) => Promise<boolean>): Promise<number | null> {
  if (readFailed !== null && !isMediumError(readFailed)) throw readFailed;
  const end = chunk.position + chunk.length;
  const leftOut: ByteRange[] = state.skip.filter((range) => range.start < end && range.end > chunk.position);
  for (const part of outside(chunk.position, end, state.skip)) {
    const stretch = { position: part.start, length: part.end - part.start, offset: chunk.offset + (part.start - chunk.position) };
    // The whole chunk was tried already, with retries: a part that is all of it goes to its units.
    const whole = !(readFailed !== null && stretch.length === chunk.length) && (await read(stretch));
    const unreadable = whole ? [] : await narrowDown(stretch, read);
    state.bad.record(stretch, unreadable);
    for (const range of unreadable) addRange(leftOut, range);
  }
  state.cursor = state.pattern.cursorAt(chunk.offset + chunk.length);
  for (const part of outside(chunk.position, end, leftOut)) {
    const length = part.end - part.start;
    const from = part.start - chunk.position;
    const differs = state.pattern.cursorAt(chunk.offset + from).check(buffer.subarray(from, from + length), length);
    if (differs >= 0) {
      state.done += differs;
      return part.start + differs;
    }
    state.done += length;
  }
  state.options.onBytes?.(state.done);
  return null;
}

/** A medium error as false (see narrowDown); anything else is thrown. */
function asAttempt(operation: () => unknown): Promise<boolean> {
  return Promise.resolve()
    .then(operation)
    .then(
      () => true,
      (error: unknown) => {
        if (!isMediumError(error)) throw error;
        return false;
      },
    );
}

/** The blocking form of verifyPass's loop (see PassIoOptions.blockingReads): one buffer, read then compare. */
async function verifyBlocking(state: Verification, plan: ReadPlan, spans: readonly Span[]): Promise<number | null> {
  const { target } = state;
  const buffer = plan.buffers[0] ?? Buffer.allocUnsafeSlow(plan.chunkBytes);
  /**
   * Units of a chunk read again carefully go around the cache (O_DIRECT) on a device: through it,
   * a read fails for the whole folio around a bad sector — 2 MiB on this machine's kernel, whose
   * block devices cache in large folios — not for the sector alone.
   */
  let careful: BlockTarget | null = null;
  const carefulReader = (): BlockTarget => (careful ??= target.openDirectReader() ?? plan.reader);
  try {
    return await verifyBlockingChunks(state, plan, spans, buffer, carefulReader);
  } finally {
    const opened = careful as BlockTarget | null;
    if (opened !== null && opened !== plan.reader) opened.close();
  }
}

async function verifyBlockingChunks(state: Verification, plan: ReadPlan, spans: readonly Span[], buffer: Buffer, carefulReader: () => BlockTarget): Promise<number | null> {
  const { target, options, errors } = state;
  let sliceStarted = performance.now();
  for (const chunk of chunksOf(spans, plan.chunkBytes)) {
    const { position, length } = chunk;
    throwIfCancelled(options.signal, target.path);
    state.readUpTo = chunk.offset;
    let failure: Error | null = null;
    // A chunk with bytes its write could not write is read part by part, in verifyCarefully.
    if (!overlapsAny(state.skip, position, position + length)) {
      // The first attempt goes without a promise or a retry context: measured on a 1 GiB image
      // file in the disk worker (20 runs each, alternated), a promise awaited per chunk cost ~2.5 %
      // (medians 2498 against 2569 MB/s; a bare read-and-compare loop 2559).
      try {
        plan.reader.readSync(buffer, 0, length, position);
      } catch (error) {
        failure = await settled(retryAfterFailure(error, () => Promise.resolve(plan.reader.readSync(buffer, 0, length, position)), ioContext(target, options, errors, `reading at byte ${position}`)));
      }
      if (failure === null) {
        const bad = state.cursor.check(buffer, length);
        if (bad >= 0) {
          state.done += bad;
          return position + bad;
        }
        state.done += length;
        options.onBytes?.(state.done);
        if (performance.now() - sliceStarted >= BLOCKING_SLICE_MS) {
          await yieldToEventLoop();
          sliceStarted = performance.now();
        }
        continue;
      }
    }
    const mismatchAt = await verifyCarefully(state, chunk, buffer, failure, (unit) => asAttempt(() => carefulReader().readSync(buffer, unit.position - position, unit.length, unit.position)));
    if (mismatchAt !== null) return mismatchAt;
  }
  return null;
}

/**
 * Reads the spans back and compares them with the pattern from its start; stops at the first
 * byte that differs. On a Linux block device the bytes come from the drive, not from what the
 * kernel remembers writing: through O_DIRECT (one copy less, and the cache cannot answer), or
 * through the cache once the kernel has emptied it (see planReads). Reads run ahead of the
 * compare, unless they are blocking reads through the cache. A stretch that cannot be read
 * back is narrowed down and returned as `unverified` (also added to options.ranges); the
 * verification goes on past it.
 */
export async function verifyPass(target: BlockTarget, pattern: PassPattern, options: PassIoOptions = {}): Promise<VerifyResult> {
  const errors = options.errors ?? newErrorCounts();
  const spans = options.spans ?? [{ start: 0, length: target.size }];
  const state: Verification = { target, pattern, options, errors, cursor: pattern.cursor(), skip: options.skip ?? [], bad: new BadRangeLog(target.path, 'read', errors), done: 0, readUpTo: 0 };
  try {
    // Direct reads come from the drive whatever the cache holds (and flush what is dirty first);
    // planReads empties the cache (unless the session's write just did) before it plans reads through it.
    const plan = await planReads(target, spans, options.chunkBytes, options.blockingReads === true, options.cacheEmptied === true);
    try {
      const mismatchAt = plan.blocking ? await verifyBlocking(state, plan, spans) : await verifyAhead(state, plan, spans);
      return { bytes: state.done, mismatchAt, unverified: state.bad.ranges };
    } finally {
      if (plan.own) plan.reader.close();
      plan.release();
    }
  } catch (error) {
    // A verification that stopped for the drive's sake (not a cancel) did not read the rest.
    if (!(error instanceof PanoramaUsbError && error.outcome === 'cancelled')) state.bad.recordRest(spans, state.readUpTo);
    throw error;
  } finally {
    if (options.ranges !== undefined) for (const range of state.bad.ranges) addRange(options.ranges.unverified, range);
  }
}

/** verifyPass's loop with reads in flight ahead of the compare. */
async function verifyAhead(state: Verification, plan: ReadPlan, spans: readonly Span[]): Promise<number | null> {
  const { target, options, errors } = state;
  const chunks = chunksOf(spans, plan.chunkBytes);
  const depth = plan.buffers.length;
  // As in verifyBlocking, the retry context is only made for a read that failed; a chunk with
  // bytes its write could not write is read part by part in verifyCarefully instead.
  const readInto = (buffer: Buffer, chunk: Chunk): Promise<Error | null> => {
    if (overlapsAny(state.skip, chunk.position, chunk.position + chunk.length)) return Promise.resolve(null);
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
  try {
    for (let index = 0; index < depth; index += 1) issue();
    for (let head = queue.shift(); head !== undefined; head = queue.shift()) {
      const failure = await head.reading;
      throwIfCancelled(options.signal, target.path);
      const { position, length } = head.chunk;
      state.readUpTo = head.chunk.offset;
      if (failure === null && !overlapsAny(state.skip, position, position + length)) {
        const bad = state.cursor.check(head.buffer, length);
        if (bad >= 0) {
          state.done += bad;
          return position + bad;
        }
        state.done += length;
        options.onBytes?.(state.done);
      } else {
        const buffer = head.buffer;
        const mismatchAt = await verifyCarefully(state, head.chunk, buffer, failure, (unit) => asAttempt(() => plan.reader.read(buffer.subarray(unit.position - position, unit.position - position + unit.length), unit.position)));
        if (mismatchAt !== null) return mismatchAt;
      }
      // Only now is this buffer free again: the read that reuses it goes out after the compare.
      issue();
    }
    return null;
  } finally {
    // Never return with a read still running on a descriptor that is about to be closed.
    await Promise.all(queue.map((entry) => entry.reading));
  }
}
