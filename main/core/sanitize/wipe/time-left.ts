/**
 * Time left in a wipe, counted step by step. A drive reads several times faster than it writes,
 * so "the rest of the job at the current speed" says "3 s left" while verifying, with a whole
 * write pass still to come. Here each step left is timed at its own kind's speed.
 */
export type WipeStepKind = 'write' | 'read';

export interface WipeStep {
  kind: WipeStepKind;
  bytes: number;
}

/** The job's steps in order: each pass's write, then its verification when it has one. */
export function wipeSteps(passes: number, bytesPerPass: number, verified: (pass: number) => boolean): WipeStep[] {
  const steps: WipeStep[] = [];
  for (let pass = 1; pass <= passes; pass += 1) {
    steps.push({ kind: 'write', bytes: bytesPerPass });
    if (verified(pass)) steps.push({ kind: 'read', bytes: bytesPerPass });
  }
  return steps;
}

export interface TimeLeftInput {
  steps: readonly WipeStep[];
  /** Bytes of the whole job done (the steps' bytes, in order). */
  bytesDone: number;
  /** The step running now and its speed so far. */
  current: { kind: WipeStepKind; bytesPerSecond: number };
  /** Average speeds of the steps finished, per kind (null: none finished yet). */
  finished: Readonly<Record<WipeStepKind, number | null>>;
}

/**
 * Seconds left, or null while no speed is known. A kind not measured yet is taken at the
 * current speed: a read not yet measured, while writing, then counts as slow as a write, so the
 * figure errs long rather than short.
 */
export function wipeTimeLeft(input: TimeLeftInput): number | null {
  const left: Record<WipeStepKind, number> = { write: 0, read: 0 };
  let offset = 0;
  for (const step of input.steps) {
    const done = Math.min(Math.max(input.bytesDone - offset, 0), step.bytes);
    left[step.kind] += step.bytes - done;
    offset += step.bytes;
  }
  let seconds = 0;
  for (const kind of ['write', 'read'] as const) {
    if (left[kind] === 0) continue;
    const ownSpeed = kind === input.current.kind && input.current.bytesPerSecond > 0 ? input.current.bytesPerSecond : input.finished[kind];
    const speed = ownSpeed ?? input.current.bytesPerSecond;
    if (!(speed > 0)) return null;
    seconds += left[kind] / speed;
  }
  return Math.ceil(seconds);
}
