/**
 * The audit trail: an append-only, hash-chained log of what the tool did (inspect, write,
 * provision, shred, sanitize…), with ids, paths and hashes but never a secret.
 */
export { AUDIT_FILE_NAME, AuditLog } from './log';
export { canonicalJson, hashEntry, verifyText } from './chain';
export { checkSubject, isSecretKeyName, looksLikeKeyMaterial, MAX_VALUE_LENGTH } from './guard';
export {
  AUDIT_ACTIONS,
  AUDIT_OUTCOMES,
  GENESIS_HASH,
  type AuditAction,
  type AuditEntry,
  type AuditExport,
  type AuditOutcome,
  type AuditSubject,
  type AuditVerification,
} from './types';
