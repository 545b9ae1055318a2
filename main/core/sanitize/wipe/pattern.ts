/**
 * What one pass writes: zeros, or an AES-128-CTR keystream (the encryption of zeros under a
 * random key and IV). AES-128 rather than 256: the stream only has to be unpredictable and
 * regenerable, not to protect anything for years, and its 10 rounds instead of 14 made the
 * keystream ~15 % faster here (it must outrun the drive). The key lives only in this process's memory and is zeroed by dispose():
 * verification regenerates the same stream from it instead of storing what was written, so
 * memory stays flat whatever the drive's size.
 */
import { createCipheriv, randomBytes, type Cipher } from 'node:crypto';
import { alignedBuffers, DIRECT_IO_ALIGNMENT } from '../../disk';
import { firstMismatch } from './compare';
import type { PassPatternKind } from './types';

/**
 * Keystream is produced in pieces this size, written as they come (writev) rather than copied
 * into one chunk buffer. Node's Cipher.update always returns a freshly allocated buffer — there
 * is no in-place API — so pieces that fit in the CPU's L2 cache keep that unavoidable
 * allocation cheap (few page faults, no megabytes gone cold). Measured about twice as fast as
 * one 8 MiB update; leaving out our own copy made the keystream ~20 % cheaper again.
 */
export const KEYSTREAM_PIECE_BYTES = 128 * 1024;

/** A position in the pattern, from byte 0 of the drive onwards. */
export interface PatternCursor {
  /**
   * The next `length` bytes of the pattern, as pieces to be written one after the other: fresh
   * keystream buffers, or views of one shared read-only buffer of zeros. Never reused by the
   * cursor, so they stay valid while a write of them is in flight.
   */
  next(length: number): Buffer[];
  /**
   * Compares `actual[0, length)` with the next `length` bytes of the pattern and advances.
   * Returns the index of the first byte that differs, or -1.
   */
  check(actual: Buffer, length: number): number;
}

let sharedZeros: Buffer | null = null;

/**
 * `bytes` of zeros that cost no RAM and cost a compare nothing to read: a WebAssembly.Memory is
 * a fresh anonymous mapping, and pages never written read as the kernel's single shared zero
 * page, which stays in the CPU's cache. (Buffer.alloc's calloc may hand back recycled heap that
 * it zeroed by hand: then verifying a zero pass streams two buffers through memory instead of
 * one — measured ~20 % slower on a loop device.) Made once per thread and never written to:
 * WebAssembly memory is only freed by a full GC.
 */
function zeroPages(bytes: number): Buffer {
  if (sharedZeros === null || sharedZeros.length < bytes) {
    // alignedBuffers' memory is a WebAssembly.Memory of its own, untouched.
    sharedZeros = alignedBuffers(1, Math.ceil(bytes / DIRECT_IO_ALIGNMENT) * DIRECT_IO_ALIGNMENT)[0] ?? Buffer.alloc(bytes);
  }
  return sharedZeros.subarray(0, bytes);
}

export class PassPattern {
  private disposed = false;

  private constructor(
    readonly kind: PassPatternKind,
    /** Zeros, never written to: the zero pattern's data and the AES input. */
    private readonly zeros: Buffer,
    private readonly key: Buffer | null,
    private readonly iv: Buffer | null,
  ) {}

  /** `chunkBytes`: the usual `length` a cursor will be asked for (longer ones work, a little slower). */
  static create(kind: PassPatternKind, chunkBytes: number): PassPattern {
    const zeros = zeroPages(kind === 'zero' ? chunkBytes : KEYSTREAM_PIECE_BYTES);
    return kind === 'zero' ? new PassPattern(kind, zeros, null, null) : new PassPattern(kind, zeros, randomBytes(16), randomBytes(16));
  }

  /** A cursor at byte 0. Each call starts the same stream again: one for the pass, one for its verification. */
  cursor(): PatternCursor {
    return this.cursorAt(0);
  }

  /**
   * A cursor at byte `offset` of the stream, without generating what comes before: a pass that
   * rewrites or rereads a failing stretch picks the stream up there. In CTR mode the block at
   * `offset` is the encryption of IV + offset / 16 (OpenSSL counts over the whole 128-bit IV,
   * big-endian); the bytes before `offset` within that block are made and dropped.
   */
  cursorAt(offset: number): PatternCursor {
    if (this.disposed) throw new Error('the pattern was disposed');
    if (this.key === null || this.iv === null) return new ZeroCursor(this.zeros);
    const counter = counterAt(this.iv, Math.floor(offset / AES_BLOCK_BYTES));
    const cipher = createCipheriv('aes-128-ctr', this.key, counter);
    counter.fill(0);
    const into = offset % AES_BLOCK_BYTES;
    if (into > 0) cipher.update(this.zeros.subarray(0, into));
    return new KeystreamCursor(cipher, this.zeros);
  }

  /**
   * Forgets the key: after this the stream cannot be regenerated. OpenSSL keeps its own copy
   * inside the cipher contexts until they are garbage-collected; Node offers no way to wipe it.
   */
  dispose(): void {
    this.disposed = true;
    this.key?.fill(0);
    this.iv?.fill(0);
  }
}

const AES_BLOCK_BYTES = 16;

/** IV + blocks, as 128-bit big-endian numbers (a fresh buffer: the pattern's IV stays as it is). */
function counterAt(iv: Buffer, blocks: number): Buffer {
  const counter = Buffer.from(iv);
  let carry = BigInt(blocks);
  for (let index = AES_BLOCK_BYTES - 1; index >= 0 && carry > 0n; index -= 1) {
    const sum = BigInt(counter[index] ?? 0) + (carry & 0xffn);
    counter[index] = Number(sum & 0xffn);
    carry = (carry >> 8n) + (sum >> 8n);
  }
  return counter;
}

class ZeroCursor implements PatternCursor {
  constructor(private readonly zeros: Buffer) {}

  next(length: number): Buffer[] {
    const pieces: Buffer[] = [];
    for (let offset = 0; offset < length; offset += this.zeros.length) pieces.push(this.zeros.subarray(0, Math.min(this.zeros.length, length - offset)));
    return pieces;
  }

  check(actual: Buffer, length: number): number {
    for (let offset = 0; offset < length; offset += this.zeros.length) {
      const part = Math.min(this.zeros.length, length - offset);
      const bad = firstMismatch(actual.subarray(offset, offset + part), this.zeros.subarray(0, part));
      if (bad >= 0) return offset + bad;
    }
    return -1;
  }
}

class KeystreamCursor implements PatternCursor {
  constructor(
    private readonly cipher: Cipher,
    private readonly zeros: Buffer,
  ) {}

  private piece(length: number): Buffer {
    return this.cipher.update(this.zeros.subarray(0, length));
  }

  next(length: number): Buffer[] {
    const pieces: Buffer[] = [];
    for (let offset = 0; offset < length; offset += KEYSTREAM_PIECE_BYTES) pieces.push(this.piece(Math.min(KEYSTREAM_PIECE_BYTES, length - offset)));
    return pieces;
  }

  check(actual: Buffer, length: number): number {
    for (let offset = 0; offset < length; offset += KEYSTREAM_PIECE_BYTES) {
      const expected = this.piece(Math.min(KEYSTREAM_PIECE_BYTES, length - offset));
      // Buffer.compare on a range is one memcmp, no copy; locate the byte only when it differs.
      if (expected.compare(actual, offset, offset + expected.length) !== 0) {
        return offset + firstMismatch(actual.subarray(offset, offset + expected.length), expected);
      }
    }
    return -1;
  }
}
