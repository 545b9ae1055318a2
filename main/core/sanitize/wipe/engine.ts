/**
 * Where a pass's bytes are made and moved. A wipe asks its engine for one session per pattern:
 * the session owns the pattern (a random pass's key is born and dies inside it), writes it,
 * reads it back, and forgets it on close. The inline engine does this on the calling thread;
 * the desktop app, the preview and the CLI use the disk worker's (core/offthread), because the
 * keystream's garbage is cheap to collect only in a small heap: on a thread that also holds the
 * app (or the CLI's AWS SDK), every ~40 MB of keystream buffers could set off a full mark-compact
 * of that heap — measured: 1.3–1.6 s of CPU per GiB of random pass there, 0.5 s in a worker.
 */
import type { BlockTarget } from '../../disk';
import { CHUNK_BYTES, verifyPass, writePass, type PassIoOptions } from './pass';
import { PassPattern } from './pattern';
import type { ByteRange } from './ranges';
import type { PassPatternKind } from './types';

/** How a pass's verification turned out; `mismatchAt` is the target's first byte that differs. */
export interface VerifyOutcome {
  bytes: number;
  mismatchAt: number | null;
}

export interface PassSession {
  readonly kind: PassPatternKind;
  /** Resolves once the session can start work (a worker has started); rejects if it cannot. */
  ready(): Promise<void>;
  /**
   * Writes the pattern over the spans (the whole target by default) and makes it durable;
   * `verifyFollows` when verify() comes next (see PassIoOptions). Bytes it could not write go
   * to options.ranges, also when it then fails.
   */
  write(options?: PassIoOptions): Promise<{ bytes: number; seconds: number }>;
  /**
   * Reads the spans back and compares them with the pattern; stops at the first difference.
   * Bytes the session's write could not write are left out (they are in options.ranges already).
   */
  verify(options?: PassIoOptions): Promise<VerifyOutcome>;
  /** Forgets the pattern (a random pass's key can no longer be regenerated) and frees the session. */
  close(): Promise<void>;
}

/** Opens a session for one pattern over a target the caller holds open (and closes after the session). */
export type PassEngine = (target: BlockTarget, kind: PassPatternKind) => PassSession;

export const inlinePassEngine: PassEngine = (target, kind) => {
  const pattern = PassPattern.create(kind, CHUNK_BYTES);
  /**
   * Whether the kernel emptied the device's cache at the end of the last write, with nothing
   * read since: one verification may then read through it at once (PassIoOptions.cacheEmptied).
   */
  let cacheEmptied = false;
  /** What the last write could not write: its verification leaves those bytes out (PassIoOptions.skip). */
  let unwritten: ByteRange[] = [];
  return {
    kind,
    ready: () => Promise.resolve(),
    write: async (options) => {
      cacheEmptied = false;
      unwritten = [];
      const written = await writePass(target, pattern, options);
      cacheEmptied = written.cacheEmptied;
      unwritten = written.unwritten;
      return { bytes: written.bytes, seconds: written.seconds };
    },
    verify: async (options) => {
      const emptied = cacheEmptied;
      // Its reads fill the cache: a second verification must not trust it to be empty.
      cacheEmptied = false;
      const verified = await verifyPass(target, pattern, { ...options, cacheEmptied: emptied, skip: unwritten });
      return { bytes: verified.bytes, mismatchAt: verified.mismatchAt };
    },
    close: () => {
      pattern.dispose();
      return Promise.resolve();
    },
  };
};
