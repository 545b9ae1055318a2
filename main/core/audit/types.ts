/**
 * The shapes of the audit log: what happened (action), how it ended (outcome), to what
 * (subject: a flat record of ids, paths, hashes, codes — never a secret), and the chain fields
 * that make an edit, a removal or a reordering detectable.
 */
export const AUDIT_ACTIONS = ['inspect', 'format', 'write', 'provision', 'registration', 'decommission', 'shred', 'scan', 'collect-logs', 'sanitize', 'eject', 'journal', 'training', 'check'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_OUTCOMES = ['succeeded', 'failed', 'cancelled', 'refused', 'info'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Flat on purpose: nested objects are where a whole certificate or key would slip in unnoticed. */
export type AuditSubject = Readonly<Record<string, string | number | boolean | null>>;

export interface AuditEntry {
  /** 1 for the first entry, then +1 per line: a removed or moved line shows as a gap. */
  seq: number;
  /** ISO 8601, UTC. */
  time: string;
  action: AuditAction;
  outcome: AuditOutcome;
  subject: AuditSubject;
  /** The previous entry's hash; GENESIS_HASH for the first. */
  prevHash: string;
  /** SHA-256 (hex) of the canonical JSON of every other field. */
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  /** Entries that verified, in order, before the first break (all of them when ok). */
  entries: number;
  /** 1-based line number of the first break; on an intact chain line n holds seq n, so it is also the seq expected there. */
  brokenAt: number | null;
  reason: string | null;
}

export interface AuditExport {
  path: string;
  entries: number;
  /** SHA-256 (hex) of the exported file's bytes: keep it elsewhere to anchor the copy. */
  sha256: string;
  verification: AuditVerification;
}

export const GENESIS_HASH = '0'.repeat(64);
