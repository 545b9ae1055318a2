/**
 * The audit entries an action leaves, built in one place so the wizard and the command line
 * write the same entry for the same action: ids, paths, hashes and outcomes — never a secret.
 */
import type { AuditOutcome, AuditSubject } from '../audit';

interface DriveLike {
  path: string;
  model: string | null;
  serial: string | null;
  size: number | null;
}

/** A write of the archive `file` (its base name) to `drive`; the result's hash is added when it succeeded. */
export function writeSubject(file: string, drive: DriveLike): AuditSubject {
  return { file, drive: drive.path, model: drive.model, serial: drive.serial, size: drive.size };
}

interface SanitizedDriveLike {
  target: string;
  outcome: 'sanitized' | 'failed' | 'cancelled';
  method: string;
  nistLevel: string;
  verification: string;
}

/**
 * One drive's sanitization: its outcome for the audit log, and what it reached. A certificate that
 * could not be written is `recordError` (a field named after certificates would be refused as key material).
 */
export function sanitizeSubject(row: SanitizedDriveLike, certificate: { sha256: string } | null, certificateError: { code: string } | null): { outcome: AuditOutcome; subject: AuditSubject } {
  return {
    outcome: row.outcome === 'sanitized' ? 'succeeded' : row.outcome,
    subject: { drive: row.target, method: row.method, nistLevel: row.nistLevel, verification: row.verification, recordSha256: certificate?.sha256 ?? null, ...(certificateError === null ? {} : { recordError: certificateError.code }) },
  };
}

/** One file's shred. */
export function shredSubject(filePath: string, status: 'shredded' | 'refused' | 'failed', guaranteed: boolean): { outcome: AuditOutcome; subject: AuditSubject } {
  return { outcome: status === 'shredded' ? 'succeeded' : status, subject: { path: filePath, guaranteed } };
}
