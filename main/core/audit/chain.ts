/**
 * The hash chain, as pure functions over text: how an entry is hashed, how a line is parsed,
 * and how a whole log is checked. Each entry's hash covers its predecessor's hash, so editing,
 * removing or reordering any line breaks every link from there on.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES, GENESIS_HASH, type AuditEntry, type AuditVerification } from './types';

const HEX64 = /^[0-9a-f]{64}$/;

/** Strict: an extra field would not be covered by the hash the writer computed, so it is tampering. */
const EntrySchema: z.ZodType<AuditEntry> = z.strictObject({
  seq: z.number().int().positive(),
  time: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not a date'),
  action: z.enum(AUDIT_ACTIONS),
  outcome: z.enum(AUDIT_OUTCOMES),
  subject: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  prevHash: z.string().regex(HEX64),
  hash: z.string().regex(HEX64),
});

/**
 * Compact JSON with keys sorted at every level: the same entry always hashes the same, whatever
 * order its fields were built in. Entries hold only flat records of JSON primitives.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const record = value as Record<string, unknown>;
  const fields = Object.keys(record)
    .sort()
    .filter((key) => record[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
  return `{${fields.join(',')}}`;
}

export function hashEntry(entry: Omit<AuditEntry, 'hash'>): string {
  const { seq, time, action, outcome, subject, prevHash } = entry;
  return createHash('sha256').update(canonicalJson({ seq, time, action, outcome, subject, prevHash }), 'utf8').digest('hex');
}

/** One line of the file, in a fixed field order so the file reads the same way top to bottom. */
export function formatLine(entry: AuditEntry): string {
  const { seq, time, action, outcome, subject, prevHash, hash } = entry;
  return `${JSON.stringify({ seq, time, action, outcome, subject, prevHash, hash })}\n`;
}

/** The entry on one line, or why it is not one (not JSON, wrong shape). */
export function parseLine(line: string): { entry: AuditEntry } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { problem: 'is not JSON' };
  }
  const parsed = EntrySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? '' : issue.path.join('.');
    return { problem: `is not an audit entry${where === '' ? '' : ` (at "${where}")`}` };
  }
  return { entry: parsed.data };
}

export interface ChainResult {
  verification: AuditVerification;
  /** The entries that verified, in order (all of them when the chain is intact). */
  entries: AuditEntry[];
}

function broken(entries: AuditEntry[], line: number, reason: string): ChainResult {
  return { verification: { ok: false, entries: entries.length, brokenAt: line, reason: `line ${line} ${reason}` }, entries };
}

/** Checks a whole log: every line parses, seq counts 1, 2, 3…, each prevHash links to the line before, each hash matches. */
export function verifyText(text: string): ChainResult {
  const entries: AuditEntry[] = [];
  if (text === '') return { verification: { ok: true, entries: 0, brokenAt: null, reason: null }, entries };
  const lines = text.split('\n');
  // A complete log ends with a newline, so the last piece is empty; anything else was cut short.
  const last = lines.pop() ?? '';
  let prevHash = GENESIS_HASH;
  for (const [index, line] of lines.entries()) {
    const number = index + 1;
    const parsed = parseLine(line);
    if ('problem' in parsed) return broken(entries, number, line.trim() === '' ? 'is empty' : parsed.problem);
    const { entry } = parsed;
    if (entry.seq !== number) return broken(entries, number, `holds seq ${entry.seq} where ${number} was expected (a line was removed, added or moved)`);
    if (entry.prevHash !== prevHash) return broken(entries, number, 'does not link to the line before it (prevHash differs)');
    if (hashEntry(entry) !== entry.hash) return broken(entries, number, 'was edited (its hash does not match its content)');
    entries.push(entry);
    prevHash = entry.hash;
  }
  if (last !== '') return broken(entries, lines.length + 1, 'is truncated (the file does not end with a complete line)');
  return { verification: { ok: true, entries: entries.length, brokenAt: null, reason: null }, entries };
}
