/**
 * Building the certificate record from a wipe result. The NIST SP 800-88 level is decided here,
 * not taken on trust: "Clear" only when every planned pass overwrote the whole drive, the
 * verification ran and passed, and nothing failed; otherwise "None", with the reasons. Purge is
 * never claimed: overwriting cannot reach a flash drive's spare blocks.
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { PRODUCT } from '../../app';
import { refused } from '../../errors';
import { describeRange, rangeBytes, type ByteRange } from '../wipe/ranges';
import { CERTIFICATE_SCHEMA, CERTIFICATE_SCHEMA_VERSION, WipeResultSchema, type CertificateInput, type CertificateRecord, type NistLevel, type WipeMethod, type WipeResultLike } from './types';

export const METHODS: Readonly<Record<WipeMethod, { label: string; description: string; passes: number }>> = {
  quick: { label: 'Quick', description: 'Destroys the partition tables and filesystem metadata only; file contents stay in the data area.', passes: 1 },
  zero: { label: 'Zeros, 1 pass', description: 'Overwrites every addressable block once with zeros.', passes: 1 },
  random: { label: 'Random, 1 pass', description: 'Overwrites every addressable block once with random data.', passes: 1 },
  'random-zero': { label: 'Random then zeros, 2 passes', description: 'Overwrites every addressable block with random data, then with zeros.', passes: 2 },
};

/** Printed on every certificate; each line is a sentence of its own, so a layout never separates a claim from its negation. */
export const FLASH_NOTE_LINES = [
  'Flash media (USB sticks, SD cards) cannot be Purged by overwriting.',
  'Wear levelling keeps spare and remapped blocks out of reach of any write from the computer.',
  'This tool never claims Purge.',
] as const;

export const FLASH_NOTE = FLASH_NOTE_LINES.join(' ');

function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

function nonEmpty(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return trimmed === '' ? null : trimmed;
}

function seconds(from: string, to: string): number {
  return Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000);
}

/**
 * The level reached, and when it is None, why (in words that never name a level). Clear needs
 * the whole overwrite, verified: verification is part of sanitization in NIST SP 800-88, so an
 * unverified wipe gets None here even when the wipe engine counts it. A wipe that overwrote and
 * verified everything and then failed to format the drive still reached Clear (the engine says
 * so too); a cancelled one never does. The level is never higher than the engine reports.
 */
export function nistLevelFor(wipe: WipeResultLike, driveSize: number | null): { level: NistLevel; reasons: string[] } {
  const planned = METHODS[wipe.method].passes;
  const short = driveSize === null ? [] : wipe.passes.filter((pass) => pass.bytes < driveSize);
  const overwritten = wipe.method !== 'quick' && wipe.passes.length >= planned && short.length === 0 && wipe.passes.every((pass) => pass.bytes > 0);
  const checked = wipe.verify === 'all' ? wipe.passes : wipe.passes.slice(-1);
  const verified = wipe.verify !== 'off' && wipe.verification === 'passed' && checked.every((pass) => pass.verified === true) && wipe.passes.every((pass) => pass.verified !== false);
  const uncovered = wipe.unwrittenRanges.length > 0 || wipe.unverifiedRanges.length > 0;
  if (overwritten && verified && !uncovered && wipe.outcome !== 'cancelled' && wipe.nistLevel === 'Clear') return { level: 'Clear', reasons: [] };

  const reasons: string[] = [];
  if (wipe.outcome !== 'sanitized') reasons.push(`The wipe did not complete (outcome: ${wipe.outcome}).`);
  if (wipe.error !== null) reasons.push(`The wipe reported an error: ${wipe.error.code}.`);
  if (wipe.method === 'quick') reasons.push('A quick wipe does not overwrite every block of the drive.');
  else if (wipe.passes.length < planned) reasons.push(`Only ${wipe.passes.length} of ${planned} pass${planned === 1 ? '' : 'es'} ran.`);
  if (wipe.method !== 'quick') for (const pass of short) reasons.push(`Pass ${pass.pass} wrote ${pass.bytes} of the drive's ${driveSize ?? 0} bytes.`);
  if (wipe.unwrittenRanges.length > 0) reasons.push(`${rangesSentence(wipe.unwrittenRanges)} could not be overwritten (every range is listed).`);
  if (wipe.unverifiedRanges.length > 0) reasons.push(`${rangesSentence(wipe.unverifiedRanges)} could not be read back to verify (every range is listed).`);
  if (wipe.verify === 'off' || wipe.verification === 'not-run') reasons.push('The overwrite was not verified.');
  else if (wipe.verification === 'incomplete') reasons.push('Verification is incomplete: not every byte was read back and compared.');
  else if (wipe.verification === 'failed') reasons.push(wipe.mismatchAt === null ? 'Verification failed.' : `Verification failed: the drive differs from what was written at byte ${wipe.mismatchAt}.`);
  else if (!verified) reasons.push(`Not every pass that should have been verified (${wipe.verify}) was verified.`);
  if (wipe.errors.failed > 0) reasons.push(`${wipe.errors.failed} error${wipe.errors.failed === 1 ? '' : 's'} stopped the wipe.`);
  if (reasons.length === 0) reasons.push('The wipe engine did not report the level as reached.');
  return { level: 'None', reasons };
}

function rangesSentence(list: readonly ByteRange[]): string {
  const bytes = rangeBytes(list);
  return `${bytes.toLocaleString('en-US')} byte${bytes === 1 ? '' : 's'} in ${list.length} place${list.length === 1 ? '' : 's'} (first: ${describeRange(list[0] ?? { start: 0, end: 0 })})`;
}

/** The plain sentence every certificate carries, so nobody has to read a level to know. */
export function sanitizationStatement(level: NistLevel): string {
  return level === 'Clear' ? 'This drive was sanitized: NIST SP 800-88 Rev.2 Clear.' : 'This drive was NOT sanitized.';
}

/** Builds the record; refuses a wipe result that does not have the expected shape. */
export function buildCertificateRecord(input: CertificateInput): CertificateRecord {
  const parsed = WipeResultSchema.safeParse(input.wipe);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? '' : ` (${issue.path.join('.') || 'result'}: ${issue.message})`;
    throw refused('INVALID_WIPE_RESULT', `The wipe result cannot be certified: it is not a complete wipe result${where}.`, 'Certify the result exactly as the wipe produced it.');
  }
  const wipe = input.wipe;
  const env = input.env ?? process.env;
  const { level, reasons } = nistLevelFor(wipe, input.drive.size);
  const method = METHODS[wipe.method];
  return {
    schema: CERTIFICATE_SCHEMA,
    schemaVersion: CERTIFICATE_SCHEMA_VERSION,
    id: input.id ?? randomUUID(),
    issuedAt: (input.issuedAt ?? new Date()).toISOString(),
    organisation: input.organisation === undefined ? nonEmpty(env.PANORAMA_USB_ORGANISATION) : nonEmpty(input.organisation),
    technician: nonEmpty(input.technician) ?? nonEmpty(env.PANORAMA_USB_TECHNICIAN) ?? userName(),
    witness: nonEmpty(input.witness),
    tool: input.tool ?? { name: PRODUCT.name, version: PRODUCT.version },
    host: { name: input.hostName ?? os.hostname(), platform: `${process.platform} ${os.release()}` },
    drive: {
      path: input.drive.path,
      ...(input.drive.displayName === undefined ? {} : { name: input.drive.displayName }),
      description: input.drive.description,
      vendor: nonEmpty(input.drive.vendor),
      model: nonEmpty(input.drive.model),
      serial: nonEmpty(input.drive.serial),
      bus: nonEmpty(input.drive.bus),
      sizeBytes: input.drive.size,
    },
    target: wipe.target,
    method: { id: wipe.method, label: method.label, description: method.description, passCount: wipe.passes.length },
    passes: wipe.passes.map((pass) => ({
      pass: pass.pass,
      pattern: pass.pattern,
      bytes: pass.bytes,
      startedAt: pass.startedAt,
      endedAt: pass.endedAt,
      durationSeconds: seconds(pass.startedAt, pass.endedAt),
      bytesPerSecond: pass.bytesPerSecond,
      verified: pass.verified,
    })),
    verification: { mode: wipe.verify, result: wipe.verification, bytesVerified: wipe.bytesVerified, mismatchAt: wipe.mismatchAt },
    unwrittenRanges: wipe.unwrittenRanges.map((range) => ({ ...range })),
    unverifiedRanges: wipe.unverifiedRanges.map((range) => ({ ...range })),
    timing: {
      startedAt: wipe.startedAt,
      endedAt: wipe.endedAt,
      durationSeconds: wipe.durationSeconds,
      bytesWritten: wipe.bytesWritten,
      throughputBytesPerSecond: wipe.throughputBytesPerSecond,
    },
    errors: { retried: wipe.errors.retried, failed: wipe.errors.failed, messages: wipe.errors.messages.slice(0, 20) },
    outcome: wipe.outcome,
    formatted: wipe.formatted,
    ...(wipe.formatted && wipe.fileSystem !== undefined ? { fileSystem: wipe.fileSystem } : {}),
    error: wipe.error,
    sanitization: { standard: 'NIST SP 800-88 Rev.2', level, reasons, statement: sanitizationStatement(level), note: FLASH_NOTE },
  };
}
