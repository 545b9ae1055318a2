/**
 * Is the drive as big as it says? Counterfeit sticks report 64 GB and hold 8: past the real
 * capacity, writes vanish and read back as zeros ("limbo") or land on earlier blocks
 * ("wraparound"). Either way a configuration archive — or a wipe — that lands there is lost.
 *
 * The check writes 4 KiB blocks that each carry their own position (and this run's random id),
 * reads them back around the kernel's cache, and sees which came back as written:
 * - full: every block of the drive (destructive);
 * - quick: ≥ 1024 blocks spread over the drive plus every power-of-two position (a fake that
 *   drops high address bits wraps at one), then a bisection between the last good and the first
 *   bad sample, so the usable size is exact to the block. With `keepData` the blocks it writes
 *   are read first and written back at the end.
 * A block holding another position's tag shows a wraparound, and the distance between the two
 * positions is its period: the real capacity. The model, and the validator of the tests, is
 * f3probe (Debian's f3 package); nothing of it is copied.
 */
import { randomBytes } from 'node:crypto';
import { borrowAlignedBuffers, DIRECT_IO_ALIGNMENT, type BlockTarget } from '../disk';
import { cancelled, PanoramaUsbError } from '../errors';

export const BLOCK_BYTES = DIRECT_IO_ALIGNMENT;
const CHUNK_BLOCKS = 256;
/** The full check makes what it wrote durable this often, so its progress follows the drive. */
const FLUSH_EVERY_BYTES = 64 * 1024 * 1024;
export const QUICK_SAMPLES = 1024;
/** The quick check's reads (and direct writes) in flight: slots of its aligned buffer. */
const READ_DEPTH = 8;
const MAGIC = Buffer.from('PUSBCHK1', 'latin1');
/** A counterfeit loses at least this much of its end (and 1 % of the drive): less is a failing drive. */
const MIN_FAKE_TAIL_BYTES = 16 * 1024 * 1024;
const TAG_BYTES = 32;

export type CheckPhase = 'save' | 'write' | 'read' | 'refine' | 'restore';

export interface CheckProgress {
  phase: CheckPhase;
  bytesDone: number;
  bytesTotal: number;
}

export interface CapacityCheckOptions {
  quick?: boolean;
  /** Quick only: what the check overwrites is read first and written back at the end. */
  keepData?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: CheckProgress) => void;
}

/**
 * - genuine: every block checked came back as written;
 * - limbo / wraparound: a counterfeit (see the module's comment);
 * - bad-blocks: some blocks failed here and there, not the whole end of the drive — a failing
 *   drive, not a fake one.
 */
export type CheckVerdict = 'genuine' | 'limbo' | 'wraparound' | 'bad-blocks';

export interface CapacityReport {
  target: string;
  mode: 'full' | 'quick';
  /** What the drive reports. */
  sizeBytes: number;
  /** What really holds data, from byte 0. */
  usableBytes: number;
  counterfeit: boolean;
  verdict: CheckVerdict;
  /** The first block that did not read back as written, or null. */
  firstBadOffset: number | null;
  blocksChecked: number;
  badBlocks: number;
  /** keepData: what the check overwrote was written back. */
  dataKept: boolean;
  seconds: number;
}

/** A block's tag: magic, run id, position, and the position's complement (a torn tag does not pass). */
class Tags {
  private readonly runId = randomBytes(8);
  private readonly tag = Buffer.alloc(TAG_BYTES);

  /** Fills `block` with the tag of `position`, repeated. */
  fill(block: Buffer, position: number): void {
    MAGIC.copy(this.tag, 0);
    this.runId.copy(this.tag, 8);
    this.tag.writeBigUInt64LE(BigInt(position), 16);
    this.tag.writeBigUInt64LE(~BigInt(position) & 0xffffffffffffffffn, 24);
    block.fill(this.tag);
  }

  /** The position whose tag `block` holds whole (this run's), or null (zeros, garbage, an old run). */
  positionIn(block: Buffer): number | null {
    if (block.compare(MAGIC, 0, 8, 0, 8) !== 0 || block.compare(this.runId, 0, 8, 8, 16) !== 0) return null;
    const position = block.readBigUInt64LE(16);
    if (block.readBigUInt64LE(24) !== (~position & 0xffffffffffffffffn)) return null;
    // Every repetition of the tag: a block half written is not "as written".
    for (let offset = TAG_BYTES; offset < block.length; offset += TAG_BYTES) {
      if (block.compare(block, 0, TAG_BYTES, offset, offset + TAG_BYTES) !== 0) return null;
    }
    return Number(position);
  }
}

function gcd(a: number, b: number): number {
  let [x, y] = [Math.abs(a), Math.abs(b)];
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** What the reads found, block by block, and the verdict they add up to. */
class Findings {
  checked = 0;
  bad = 0;
  firstBad: number | null = null;
  lastGood: number | null = null;
  /** GCD of (tag's position − block's position) over blocks holding another position's tag. */
  period = 0;

  constructor(private readonly tags: Tags) {}

  see(position: number, block: Buffer | null): boolean {
    this.checked += 1;
    const found = block === null ? null : this.tags.positionIn(block);
    if (found === position) {
      this.lastGood = Math.max(this.lastGood ?? position, position);
      return true;
    }
    this.bad += 1;
    this.firstBad = Math.min(this.firstBad ?? position, position);
    if (found !== null) this.period = gcd(this.period, found - position);
    return false;
  }

  /**
   * A run of blocks read back (null: unreadable), against what was written there (`expected`):
   * one compare when they all came back right, block by block only when not.
   */
  seeRun(first: number, count: number, read: Buffer | null, expected: Buffer): void {
    if (read !== null && read.equals(expected)) {
      this.checked += count;
      this.lastGood = Math.max(this.lastGood ?? 0, first + count - 1);
      return;
    }
    for (let index = 0; index < count; index += 1) this.see(first + index, read === null ? null : read.subarray(index * BLOCK_BYTES, (index + 1) * BLOCK_BYTES));
  }

  /** Every bad block lies past every good one: the drive's end holds nothing (a limbo fake). */
  badTail(): boolean {
    return this.firstBad !== null && (this.lastGood === null || this.lastGood < this.firstBad);
  }
}

function checkCancelled(signal: AbortSignal | undefined, targetPath: string): void {
  if (signal?.aborted === true) {
    throw cancelled('CANCELLED', `The check of ${targetPath} was cancelled: blocks it wrote are still on the drive.`, 'Run the check again to the end, then sanitize or reformat the drive before use.');
  }
}

/** The check itself, on a target opened for writing. The caller closes it. */
export async function checkCapacity(target: BlockTarget, options: CapacityCheckOptions = {}): Promise<CapacityReport> {
  const started = performance.now();
  const blocks = Math.floor(target.size / BLOCK_BYTES);
  const tags = new Tags();
  const findings = new Findings(tags);
  // Around the cache: a drive's answers, not what the kernel remembers writing.
  const reader = target.openDirectReader() ?? target;
  const { buffers, release } = borrowAlignedBuffers(2, CHUNK_BLOCKS * BLOCK_BYTES);
  try {
    const [buffer] = buffers;
    if (buffer === undefined) throw new Error('no aligned memory for the check');
    const quick = options.quick === true;
    const refined = quick ? await quickCheck(target, reader, buffer, blocks, tags, findings, options) : await fullCheck(target, reader, buffers, blocks, tags, findings, options);
    // A lost end too short to be a fake's (a worn stick's last sectors) is a failing drive, not a counterfeit.
    const tailStart = refined ?? findings.firstBad ?? blocks;
    const bigTail = (blocks - tailStart) * BLOCK_BYTES >= Math.max(target.size / 100, MIN_FAKE_TAIL_BYTES);
    const verdict: CheckVerdict = findings.period > 0 ? 'wraparound' : findings.bad === 0 ? 'genuine' : findings.badTail() && bigTail ? 'limbo' : 'bad-blocks';
    const usableBytes = verdict === 'wraparound' ? Math.min(target.size, findings.period * BLOCK_BYTES) : verdict === 'limbo' ? tailStart * BLOCK_BYTES : target.size;
    return {
      target: target.path,
      mode: quick ? 'quick' : 'full',
      sizeBytes: target.size,
      usableBytes,
      counterfeit: verdict === 'limbo' || verdict === 'wraparound',
      verdict,
      firstBadOffset: findings.firstBad === null ? null : (refined ?? findings.firstBad) * BLOCK_BYTES,
      blocksChecked: findings.checked,
      badBlocks: findings.bad,
      dataKept: quick && options.keepData === true,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    release();
    if (reader !== target) reader.close();
  }
}

/** Reads a block (or a run of them) back; null for what the drive could not read (it counts as bad). */
async function readBack(reader: BlockTarget, buffer: Buffer, position: number, length: number): Promise<Buffer | null> {
  try {
    await reader.read(buffer.subarray(0, length), position);
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof PanoramaUsbError && error.code === 'IO_ERROR') return null;
    throw error;
  }
}

async function fullCheck(target: BlockTarget, reader: BlockTarget, buffers: readonly Buffer[], blocks: number, tags: Tags, findings: Findings, options: CapacityCheckOptions): Promise<null> {
  const total = blocks * BLOCK_BYTES * 2;
  const [first, second] = buffers;
  if (first === undefined || second === undefined) throw new Error('the full check reads into two buffers');
  // Around the cache where this process may (as dd oflag=direct): measured on a loop device, the
  // cache's write-back of 1 MiB writes took 1.5–2.4× dd's time, direct writes about dd's.
  const writer = target.openDirectWriter() ?? target;
  try {
    let sinceFlush = 0;
    for (let start = 0; start < blocks; start += CHUNK_BLOCKS) {
      checkCancelled(options.signal, target.path);
      const count = Math.min(CHUNK_BLOCKS, blocks - start);
      for (let index = 0; index < count; index += 1) tags.fill(first.subarray(index * BLOCK_BYTES, (index + 1) * BLOCK_BYTES), start + index);
      await writer.writev([first.subarray(0, count * BLOCK_BYTES)], start * BLOCK_BYTES);
      sinceFlush += count * BLOCK_BYTES;
      // Direct writes are on the drive already: one fsync at the end (for the drive's own cache).
      if (writer === target && sinceFlush >= FLUSH_EVERY_BYTES) {
        await writer.flush();
        sinceFlush = 0;
      }
      options.onProgress?.({ phase: 'write', bytesDone: (start + count) * BLOCK_BYTES, bytesTotal: total });
    }
    await writer.flush();
  } finally {
    if (writer !== target) writer.close();
  }
  // What each run of blocks should hold, made again to compare with (never kept for the whole drive);
  // the next run is read while this one is compared.
  const expected = Buffer.allocUnsafe(CHUNK_BLOCKS * BLOCK_BYTES);
  const readRun = (start: number, into: Buffer): Promise<Buffer | null> => readBack(reader, into, start * BLOCK_BYTES, Math.min(CHUNK_BLOCKS, blocks - start) * BLOCK_BYTES);
  let pending = blocks > 0 ? readRun(0, first) : null;
  for (let start = 0, turn = 0; start < blocks; start += CHUNK_BLOCKS, turn += 1) {
    checkCancelled(options.signal, target.path);
    const count = Math.min(CHUNK_BLOCKS, blocks - start);
    const read = await (pending ?? Promise.resolve(null));
    const next = start + CHUNK_BLOCKS;
    pending = next < blocks ? readRun(next, turn % 2 === 0 ? second : first) : null;
    for (let index = 0; index < count; index += 1) tags.fill(expected.subarray(index * BLOCK_BYTES, (index + 1) * BLOCK_BYTES), start + index);
    if (read === null) {
      // A run the drive could not read: block by block, so only the blocks that fail count as bad.
      const single = borrowAlignedBuffers(1, BLOCK_BYTES);
      const [block] = single.buffers;
      try {
        for (let index = 0; index < count && block !== undefined; index += 1) findings.see(start + index, await readBack(reader, block, (start + index) * BLOCK_BYTES, BLOCK_BYTES));
      } finally {
        single.release();
      }
    } else {
      findings.seeRun(start, count, read, expected.subarray(0, count * BLOCK_BYTES));
    }
    options.onProgress?.({ phase: 'read', bytesDone: blocks * BLOCK_BYTES + (start + count) * BLOCK_BYTES, bytesTotal: total });
  }
  return null;
}

/** The quick check's positions: spread evenly, every power of two, and the last block; ascending. */
export function samplePositions(blocks: number): number[] {
  const positions = new Set<number>([0, blocks - 1]);
  for (let index = 0; index < QUICK_SAMPLES; index += 1) positions.add(Math.floor((index * blocks) / QUICK_SAMPLES));
  for (let power = 1; power < blocks; power *= 2) positions.add(power);
  return [...positions].filter((position) => position >= 0 && position < blocks).sort((a, b) => a - b);
}

/** Returns the first bad block found by bisection (a limbo fake), or null when there was nothing to refine. */
async function quickCheck(target: BlockTarget, reader: BlockTarget, buffer: Buffer, blocks: number, tags: Tags, findings: Findings, options: CapacityCheckOptions): Promise<number | null> {
  const keep = options.keepData === true;
  const saved = new Map<number, Buffer>();
  const block = buffer.subarray(0, BLOCK_BYTES);
  const slot = (index: number): Buffer => buffer.subarray(index * BLOCK_BYTES, (index + 1) * BLOCK_BYTES);
  /** Positions written, in order: restored in reverse (a wraparound's aliases then end as they began). */
  const written: number[] = [];
  // Around the cache where this process may: several small writes in flight reach the drive
  // sooner than the cache's write-back of scattered pages, one after the other.
  const writer = target.openDirectWriter() ?? target;
  const writeTags = async (positions: readonly number[]): Promise<void> => {
    if (keep) {
      const unsaved = positions.filter((position) => !saved.has(position));
      const originals = await Promise.all(unsaved.map((position, index) => readBack(reader, slot(index), position * BLOCK_BYTES, BLOCK_BYTES)));
      unsaved.forEach((position, index) => saved.set(position, Buffer.from(originals[index] ?? Buffer.alloc(BLOCK_BYTES))));
    }
    positions.forEach((position, index) => tags.fill(slot(index), position));
    await Promise.all(positions.map((position, index) => writer.writev([slot(index)], position * BLOCK_BYTES)));
    written.push(...positions);
  };
  const samples = samplePositions(blocks);
  const total = samples.length * BLOCK_BYTES * (keep ? 4 : 2);
  let done = 0;
  const step = (phase: CheckPhase): void => {
    done += BLOCK_BYTES;
    options.onProgress?.({ phase, bytesDone: Math.min(done, total), bytesTotal: total });
  };
  try {
    for (let first = 0; first < samples.length; first += READ_DEPTH) {
      checkCancelled(options.signal, target.path);
      const batch = samples.slice(first, first + READ_DEPTH);
      await writeTags(batch);
      for (let index = 0; index < batch.length; index += 1) {
        if (keep) step('save');
        step('write');
      }
    }
    await writer.flush();
    // Several reads in flight: each is one small request to the drive, and a drive (or a USB
    // bridge) serves a few at once faster than one after the other.
    for (let first = 0; first < samples.length; first += READ_DEPTH) {
      checkCancelled(options.signal, target.path);
      const batch = samples.slice(first, first + READ_DEPTH);
      const blocks = await Promise.all(batch.map((position, slot) => readBack(reader, buffer.subarray(slot * BLOCK_BYTES, (slot + 1) * BLOCK_BYTES), position * BLOCK_BYTES, BLOCK_BYTES)));
      batch.forEach((position, slot) => {
        findings.see(position, blocks[slot] ?? null);
        step('read');
      });
    }
    // A limbo fake: the samples are good up to some point and bad after it; bisect in between.
    if (findings.period !== 0 || !findings.badTail() || findings.firstBad === null) return null;
    let good = findings.lastGood ?? -1;
    let bad = findings.firstBad;
    while (bad - good > 1) {
      checkCancelled(options.signal, target.path);
      const middle = Math.floor((good + bad) / 2);
      await writeTags([middle]);
      await writer.flush();
      const back = await readBack(reader, block, middle * BLOCK_BYTES, BLOCK_BYTES);
      if (back !== null && tags.positionIn(back) === middle) good = middle;
      else bad = middle;
      options.onProgress?.({ phase: 'refine', bytesDone: Math.min(done, total), bytesTotal: total });
    }
    return bad;
  } finally {
    if (writer !== target) writer.close();
    if (keep) {
      // Even when cancelled or failed: what can be put back is put back.
      for (const position of [...written].reverse()) {
        const original = saved.get(position);
        if (original === undefined) continue;
        await target.writev([original], position * BLOCK_BYTES).catch(() => undefined);
        step('restore');
      }
      await target.flush().catch(() => undefined);
      // What a drive held may be a secret: no copy outlives the check.
      for (const original of saved.values()) original.fill(0);
    }
  }
}
