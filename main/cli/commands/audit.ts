/** `audit`: show, verify or export the hash-chained audit log. */
import { statSync } from 'node:fs';
import path from 'node:path';
import { defaultDataDir } from '../../core/app';
import { AuditLog, type AuditEntry, type AuditVerification } from '../../core/audit';
import { failed, refused } from '../../core/errors';
import type { CliRuntime, CommandOutcome } from '../runtime';

function dataDirFrom(options: Record<string, unknown>): string {
  const given = options['dataDir'];
  if (typeof given !== 'string') return defaultDataDir();
  const folder = path.resolve(given);
  // An explicit folder must exist: a typo would otherwise show an empty log that looks genuine.
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
    throw refused('FOLDER_NOT_FOUND', `The data folder ${folder} does not exist.`, 'Give the folder that holds audit.jsonl, or leave out --data-dir.');
  }
  return folder;
}

function describeEntry(entry: AuditEntry): string {
  const fields = Object.entries(entry.subject).map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return `${String(entry.seq).padStart(5)}  ${entry.time}  ${entry.action} ${entry.outcome}${fields.length === 0 ? '' : `  ${fields.join(' ')}`}`;
}

function describeVerification(file: string, verification: AuditVerification): string {
  return verification.ok
    ? `The audit log ${file} verifies: ${verification.entries} entr${verification.entries === 1 ? 'y' : 'ies'}, chain intact.`
    : `The audit log ${file} is broken: ${verification.reason ?? `at line ${verification.brokenAt ?? '?'}`}.`;
}

function chainBroken(file: string, verification: AuditVerification, exported: string | null): Error {
  return failed(
    'AUDIT_CHAIN_BROKEN',
    `${describeVerification(file, verification)} ${verification.entries} entr${verification.entries === 1 ? 'y verifies' : 'ies verify'} before it.${exported === null ? '' : ` The log was exported as it stands to ${exported}.`}`,
    'Keep the file as evidence and compare it with an earlier export; entries after the break cannot be trusted.',
  );
}

export async function auditCommand(_runtime: CliRuntime, _args: string[], options: Record<string, unknown>): Promise<CommandOutcome> {
  const log = AuditLog.open(dataDirFrom(options));
  const verify = options['verify'] === true;
  const destination = typeof options['export'] === 'string' ? options['export'] : null;

  if (destination !== null) {
    const exported = await log.export(destination);
    if (verify && !exported.verification.ok) throw chainBroken(log.path, exported.verification, exported.path);
    const text = [`Exported ${exported.entries} entr${exported.entries === 1 ? 'y' : 'ies'} to ${exported.path}.`, `SHA-256 ${exported.sha256} (keep it elsewhere: it proves later that nothing was cut from the end).`, describeVerification(log.path, exported.verification)];
    return { data: { log: log.path, export: exported }, text: text.join('\n') };
  }

  const verification = await log.verify();
  if (verify) {
    if (!verification.ok) throw chainBroken(log.path, verification, null);
    return { data: { log: log.path, verification }, text: describeVerification(log.path, verification) };
  }
  const entries = await log.read();
  const text = entries.length === 0 ? `The audit log ${log.path} has no entries yet.` : [...entries.map(describeEntry), describeVerification(log.path, verification)].join('\n');
  return { data: { log: log.path, entries, verification }, text };
}
