/**
 * The comparison behind verification. Equal data is the common case, so it is decided by one
 * memcmp (Buffer.equals); the byte-by-byte scan only runs to locate a mismatch already found.
 */

/** Index of the first byte where `actual` and `expected` differ, or -1 when they are equal. */
export function firstMismatch(actual: Uint8Array, expected: Uint8Array): number {
  const length = Math.min(actual.length, expected.length);
  const a = Buffer.from(actual.buffer, actual.byteOffset, length);
  const e = Buffer.from(expected.buffer, expected.byteOffset, length);
  if (a.equals(e)) return actual.length === expected.length ? -1 : length;
  for (let index = 0; index < length; index += 1) {
    if (a[index] !== e[index]) return index;
  }
  return length;
}
