/**
 * Drive sanitization by overwriting: quick (metadata only, not a sanitization), zero, random
 * (AES-128-CTR keystream) and random-then-zero, each optionally read back and compared, then a
 * fresh MBR + FAT volume (FAT32, or FAT16/FAT12 on a drive too small for FAT32). A completed,
 * verified overwrite reaches NIST SP 800-88 Rev.2 "Clear" — never "Purge": a flash drive's
 * controller keeps spare and remapped blocks that no overwrite through the USB interface can reach.
 */
export type { PassPatternKind, PassRecord, SanitizeOptions, VerifyMode, WipeErrorCounts, WipeMethod, WipeOptions, WipeProgress, WipeResult } from './types';
export { VERIFY_MODES, WIPE_METHODS } from './types';
export { wipeTarget } from './wipe';
export { inlinePassEngine, type PassEngine, type PassSession, type VerifyOutcome } from './engine';
export { sanitizeDrives } from './sanitize-drives';
export { newErrorCounts, noteError } from './retry';
export { addRanges, describeRange, newBadRanges, rangeBytes, type BadRanges, type ByteRange } from './ranges';
export { DEFAULT_READ_BYTES_PER_SECOND, DEFAULT_WRITE_BYTES_PER_SECOND, estimateSeconds } from './estimate';
// Lower level, for tests and benchmarks: one pass, one verification, the comparison, quick's regions.
export { CHUNK_BYTES, FLUSH_EVERY_BYTES, verifyPass, WRITE_DEPTH, writePass, type PassIoOptions, type Span } from './pass';
export { PassPattern } from './pattern';
export { firstMismatch } from './compare';
export { quickEraseRegions, type EraseRegion } from './quick';
