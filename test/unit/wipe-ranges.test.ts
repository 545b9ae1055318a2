/**
 * The bookkeeping a pass keeps when part of a drive fails: merged byte ranges, the parts of a
 * chunk outside them, and a pattern picked up mid-stream (a careful rewrite or reread starts at
 * the failing unit, not at byte 0).
 */
import { describe, expect, it } from 'vitest';
import { PassPattern } from '../../main/core/sanitize/wipe';
import { addRange, outside, overlapsAny, type ByteRange } from '../../main/core/sanitize/wipe/ranges';
import { BadRangeLog, narrowDown } from '../../main/core/sanitize/wipe/recovery';
import { newErrorCounts } from '../../main/core/sanitize/wipe/retry';

const KiB = 1024;
const MiB = 1024 * KiB;

describe('byte ranges', () => {
  it('adds ranges sorted, merging those that touch or overlap', () => {
    const list: ByteRange[] = [];
    addRange(list, { start: 100, end: 200 });
    addRange(list, { start: 0, end: 10 });
    addRange(list, { start: 300, end: 400 });
    expect(list).toEqual([{ start: 0, end: 10 }, { start: 100, end: 200 }, { start: 300, end: 400 }]);
    addRange(list, { start: 200, end: 300 });
    expect(list).toEqual([{ start: 0, end: 10 }, { start: 100, end: 400 }]);
    addRange(list, { start: 5, end: 150 });
    expect(list).toEqual([{ start: 0, end: 400 }]);
    addRange(list, { start: 50, end: 50 });
    expect(list).toEqual([{ start: 0, end: 400 }]);
  });

  it('finds the parts of a stretch outside a list, and whether a stretch meets it', () => {
    const skip = [{ start: 10, end: 20 }, { start: 30, end: 40 }];
    expect(outside(0, 50, skip)).toEqual([{ start: 0, end: 10 }, { start: 20, end: 30 }, { start: 40, end: 50 }]);
    expect(outside(12, 35, skip)).toEqual([{ start: 20, end: 30 }]);
    expect(outside(10, 20, skip)).toEqual([]);
    expect([overlapsAny(skip, 0, 10), overlapsAny(skip, 0, 11), overlapsAny(skip, 20, 30), overlapsAny(skip, 39, 45), overlapsAny(skip, 40, 45), overlapsAny([], 0, 1)]).toEqual([false, true, false, true, false, false]);
  });
});

describe('narrowing a failing stretch down', () => {
  it('tries 64 KiB units, then 4 KiB units of those that fail, and returns what still fails, merged', async () => {
    const bad = [{ start: 200 * KiB, end: 208 * KiB }, { start: 300 * KiB + 4 * KiB, end: 300 * KiB + 8 * KiB }];
    const tried: number[] = [];
    const failing = await narrowDown({ position: 0, length: MiB, offset: 0 }, (unit) => {
      tried.push(unit.length);
      return Promise.resolve(!bad.some((range) => unit.position < range.end && unit.position + unit.length > range.start));
    });
    expect(failing).toEqual(bad);
    // 16 coarse units, and 16 fine ones in each of the two that failed.
    expect(tried.filter((length) => length === 64 * KiB)).toHaveLength(16);
    expect(tried.filter((length) => length === 4 * KiB)).toHaveLength(32);
  });

  it('takes four whole chunks in a row failing as a drive that stopped responding, and records the rest of the pass', () => {
    const log = new BadRangeLog('/dev/sdz', 'written', newErrorCounts());
    const chunk = (index: number): { position: number; length: number; offset: number } => ({ position: index * MiB, length: MiB, offset: index * MiB });
    log.record(chunk(0), [{ start: 0, end: 4 * KiB }]);
    for (let index = 1; index < 4; index += 1) log.record(chunk(index), [{ start: index * MiB, end: (index + 1) * MiB }]);
    expect(() => log.record(chunk(4), [{ start: 4 * MiB, end: 5 * MiB }])).toThrow(expect.objectContaining({ code: 'DRIVE_UNPLUGGED' }) as Error);
    log.recordRest([{ start: 0, length: 8 * MiB }], 5 * MiB);
    expect(log.ranges).toEqual([{ start: 0, end: 4 * KiB }, { start: MiB, end: 8 * MiB }]);
  });
});

describe('a pattern picked up mid-stream', () => {
  it.each(['random', 'zero'] as const)('%s: cursorAt(offset) gives the same bytes as the stream from 0, at any offset', (kind) => {
    const pattern = PassPattern.create(kind, MiB);
    try {
      const whole = Buffer.concat(pattern.cursor().next(3 * MiB));
      for (const offset of [0, 1, 15, 16, 17, 4095, 4096, 64 * KiB + 3, MiB, 2 * MiB + 12_345]) {
        const piece = Buffer.concat(pattern.cursorAt(offset).next(200_000 > whole.length - offset ? whole.length - offset : 200_000));
        expect(piece.equals(whole.subarray(offset, offset + piece.length)), `at ${offset}`).toBe(true);
        expect(pattern.cursorAt(offset).check(whole.subarray(offset), Math.min(100_000, whole.length - offset))).toBe(-1);
      }
    } finally {
      pattern.dispose();
    }
  });
});
