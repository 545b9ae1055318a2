/**
 * Byte ranges of a drive that a pass could not write or a verification could not read: what a
 * wipe result and its certificate list, so that "not sanitized" says exactly where. Plain data
 * (they cross to and from the disk worker), kept sorted and merged.
 */

/** Bytes [start, end) of the target. */
export interface ByteRange {
  start: number;
  end: number;
}

/** What went wrong where, across the passes of one wipe (or one pass, in the disk worker). */
export interface BadRanges {
  /** Bytes a pass could not write, even one 4 KiB unit at a time. */
  unwritten: ByteRange[];
  /** Bytes a verification could not read back. */
  unverified: ByteRange[];
}

export function newBadRanges(): BadRanges {
  return { unwritten: [], unverified: [] };
}

/** Adds [start, end) to a sorted list of disjoint ranges, merging with any it touches. */
export function addRange(list: ByteRange[], range: ByteRange): void {
  if (range.end <= range.start) return;
  let start = range.start;
  let end = range.end;
  let index = 0;
  while (index < list.length && (list[index]?.end ?? 0) < start) index += 1;
  let remove = 0;
  while (index + remove < list.length) {
    const next = list[index + remove];
    if (next === undefined || next.start > end) break;
    start = Math.min(start, next.start);
    end = Math.max(end, next.end);
    remove += 1;
  }
  list.splice(index, remove, { start, end });
}

export function addRanges(into: BadRanges, from: BadRanges): void {
  for (const range of from.unwritten) addRange(into.unwritten, range);
  for (const range of from.unverified) addRange(into.unverified, range);
}

export function rangeBytes(list: readonly ByteRange[]): number {
  return list.reduce((sum, range) => sum + (range.end - range.start), 0);
}

/** The parts of [start, end) outside every range of `skip` (sorted, disjoint). */
export function outside(start: number, end: number, skip: readonly ByteRange[]): ByteRange[] {
  const parts: ByteRange[] = [];
  let at = start;
  for (const range of skip) {
    if (range.end <= at) continue;
    if (range.start >= end) break;
    if (range.start > at) parts.push({ start: at, end: range.start });
    at = Math.max(at, range.end);
  }
  if (at < end) parts.push({ start: at, end });
  return parts;
}

/** "bytes 1048576-1114111 (64 KiB)": a range as certificates and the CLI print it (last byte inclusive; ASCII, which the PDF's fonts print). */
export function describeRange(range: ByteRange): string {
  return `bytes ${range.start}-${range.end - 1} (${formatSize(range.end - range.start)})`;
}

function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/** Whether [start, end) meets any range of a sorted, disjoint list (binary search: lists can be long). */
export function overlapsAny(list: readonly ByteRange[], start: number, end: number): boolean {
  let low = 0;
  let high = list.length;
  // The first range that ends after `start`…
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((list[middle]?.end ?? 0) <= start) low = middle + 1;
    else high = middle;
  }
  // …overlaps when it begins before `end`.
  const candidate = list[low];
  return candidate !== undefined && candidate.start < end;
}
