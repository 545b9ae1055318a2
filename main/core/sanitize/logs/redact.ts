/**
 * Redaction of key material from the appliance's logs before they leave the drive: PEM blocks
 * (whole, or cut short by a truncated log, with or without log prefixes on their lines), AWS
 * access keys and secret keys, and long base64 runs (a key or certificate logged without its
 * PEM markers, session tokens). Logs are handled as Latin-1 so every byte round-trips unchanged
 * except what is redacted; the patterns themselves are ASCII.
 */
export interface RedactionCounts {
  certificate: number;
  privateKey: number;
  /** Other PEM blocks (public keys, parameters). */
  pem: number;
  accessKey: number;
  secretKey: number;
  base64: number;
}

export interface Redacted {
  text: string;
  counts: RedactionCounts;
  total: number;
}

export const REDACTION_MARKS = {
  certificate: '[REDACTED CERTIFICATE]',
  privateKey: '[REDACTED PRIVATE KEY]',
  pem: '[REDACTED PEM BLOCK]',
  accessKey: '[REDACTED ACCESS KEY]',
  secretKey: '[REDACTED SECRET KEY]',
  base64: '[REDACTED BASE64]',
} as const;

/** Runs of base64 at least this long are redacted, wherever they are. */
export const MIN_BASE64_RUN = 200;

/** A complete PEM block; the body may span up to 64 KiB of lines with log prefixes. */
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]{1,64})-----[\s\S]{0,65536}?-----END \1-----/g;
/** A BEGIN marker whose END never came (the log was cut, or the labels differ). */
const PEM_BEGIN = /-----BEGIN ([A-Z0-9 ]{1,64})-----[^\n]*(?:\n|$)/g;
const PEM_END_LINE = /-----END [A-Z0-9 ]{1,64}-----[ \t\r]*$/;
/** The end of a PEM body line, perhaps after a log prefix: 16 base64 characters. */
const BASE64_TAIL = /^[A-Za-z0-9+/=]{16}$/;
const ACCESS_KEY = /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g;
const SECRET_KEY = /((?:aws_?secret_?access_?key|secret_?access_?key|secretkey)["']?\s*[:=]\s*["']?)[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/gi;
/** Consecutive whole lines of base64 (a PEM body without its markers). */
const BASE64_LINES = /(?:^[ \t]*[A-Za-z0-9+/=]{16,}[ \t\r]*(?:\n|$))+/gm;
const BASE64_RUN = new RegExp(`[A-Za-z0-9+/=_-]{${MIN_BASE64_RUN},}`, 'g');

function pemKind(label: string): 'certificate' | 'privateKey' | 'pem' {
  if (label.includes('PRIVATE KEY')) return 'privateKey';
  if (label.includes('CERTIFICATE')) return 'certificate';
  return 'pem';
}

/** Base64 mixes letters and digits; a ruler of "=====" or "-----" is not a secret. */
function looksEncoded(run: string): boolean {
  return /[0-9]/.test(run) && /[A-Za-z]/.test(run) && new Set(run).size > 8;
}

function base64Length(block: string): number {
  return block.replace(/[^A-Za-z0-9+/=]/g, '').length;
}

export function redactText(input: string): Redacted {
  const counts: RedactionCounts = { certificate: 0, privateKey: 0, pem: 0, accessKey: 0, secretKey: 0, base64: 0 };
  let text = input.replace(PEM_BLOCK, (_block, label: string) => {
    const kind = pemKind(label);
    counts[kind] += 1;
    return REDACTION_MARKS[kind];
  });

  text = cutUnterminatedPem(text, counts);

  text = text.replace(ACCESS_KEY, () => {
    counts.accessKey += 1;
    return REDACTION_MARKS.accessKey;
  });
  text = text.replace(SECRET_KEY, (_match, prefix: string) => {
    counts.secretKey += 1;
    return `${prefix}${REDACTION_MARKS.secretKey}`;
  });
  text = text.replace(BASE64_LINES, (block: string) => {
    if (base64Length(block) < MIN_BASE64_RUN || !looksEncoded(block)) return block;
    counts.base64 += 1;
    return block.endsWith('\n') ? `${REDACTION_MARKS.base64}\n` : REDACTION_MARKS.base64;
  });
  text = text.replace(BASE64_RUN, (run: string) => {
    if (!looksEncoded(run)) return run;
    counts.base64 += 1;
    return REDACTION_MARKS.base64;
  });
  const total = counts.certificate + counts.privateKey + counts.pem + counts.accessKey + counts.secretKey + counts.base64;
  return { text, counts, total };
}

/** Unterminated blocks: the marker, the rest of its line, and the base64 lines that follow it. */
function cutUnterminatedPem(text: string, counts: RedactionCounts): string {
  let result = '';
  let position = 0;
  PEM_BEGIN.lastIndex = 0;
  for (let match = PEM_BEGIN.exec(text); match !== null; match = PEM_BEGIN.exec(text)) {
    const marker = match[0];
    const kind = pemKind(match[1] ?? '');
    let end = match.index + marker.length;
    while (end < text.length) {
      const lineEnd = text.indexOf('\n', end);
      const line = text.slice(end, lineEnd === -1 ? text.length : lineEnd);
      // Only the line's last 16 characters are looked at: no pattern ever runs over a whole (maybe huge) line.
      if (!BASE64_TAIL.test(line.trimEnd().slice(-16))) {
        // An END marker with another label still closes the block.
        if (PEM_END_LINE.test(line.slice(-96))) end = lineEnd === -1 ? text.length : lineEnd + 1;
        break;
      }
      end = lineEnd === -1 ? text.length : lineEnd + 1;
    }
    counts[kind] += 1;
    const keepNewline = text[end - 1] === '\n';
    result += text.slice(position, match.index) + REDACTION_MARKS[kind] + (keepNewline ? '\n' : '');
    position = end;
    PEM_BEGIN.lastIndex = end;
  }
  return result + text.slice(position);
}

/** Redacts a log file's bytes; the caller zeroes the input when done (it may hold key material). */
export function redactLog(data: Buffer): { data: Buffer; counts: RedactionCounts; total: number } {
  const { text, counts, total } = redactText(data.toString('latin1'));
  return { data: Buffer.from(text, 'latin1'), counts, total };
}
