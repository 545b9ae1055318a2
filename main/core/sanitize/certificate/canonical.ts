/**
 * Canonical JSON for records that are hashed: keys sorted at every level, 2-space indent, one
 * trailing newline. The same record always serializes to the same bytes, so its SHA-256 (printed
 * on the PDF) identifies it.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function canonicalValue(value: unknown, where: string): Json {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    // NaN and Infinity have no JSON form; JSON.stringify would silently write null.
    if (!Number.isFinite(value)) throw new TypeError(`${where} is not a finite number`);
    return value;
  }
  if (Array.isArray(value)) return value.map((item, index) => canonicalValue(item, `${where}[${index}]`));
  if (typeof value === 'object') {
    const result: { [key: string]: Json } = {};
    for (const key of Object.keys(value).sort()) {
      const item: unknown = (value as Record<string, unknown>)[key];
      if (item !== undefined) result[key] = canonicalValue(item, `${where}.${key}`);
    }
    return result;
  }
  throw new TypeError(`${where} cannot be written as JSON (${typeof value})`);
}

export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(canonicalValue(value, 'record'), null, 2)}\n`;
}
