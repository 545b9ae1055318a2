/**
 * What a pass does when part of the drive fails under it. A cheap stick's bad sectors fail one
 * request and not the ones around it; a pass that stopped there would leave the rest of the
 * drive unwritten, and one that carried on without a record would let a certificate say Clear.
 * So a stretch that still fails after its retries is narrowed down — 64 KiB units, then 4 KiB
 * units of the ones that fail — and the pass goes on; what never succeeded is kept as exact
 * byte ranges, and the wipe's result and certificate list them.
 *
 * A drive that fails everywhere is not narrowed down forever: after a few whole chunks in a row
 * failed it is taken to have stopped responding (DRIVE_UNPLUGGED), and past a budget of bad
 * bytes the pass stops (IO_ERROR); either way the rest of the pass is recorded as not done.
 */
import { unplugged } from '../../disk';
import { failed, PanoramaUsbError } from '../../errors';
import { addRange, describeRange, rangeBytes, type ByteRange } from './ranges';
import { noteError } from './retry';
import type { WipeErrorCounts } from './types';

export const COARSE_UNIT_BYTES = 64 * 1024;
/** The page size: the kernel writes a block device's cache back, and reads it, by pages. */
export const FINE_UNIT_BYTES = 4096;
/** Whole chunks in a row with not one unit done: the drive stopped responding. */
const DEAD_CHUNKS_IN_A_ROW = 4;
/** Beyond this many bad bytes, or ranges, the drive is failing: narrowing down more only costs time. */
export const MAX_BAD_BYTES = 16 * 1024 * 1024;
export const MAX_BAD_RANGES = 1024;

/** A stretch of the target, and where it starts in the pass's pattern stream. */
export interface Stretch {
  position: number;
  length: number;
  /** Offset in the pattern stream (differs from position when the pass covers several spans). */
  offset: number;
}

/** A bad medium (worth narrowing down), as against a drive gone, a cancel or a program error. */
export function isMediumError(error: unknown): boolean {
  return error instanceof PanoramaUsbError && error.code === 'IO_ERROR';
}

/**
 * Runs `attempt` on 64 KiB units of the stretch, then on 4 KiB units of those that fail, and
 * returns what still fails, merged. `attempt` resolves false for a medium error and throws
 * anything else (a drive gone stops the pass at once).
 */
export async function narrowDown(stretch: Stretch, attempt: (unit: Stretch) => Promise<boolean>): Promise<ByteRange[]> {
  const bad: ByteRange[] = [];
  for (const coarse of unitsOf(stretch, COARSE_UNIT_BYTES)) {
    if (await attempt(coarse)) continue;
    for (const fine of unitsOf(coarse, FINE_UNIT_BYTES)) {
      if (!(await attempt(fine))) addRange(bad, { start: fine.position, end: fine.position + fine.length });
    }
  }
  return bad;
}

/** Units of `size` bytes, aligned on the target (a stretch that starts mid-unit gets a short first one). */
function* unitsOf(stretch: Stretch, size: number): Generator<Stretch, void> {
  const end = stretch.position + stretch.length;
  let position = stretch.position;
  while (position < end) {
    const next = Math.min(end, (Math.floor(position / size) + 1) * size);
    yield { position, length: next - position, offset: stretch.offset + (position - stretch.position) };
    position = next;
  }
}

/**
 * Keeps a pass's bad ranges and decides when the drive is beyond narrowing down: `doing` is
 * 'written' or 'read' in the messages.
 */
export class BadRangeLog {
  private deadInARow = 0;
  readonly ranges: ByteRange[] = [];

  constructor(
    private readonly targetPath: string,
    private readonly doing: 'written' | 'read',
    private readonly errors: WipeErrorCounts,
  ) {}

  /** Records what narrowing `stretch` down left bad; throws once the drive is beyond it. */
  record(stretch: Stretch, bad: readonly ByteRange[]): void {
    for (const range of bad) {
      addRange(this.ranges, range);
      noteError(this.errors, `${describeRange(range)} of ${this.targetPath} could not be ${this.doing}`);
    }
    const badHere = rangeBytes(bad);
    this.deadInARow = badHere >= stretch.length ? this.deadInARow + 1 : 0;
    if (this.deadInARow >= DEAD_CHUNKS_IN_A_ROW) throw unplugged(this.targetPath);
    if (rangeBytes(this.ranges) > MAX_BAD_BYTES || this.ranges.length > MAX_BAD_RANGES) {
      throw failed(
        'IO_ERROR',
        `${this.targetPath} is failing: ${rangeBytes(this.ranges)} bytes in ${this.ranges.length} places could not be ${this.doing}, so the pass stopped. The drive is NOT sanitized.`,
        'Do not reuse the drive; if it held secrets, destroy it physically.',
      );
    }
  }

  /** Everything of the pass from stream offset `from` on was not done (the pass stopped there). */
  recordRest(spans: readonly { start: number; length: number }[], from: number): void {
    let streamStart = 0;
    for (const span of spans) {
      const skip = Math.max(0, from - streamStart);
      if (skip < span.length) addRange(this.ranges, { start: span.start + skip, end: span.start + span.length });
      streamStart += span.length;
    }
  }
}
