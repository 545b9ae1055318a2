/**
 * The journal names hashes, ids and paths; the archive's certificate and key never belong in it.
 * Any string anywhere in what is written that looks like key material refuses the whole write.
 */
import { looksLikeKeyMaterial } from '../audit';
import { refused } from '../errors';

/** The dotted path of the first string that looks like key material, or null. */
function findKeyMaterial(value: unknown, where: string): string | null {
  if (typeof value === 'string') return looksLikeKeyMaterial(value) ? where : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findKeyMaterial(item, `${where}[${index}]`);
      if (found !== null) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const found = findKeyMaterial(item, where === '' ? key : `${where}.${key}`);
      if (found !== null) return found;
    }
  }
  return null;
}

/** Throws JOURNAL_SECRET_REFUSED naming the field (never its value). */
export function refuseKeyMaterial(value: unknown): void {
  const found = findKeyMaterial(value, '');
  if (found !== null) {
    throw refused('JOURNAL_SECRET_REFUSED', `The journal field "${found}" looks like key material; nothing was written.`, 'Record a hash, an id or a path instead of the secret.');
  }
}
