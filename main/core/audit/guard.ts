/**
 * The secret is sacred: the audit log (and the journal) may name a certificate's hash, never
 * the certificate. Anything that looks like key material is refused before a byte is written,
 * and the refusal names the field, never its value.
 */
import { refused } from '../errors';
import type { AuditSubject } from './types';

/** Longer than any path, id or hash we log; a blob this long is more likely a key or a certificate. */
export const MAX_VALUE_LENGTH = 4096;
const MAX_KEYS = 64;
const KEY_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** Field names that only key material goes by (compared without case, "-", "_" or "."). */
const SECRET_KEY_WORDS = ['privatekey', 'certificate', 'pem', 'secret', 'password', 'passphrase', 'token', 'credential', 'accesskey'];

/**
 * PEM armour anywhere, or unarmoured DER in base64 (every certificate and PKCS#8 key starts
 * with a SEQUENCE whose base64 reads "MII…" or "MIG…"; even a P-256 key runs to 184 characters,
 * far longer than any run of path characters without a dot, dash or underscore).
 */
export function looksLikeKeyMaterial(text: string): boolean {
  return text.includes('-----BEGIN') || text.length > MAX_VALUE_LENGTH || /MI[GI][A-Za-z0-9+/]{160}/.test(text);
}

export function isSecretKeyName(key: string): boolean {
  const normalized = key.toLowerCase().replace(/[-_.\s]/g, '');
  return SECRET_KEY_WORDS.some((word) => normalized.includes(word));
}

function checkValue(key: string, value: unknown): string | number | boolean | null {
  if (typeof value === 'string') {
    if (looksLikeKeyMaterial(value)) {
      throw refused('AUDIT_SECRET_REFUSED', `The value of the audit field "${key}" looks like key material; nothing was written.`, 'Log a hash, an id or a path instead of the secret.');
    }
    return value;
  }
  if (typeof value === 'number') {
    // JSON has no NaN or Infinity: they would be written as null and break the hash on reading.
    if (!Number.isFinite(value)) throw refused('AUDIT_SUBJECT_INVALID', `The audit field "${key}" is not a finite number.`);
    return value;
  }
  if (value === null || typeof value === 'boolean') return value;
  throw refused('AUDIT_SUBJECT_INVALID', `The audit field "${key}" must be a string, a number, a boolean or null.`);
}

/** Throws AUDIT_SECRET_REFUSED or AUDIT_SUBJECT_INVALID; returns a plain copy that is safe to log. */
export function checkSubject(subject: unknown): AuditSubject {
  if (typeof subject !== 'object' || subject === null || Array.isArray(subject)) {
    throw refused('AUDIT_SUBJECT_INVALID', 'An audit subject must be a flat record of fields.');
  }
  const entries = Object.entries(subject as Record<string, unknown>);
  if (entries.length > MAX_KEYS) throw refused('AUDIT_SUBJECT_INVALID', `An audit subject may have at most ${MAX_KEYS} fields (got ${entries.length}).`);
  const copy: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of entries) {
    if (!KEY_PATTERN.test(key)) throw refused('AUDIT_SUBJECT_INVALID', `The audit field name ${JSON.stringify(key.slice(0, 64))} is not a plain identifier.`);
    if (isSecretKeyName(key)) {
      throw refused('AUDIT_SECRET_REFUSED', `The audit field "${key}" looks like key material; nothing was written.`, 'Log a hash, an id or a path instead of the secret.');
    }
    copy[key] = checkValue(key, value);
  }
  return copy;
}
