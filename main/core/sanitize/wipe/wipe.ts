/**
 * A whole wipe of one open target: the method's passes, verification, a fresh MBR + FAT volume
 * (FAT32; FAT16 or FAT12 on a drive too small for it), and a result that says exactly what was
 * achieved. It never throws for a drive problem (unplugged, failing, cancelled…): those end up in
 * the result, so one bad drive in a batch is just one failed result.
 */
import { DEFAULT_LABEL, MIN_FORMAT_BYTES, formatTarget, normalizeLabel, type BlockTarget, type FatType } from '../../disk';
import { failed, refused, toPanoramaUsbError, type PanoramaUsbError } from '../../errors';
import { ProgressReporter } from '../../jobs';
import { verifiedPasses } from './estimate';
import { inlinePassEngine, type PassSession } from './engine';
import type { PassIoOptions, Span } from './pass';
import { quickEraseRegions } from './quick';
import { describeRange, newBadRanges, rangeBytes, type BadRanges } from './ranges';
import { wipeSteps, wipeTimeLeft, type WipeStep } from './time-left';
import { newErrorCounts, noteError, throwIfCancelled } from './retry';
import { VERIFY_MODES, WIPE_METHODS, type PassPatternKind, type PassRecord, type VerifyMode, type WipeMethod, type WipeOptions, type WipeResult } from './types';

export function passPlan(method: WipeMethod): PassPatternKind[] {
  switch (method) {
    case 'quick':
      return [];
    case 'zero':
      return ['zero'];
    case 'random':
      return ['random'];
    case 'random-zero':
      return ['random', 'zero'];
  }
}

/** Options come from the CLI and the bridge too: refuse anything else before touching a drive. */
export function assertWipeOptions(options: { method: unknown; verify: unknown; label?: unknown }): asserts options is { method: WipeMethod; verify: VerifyMode } {
  if (!(WIPE_METHODS as readonly unknown[]).includes(options.method)) {
    throw refused('INVALID_METHOD', `Unknown wipe method ${JSON.stringify(options.method)}.`, `Use one of: ${WIPE_METHODS.join(', ')}.`);
  }
  if (!(VERIFY_MODES as readonly unknown[]).includes(options.verify)) {
    throw refused('INVALID_VERIFY_MODE', `Unknown verification mode ${JSON.stringify(options.verify)}.`, `Use one of: ${VERIFY_MODES.join(', ')}.`);
  }
  // Checked now, not when formatting after a wipe of an hour: INVALID_LABEL before anything is written.
  if (options.label !== undefined) {
    if (typeof options.label !== 'string') throw refused('INVALID_LABEL', 'The volume label must be text.');
    normalizeLabel(options.label);
  }
}

/** A result for a drive the wipe never started on (refused, changed, cancelled before its turn). */
export function unstartedResult(targetPath: string, options: { method: WipeMethod; verify: VerifyMode }, startedAt: Date, error: PanoramaUsbError): WipeResult {
  const errors = newErrorCounts();
  if (error.outcome !== 'cancelled') errors.failed = 1;
  noteError(errors, error.message);
  const endedAt = new Date();
  return {
    target: targetPath,
    method: options.method,
    verify: options.verify,
    outcome: error.outcome === 'cancelled' ? 'cancelled' : 'failed',
    passes: [],
    startedAt: startedAt.toISOString(),
    endedAt: endedAt.toISOString(),
    durationSeconds: (endedAt.getTime() - startedAt.getTime()) / 1000,
    bytesWritten: 0,
    bytesVerified: 0,
    throughputBytesPerSecond: 0,
    errors,
    verification: 'not-run',
    mismatchAt: null,
    unwrittenRanges: [],
    unverifiedRanges: [],
    nistLevel: 'none',
    formatted: false,
    error: { code: error.code, message: error.message },
  };
}

function mismatch(targetPath: string, offset: number, phase: string): PanoramaUsbError {
  return failed(
    'VERIFY_MISMATCH',
    `${targetPath} did not read back what was written: byte ${offset} differs (${phase}). The drive is NOT sanitized.`,
    'The drive may be failing, or counterfeit (storing less than it claims): do not reuse it; if it held secrets, destroy it physically.',
  );
}

/** Some bytes were not written or not read back: the drive is failed, whatever else went well. */
function incomplete(targetPath: string, ranges: BadRanges): PanoramaUsbError {
  const parts = [
    ranges.unwritten.length === 0 ? null : `${rangeBytes(ranges.unwritten)} bytes in ${ranges.unwritten.length} place${ranges.unwritten.length === 1 ? '' : 's'} could not be written (first: ${describeRange(ranges.unwritten[0] ?? { start: 0, end: 0 })})`,
    ranges.unverified.length === 0 ? null : `${rangeBytes(ranges.unverified)} bytes in ${ranges.unverified.length} place${ranges.unverified.length === 1 ? '' : 's'} could not be read back (first: ${describeRange(ranges.unverified[0] ?? { start: 0, end: 0 })})`,
  ].filter((part): part is string => part !== null);
  return failed(
    'WIPE_INCOMPLETE',
    `${targetPath} has bad sectors: ${parts.join('; ')}. The drive is NOT sanitized, and was not formatted.`,
    'Do not reuse the drive; if it held secrets, destroy it physically. The certificate lists every range.',
  );
}

/** Wipes, verifies and formats one target opened for writing. The caller closes it. */
export async function wipeTarget(target: BlockTarget, options: WipeOptions): Promise<WipeResult> {
  assertWipeOptions(options);
  const { method, verify, signal } = options;
  const engine = options.passEngine ?? inlinePassEngine;
  const started = new Date();
  const errors = newErrorCounts();
  const ranges = newBadRanges();
  const passes: PassRecord[] = [];
  /** Bad bytes known when each pass began: its verification is complete only if none were added since. */
  const badBytesBefore = new Map<PassRecord, number>();
  const plan = passPlan(method);
  const passCount = Math.max(plan.length, 1);
  let bytesWritten = 0;
  let bytesVerified = 0;
  let writeSeconds = 0;
  let verifySeconds = 0;
  let verificationsDone = 0;
  let verification: WipeResult['verification'] = 'not-run';
  let mismatchAt: number | null = null;
  let formatted = false;
  let fileSystem: FatType | null = null;

  // Progress: the whole job's bytes, so one bar goes from 0 to 100 % across every pass.
  let jobDone = 0;
  let jobTotal = 0;
  let steps: WipeStep[] = [];
  let currentPass = 1;
  const onProgress = options.onProgress;
  const reporter = onProgress === undefined ? null : new ProgressReporter({
    jobId: target.path,
    emit: (event) => {
      // Each step left at its own kind's speed (reads outrun writes), not all at the current phase's.
      const etaSeconds = wipeTimeLeft({
        steps,
        bytesDone: event.bytesDone,
        current: { kind: event.phase.startsWith('verify') ? 'read' : 'write', bytesPerSecond: event.bytesPerSecond },
        finished: { write: writeSeconds > 0 ? bytesWritten / writeSeconds : null, read: verifySeconds > 0 ? bytesVerified / verifySeconds : null },
      });
      onProgress({ target: target.path, phase: event.phase, pass: currentPass, passes: passCount, bytesDone: event.bytesDone, bytesTotal: event.bytesTotal, bytesPerSecond: event.bytesPerSecond, etaSeconds });
    },
  });
  const report = (phase: string, done: number, final = false): void => {
    reporter?.report(phase, done, jobTotal, { final });
  };

  /** Pass options that move the job's progress along as bytes are done, and count into `record`. */
  const io = (phase: string, spans: readonly Span[] | undefined, count: (bytes: number) => void, verifyFollows = false): PassIoOptions => {
    const base = jobDone;
    report(phase, base);
    return {
      signal,
      errors,
      ranges,
      ...(spans === undefined ? {} : { spans }),
      ...(verifyFollows ? { verifyFollows } : {}),
      onBytes: (bytes) => {
        count(bytes);
        report(phase, base + bytes);
      },
    };
  };

  /** `verifyFollows`: readBack comes next, in the same session (see PassIoOptions.verifyFollows). */
  const overwrite = async (pass: number, session: PassSession, phase: string, verifyFollows: boolean, spans?: readonly Span[]): Promise<PassRecord> => {
    currentPass = pass;
    const record: PassRecord = { pass, pattern: spans === undefined ? session.kind : 'quick', bytes: 0, startedAt: new Date().toISOString(), endedAt: '', bytesPerSecond: 0, verified: null };
    passes.push(record);
    badBytesBefore.set(record, rangeBytes(ranges.unwritten) + rangeBytes(ranges.unverified));
    const startedAt = performance.now();
    try {
      await session.write(io(phase, spans, (bytes) => (record.bytes = bytes), verifyFollows));
    } finally {
      // Also when the pass stopped early: the record says how far it got.
      const seconds = (performance.now() - startedAt) / 1000;
      record.endedAt = new Date().toISOString();
      record.bytesPerSecond = seconds > 0 ? Math.round(record.bytes / seconds) : 0;
      bytesWritten += record.bytes;
      writeSeconds += seconds;
      jobDone += record.bytes;
    }
    return record;
  };

  const readBack = async (record: PassRecord, session: PassSession, phase: string, spans?: readonly Span[]): Promise<void> => {
    throwIfCancelled(signal, target.path);
    let verified = 0;
    const startedAt = performance.now();
    try {
      const result = await session.verify(io(phase, spans, (bytes) => (verified = bytes)));
      verified = result.bytes;
      // Bytes this pass could not write, or its verification could not read, were not compared: not verified.
      const complete = rangeBytes(ranges.unwritten) + rangeBytes(ranges.unverified) === badBytesBefore.get(record);
      record.verified = result.mismatchAt === null && complete;
      if (result.mismatchAt !== null) {
        verification = 'failed';
        mismatchAt = result.mismatchAt;
        throw mismatch(target.path, result.mismatchAt, phase);
      }
      verificationsDone += 1;
    } finally {
      bytesVerified += verified;
      verifySeconds += (performance.now() - startedAt) / 1000;
      jobDone += verified;
    }
  };

  const verifications = verifiedPasses(method, verify);
  try {
    if (!target.writable) throw refused('TARGET_READ_ONLY', `${target.path} was opened read-only: nothing was written.`, 'Open it for writing (as root for a real drive).');
    if (target.size < MIN_FORMAT_BYTES) {
      throw refused('TARGET_TOO_SMALL', `${target.path} holds ${target.size} bytes: too small for the partition table and FAT volume written after the wipe (at least ${MIN_FORMAT_BYTES / (1024 * 1024)} MiB). Nothing was written.`, 'A drive reporting so little is usually failing: do not reuse it; if it held secrets, destroy it physically.');
    }
    throwIfCancelled(signal, target.path);

    if (method === 'quick') {
      const regions = quickEraseRegions(target);
      const regionBytes = regions.reduce((sum, region) => sum + region.length, 0);
      jobTotal = regionBytes * (1 + verifications);
      steps = wipeSteps(1, regionBytes, () => verifications > 0);
      const zeros = engine(target, 'zero');
      try {
        const record = await overwrite(1, zeros, 'quick', verifications > 0, regions);
        if (verifications > 0) await readBack(record, zeros, 'verify 1/1: quick', regions);
      } finally {
        await zeros.close();
      }
    } else {
      jobTotal = target.size * (plan.length + verifications);
      const isVerified = (pass: number): boolean => verify === 'all' || (verify === 'last' && pass === plan.length);
      steps = wipeSteps(plan.length, target.size, isVerified);
      for (const [index, kind] of plan.entries()) {
        const pass = index + 1;
        const session = engine(target, kind);
        try {
          const verified = isVerified(pass);
          const record = await overwrite(pass, session, `pass ${pass}/${plan.length}: ${kind}`, verified);
          if (verified) await readBack(record, session, `verify ${pass}/${plan.length}: ${kind}`);
        } finally {
          await session.close();
        }
      }
    }
    if (verifications > 0 && verificationsDone === verifications) verification = 'passed';
    // Every pass ran to its end around the bad sectors: the drive is still not sanitized.
    if (ranges.unwritten.length > 0 || ranges.unverified.length > 0) throw incomplete(target.path, ranges);

    throwIfCancelled(signal, target.path);
    report('format', jobTotal);
    ({ fatType: fileSystem } = await (options.formatter ?? formatTarget)(target, { label: options.label ?? DEFAULT_LABEL }));
    formatted = true;
    report('format', jobTotal, true);
    // The last progress event goes out before the result (the 4 Hz ceiling may hold it back a moment).
    await reporter?.settle();
    return finish('sanitized', null);
  } catch (error) {
    const typed = toPanoramaUsbError(error);
    if (typed.outcome === 'cancelled') {
      noteError(errors, typed.message);
      return finish('cancelled', typed);
    }
    errors.failed += 1;
    noteError(errors, typed.message);
    return finish('failed', typed);
  }

  function finish(outcome: WipeResult['outcome'], error: PanoramaUsbError | null): WipeResult {
    const ended = new Date();
    const everyPassDone = plan.length > 0 && passes.length === plan.length && passes.every((record) => record.bytes === target.size);
    // NIST SP 800-88 Rev.2 Clear: every addressable byte overwritten and read back. An unverified
    // overwrite is not claimed as Clear (the certificate says "None" for it too).
    const uncovered = ranges.unwritten.length > 0 || ranges.unverified.length > 0;
    const cleared = outcome !== 'cancelled' && method !== 'quick' && everyPassDone && verification === 'passed' && !uncovered;
    // Bytes never compared: a verification that found no difference still did not pass.
    const verified = uncovered && (verification === 'passed' || ranges.unverified.length > 0) && verification !== 'failed' ? 'incomplete' : verification;
    return {
      target: target.path,
      method,
      verify,
      outcome,
      passes,
      startedAt: started.toISOString(),
      endedAt: ended.toISOString(),
      durationSeconds: (ended.getTime() - started.getTime()) / 1000,
      bytesWritten,
      bytesVerified,
      throughputBytesPerSecond: writeSeconds > 0 ? Math.round(bytesWritten / writeSeconds) : 0,
      errors,
      verification: verified,
      mismatchAt,
      unwrittenRanges: ranges.unwritten,
      unverifiedRanges: ranges.unverified,
      nistLevel: cleared ? 'Clear' : 'none',
      formatted,
      ...(fileSystem === null ? {} : { fileSystem }),
      error: error === null ? null : { code: error.code, message: error.message },
    };
  }
}

