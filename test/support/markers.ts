/**
 * Finding secrets left in an image file or a device without ever treating it as text. A drive is
 * read in 8 MiB chunks, each searched with the previous chunk's last (marker length − 1) bytes
 * in front of it, so a marker across a chunk edge is found once and memory stays flat.
 *
 * Not `grep -c` on an image: a zeroed or sparse drive has no newline, so grep holds the whole
 * image as one line — one call over a 1.1 GiB image took 27 s on a fresh machine (15 s of it
 * system time, allocating that line), enough to time tests out. The independent cross-check,
 * grepRecordsWith, splits at NUL bytes instead (see there).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { tool } from './tools';

const CHUNK_BYTES = 8 * 1024 * 1024;

function asBytes(marker: Buffer | string): Buffer {
  const bytes = typeof marker === 'string' ? Buffer.from(marker, 'latin1') : marker;
  if (bytes.length === 0) throw new Error('an empty marker matches everywhere');
  return bytes;
}

/** Offsets of every occurrence of `marker` in the file or device, in order (overlapping ones included). */
export function markerOffsets(file: string, marker: Buffer | string): number[] {
  const needle = asBytes(marker);
  const overlap = needle.length - 1;
  const buffer = Buffer.alloc(CHUNK_BYTES + overlap);
  const offsets: number[] = [];
  const fd = openSync(file, 'r');
  try {
    // Bytes carried over from the previous chunk sit at the buffer's start: too few to hold a marker on their own.
    let carried = 0;
    let position = 0;
    for (;;) {
      const read = readSync(fd, buffer, carried, CHUNK_BYTES, position);
      if (read === 0) break;
      const end = carried + read;
      const window = buffer.subarray(0, end);
      for (let at = window.indexOf(needle); at !== -1; at = window.indexOf(needle, at + 1)) offsets.push(position - carried + at);
      carried = Math.min(overlap, end);
      buffer.copy(buffer, 0, end - carried, end);
      position += read;
    }
  } finally {
    closeSync(fd);
  }
  return offsets;
}

/** How many times `marker` occurs in the file or device. */
export function countMarkers(file: string, marker: Buffer | string): number {
  return markerOffsets(file, marker).length;
}

/**
 * An independent count by a tool nobody here wrote: grep's NUL-separated records that hold the
 * marker (0 means none anywhere). -z makes NUL the record separator, so a zeroed drive is many
 * empty records instead of one line of a gigabyte, and grep skips a sparse image's holes. It is
 * fast only on images with NUL bytes all over — zeroed, sparse, random (a NUL every ~256 bytes),
 * FAT volumes — which is every image this suite checks; one filled with 0xFF would again be one
 * huge record. The marker must be ASCII (it goes to grep as an argument) without a NUL byte (its
 * halves would sit in two records).
 */
export function grepRecordsWith(file: string, marker: Buffer | string): number {
  const needle = asBytes(marker);
  if (needle.some((byte) => byte === 0 || byte > 0x7f)) throw new Error('grep -z needs an ASCII marker without NUL bytes');
  const run = tool('grep', ['-c', '-a', '-z', '-F', '--', needle.toString('latin1'), file], { env: { LC_ALL: 'C' } });
  // grep exits 1 when nothing matched, 2 on trouble (then there is no count to trust).
  if (run.status !== 0 && run.status !== 1) throw new Error(`grep exited ${run.status}: ${run.stderr}`);
  return Number(run.stdout.trim());
}
