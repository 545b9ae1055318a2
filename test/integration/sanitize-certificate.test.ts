/**
 * Certificates of sanitization: the JSON record is canonical and its SHA-256 is printed on the
 * PDF; pdftotext (a tool nobody here wrote) finds every field on the page; a wipe that failed,
 * was cancelled or was not verified says "None" and never "Clear"; Purge is only ever denied.
 */
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCertificateRecord, canonicalJson, checkCertificateFolder, FLASH_NOTE_LINES, issueCertificates, writeCertificate, type CertificateDrive, type CertificateRecord, type WipeResultLike } from '../../main/core/sanitize/certificate';
import { imageDir } from '../support/images';
import { expectRefusal } from '../support/refusal';
import { mustRun, tool } from '../support/tools';

const { dir, cleanup } = imageDir('sanitize-certificate');
afterAll(cleanup);

const SIZE = 30_752_636_928;
const ID = '8d3f2c1a-5b6e-4f70-9a81-2c3d4e5f6a7b';

const DRIVE: CertificateDrive = {
  path: '/dev/sdb',
  description: 'SanDisk Ultra (USB)',
  vendor: 'SanDisk',
  model: 'Ultra USB 3.0',
  serial: '4C530001230518114393',
  bus: 'USB',
  size: SIZE,
};

function sampleWipe(overrides: Partial<WipeResultLike> = {}): WipeResultLike {
  return {
    target: '/dev/sdb',
    method: 'random-zero',
    verify: 'last',
    outcome: 'sanitized',
    passes: [
      { pass: 1, pattern: 'random', bytes: SIZE, startedAt: '2026-05-31T09:00:00.000Z', endedAt: '2026-05-31T09:10:15.000Z', bytesPerSecond: 50_004_288, verified: null },
      { pass: 2, pattern: 'zero', bytes: SIZE, startedAt: '2026-05-31T09:10:15.000Z', endedAt: '2026-05-31T09:19:30.000Z', bytesPerSecond: 55_410_157, verified: true },
    ],
    startedAt: '2026-05-31T09:00:00.000Z',
    endedAt: '2026-05-31T09:25:42.000Z',
    durationSeconds: 1542,
    bytesWritten: 2 * SIZE,
    bytesVerified: SIZE,
    throughputBytesPerSecond: 52_598_000,
    errors: { retried: 2, failed: 0, messages: [] },
    verification: 'passed',
    mismatchAt: null,
    unwrittenRanges: [],
    unverifiedRanges: [],
    nistLevel: 'Clear',
    formatted: true,
    error: null,
    ...overrides,
  };
}

function record(wipe: WipeResultLike, extra: { id?: string } = {}): CertificateRecord {
  return buildCertificateRecord({
    wipe,
    drive: DRIVE,
    organisation: 'Example Logistics Ltd',
    technician: 'Dana Field',
    witness: 'Sam Witness',
    hostName: 'bench-01',
    id: extra.id ?? ID,
    issuedAt: new Date('2026-05-31T09:30:00.000Z'),
  });
}

function pdfText(pdfPath: string): string {
  return mustRun('pdftotext', ['-layout', pdfPath, '-']);
}

/** Text with runs of spaces collapsed, so checks do not depend on column layout. */
function squeezed(text: string): string {
  return text.replace(/[ \t]+/g, ' ');
}

function subfolder(name: string): string {
  const folder = path.join(dir, name);
  mustRun('mkdir', ['-p', folder]);
  return folder;
}

describe('certificate of sanitization', () => {
  it('writes a canonical JSON record and a PDF that carries every field and the record\'s SHA-256', async () => {
    const folder = subfolder('clear');
    const rec = record(sampleWipe());
    expect(rec.sanitization).toMatchObject({ standard: 'NIST SP 800-88 Rev.2', level: 'Clear', reasons: [] });
    const written = await writeCertificate(rec, folder);

    expect(path.basename(written.jsonPath)).toBe('sanitization-sdb-2026-05-31-8d3f2c1a.json');
    expect(path.basename(written.pdfPath)).toBe('sanitization-sdb-2026-05-31-8d3f2c1a.pdf');
    const jsonBytes = readFileSync(written.jsonPath);
    expect(written.sha256).toBe(createHash('sha256').update(jsonBytes).digest('hex'));
    // Canonical: sorted keys at every level, 2-space indent, a trailing newline; parsing and re-serializing changes nothing.
    const parsed = JSON.parse(jsonBytes.toString('utf8')) as CertificateRecord;
    expect(canonicalJson(parsed)).toBe(jsonBytes.toString('utf8'));
    expect(Object.keys(parsed)).toEqual([...Object.keys(parsed)].sort());
    expect(jsonBytes.toString('utf8')).toMatch(/^\{\n {2}"[a-z]/);
    expect(parsed).toMatchObject({ id: ID, schemaVersion: 1, technician: 'Dana Field', drive: { serial: DRIVE.serial, sizeBytes: SIZE } });

    expect(readFileSync(written.pdfPath).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const info = mustRun('pdfinfo', [written.pdfPath]);
    expect(info).toMatch(/Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
    expect(info).toMatch(/Title:\s+Certificate of Sanitization/);

    const text = pdfText(written.pdfPath);
    const flat = squeezed(text);
    for (const expected of [
      'Certificate of Sanitization',
      `SHA-256 of the JSON record: ${written.sha256}`,
      'Organisation: Example Logistics Ltd',
      'Technician: Dana Field',
      'Host: bench-01',
      'Model: Ultra USB 3.0',
      `Serial: ${DRIVE.serial}`,
      'Vendor: SanDisk',
      'Bus: USB',
      'Size: 30.8 GB (30,752,636,928 bytes)',
      'Path: /dev/sdb',
      'Method: Random then zeros, 2 passes (random-zero)',
      'Passes: 2',
      'Start: 2026-05-31 09:00:00 UTC',
      'End: 2026-05-31 09:25:42 UTC',
      'Duration: 25 min 42 s',
      'Bytes written: 61.5 GB (61,505,273,856 bytes)',
      'Throughput: 52.6 MB/s',
      'Verification mode: Last pass',
      'Verification result: PASSED',
      'Bytes verified: 30.8 GB (30,752,636,928 bytes)',
      'Outcome: SANITIZED',
      'NIST SP 800-88 Rev.2 level: Clear',
      'This drive was sanitized: NIST SP 800-88 Rev.2 Clear.',
      'Errors (retried/failed): 2/0',
      'Formatted afterwards: yes (FAT32)',
      'Witness: Sam Witness',
      ...FLASH_NOTE_LINES,
    ]) {
      expect(flat, expected).toContain(expected);
    }
    // The passes table: one row per pass, with its bytes, times, throughput and verification.
    expect(flat).toMatch(/1 random 30,752,636,928 2026-05-31 09:00:00 2026-05-31 09:10:15 50\.0 MB\/s not checked/);
    expect(flat).toMatch(/2 zero 30,752,636,928 2026-05-31 09:10:15 2026-05-31 09:19:30 55\.4 MB\/s yes/);
    for (const section of ['Organisation', 'Drive', 'Method', 'Verification', 'Result', 'Signatures']) {
      expect(text.split('\n').map((line) => line.trim())).toContain(section);
    }
    expect(text).toMatch(/Technician:.*Signature:.*Date:/);
    expect(text).toMatch(/Witness:.*Signature:.*Date:/);
    // "Purge" only ever appears denied.
    const purgeLines = text.split('\n').filter((line) => /purge/i.test(line));
    expect(purgeLines.length).toBeGreaterThan(0);
    for (const line of purgeLines) expect(line).toMatch(/cannot be Purged by overwriting|never claims Purge/);
    for (const line of JSON.stringify(parsed).match(/[^.]*Purge[^.]*/g) ?? []) expect(line).toMatch(/cannot be Purged by overwriting|never claims Purge/);
  });

  it.each([
    ['failed', sampleWipe({ outcome: 'failed', verification: 'failed', mismatchAt: 1_048_576, nistLevel: 'none', formatted: false, error: { code: 'VERIFY_MISMATCH', message: 'The drive differs from what was written.' } }), ['Outcome: FAILED', 'Verification result: FAILED', 'First mismatch at byte: 1,048,576', 'Error: VERIFY_MISMATCH']],
    ['cancelled', sampleWipe({ outcome: 'cancelled', passes: sampleWipe().passes.slice(0, 1), verification: 'not-run', nistLevel: 'none', formatted: false, error: { code: 'CANCELLED', message: 'Cancelled by the user.' } }), ['Outcome: CANCELLED', 'Verification result: NOT RUN', 'Only 1 of 2 passes ran.']],
    ['not verified', sampleWipe({ verify: 'off', verification: 'not-run', bytesVerified: 0, nistLevel: 'none' }), ['Verification mode: Off', 'The overwrite was not verified.']],
    ['a quick wipe', sampleWipe({ method: 'quick', passes: [{ pass: 1, pattern: 'quick', bytes: 2 * 1024 * 1024, startedAt: '2026-05-31T09:00:00.000Z', endedAt: '2026-05-31T09:00:01.000Z', bytesPerSecond: 2 * 1024 * 1024, verified: true }], nistLevel: 'none' }), ['A quick wipe does not overwrite every block of the drive.']],
    ['a short pass', sampleWipe({ passes: sampleWipe().passes.map((pass) => ({ ...pass, bytes: SIZE - 512 })), nistLevel: 'none' }), ['Pass 1 wrote 30752636416 of the drive\'s 30752636928 bytes.']],
    [
      'had sectors it could not write',
      sampleWipe({ outcome: 'failed', verification: 'incomplete', unwrittenRanges: [{ start: 41_943_040, end: 42_008_576 }], nistLevel: 'none', formatted: false, error: { code: 'WIPE_INCOMPLETE', message: '/dev/sdb has bad sectors.' } }),
      ['This drive was NOT sanitized.', 'Bad sectors: ranges not sanitized', 'not written 41,943,040 42,008,575', 'Verification result: INCOMPLETE', '65,536 bytes in 1 place (first: bytes 41943040-42008575 (64 KiB)) could not be'],
    ],
    [
      'could not read every byte back',
      // Even a result that claims Clear is not believed when a range was not read back.
      sampleWipe({ verification: 'incomplete', unverifiedRanges: [{ start: 4096, end: 8192 }, { start: 1_000_000_000, end: 1_000_065_536 }] }),
      ['This drive was NOT sanitized.', 'not read back 4,096 8,191', 'not read back 1,000,000,000 1,000,065,535', 'Verification is incomplete: not every byte was read back and compared.'],
    ],
  ])('says None and never Clear when the wipe %s', async (name, wipe, expected) => {
    const folder = subfolder(name.replace(/\s+/g, '-'));
    const rec = record(wipe);
    expect(rec.sanitization.level).toBe('None');
    expect(rec.sanitization.reasons.length).toBeGreaterThan(0);
    const written = await writeCertificate(rec, folder);
    const text = pdfText(written.pdfPath);
    const flat = squeezed(text);
    expect(flat).toContain('NIST SP 800-88 Rev.2 level: None');
    for (const line of expected) expect(flat, line).toContain(line);
    expect(text).not.toMatch(/\bclear\b/i);
    expect(readFileSync(written.jsonPath, 'utf8')).not.toMatch(/"Clear"/);
    for (const line of text.split('\n').filter((candidate) => /purge/i.test(candidate))) expect(line).toMatch(/cannot be Purged by overwriting|never claims Purge/);
  });

  it('does not take the wipe engine\'s word for the level: a result that claims Clear without verification gets None', () => {
    const rec = record(sampleWipe({ verify: 'off', verification: 'not-run', nistLevel: 'Clear' }));
    expect(rec.sanitization).toMatchObject({ level: 'None', reasons: ['The overwrite was not verified.'] });
  });

  it('keeps Clear when the verified overwrite finished but formatting afterwards failed, and says so', async () => {
    const wipe = sampleWipe({ outcome: 'failed', formatted: false, errors: { retried: 0, failed: 1, messages: ['format failed'] }, error: { code: 'FORMAT_FAILED', message: 'The new volume could not be written.' } });
    const rec = record(wipe, { id: '22222222-3333-4444-8555-666666666666' });
    expect(rec.sanitization).toMatchObject({ level: 'Clear', reasons: [] });
    const flat = squeezed(pdfText((await writeCertificate(rec, subfolder('format-failed'))).pdfPath));
    for (const line of ['Outcome: FAILED', 'NIST SP 800-88 Rev.2 level: Clear', 'Formatted afterwards: no', 'Error: FORMAT_FAILED: The new volume could not be written.', 'Errors (retried/failed): 0/1']) expect(flat, line).toContain(line);
  });

  it('never reports more than the wipe engine did, and never Clear for a cancelled wipe', () => {
    expect(record(sampleWipe({ nistLevel: 'none' })).sanitization).toMatchObject({ level: 'None', reasons: ['The wipe engine did not report the level as reached.'] });
    expect(record(sampleWipe({ outcome: 'cancelled', error: { code: 'CANCELLED', message: 'Cancelled.' } })).sanitization.level).toBe('None');
  });

  it('takes the organisation and technician from the environment, else the user name', () => {
    const fromEnv = buildCertificateRecord({ wipe: sampleWipe(), drive: DRIVE, env: { PANORAMA_USB_ORGANISATION: 'Env Org', PANORAMA_USB_TECHNICIAN: 'Env Tech' } });
    expect(fromEnv).toMatchObject({ organisation: 'Env Org', technician: 'Env Tech', witness: null, tool: { name: 'panorama-usb' } });
    expect(fromEnv.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const fallback = buildCertificateRecord({ wipe: sampleWipe(), drive: DRIVE, env: {} });
    expect(fallback.organisation).toBeNull();
    expect(fallback.technician.length).toBeGreaterThan(0);
    expect(fallback.id).not.toBe(fromEnv.id);
  });

  it('refuses a malformed wipe result', () => {
    const broken = { ...sampleWipe(), passes: [{ pass: 1 }] } as unknown as WipeResultLike;
    expect(() => buildCertificateRecord({ wipe: broken, drive: DRIVE })).toThrow(expect.objectContaining({ code: 'INVALID_WIPE_RESULT', outcome: 'refused' }) as Error);
  });

  it('never overwrites an existing certificate, and refuses a missing folder', async () => {
    const folder = subfolder('exists');
    const rec = record(sampleWipe());
    const first = await writeCertificate(rec, folder);
    const before = { json: readFileSync(first.jsonPath), pdf: readFileSync(first.pdfPath), mtime: statSync(first.pdfPath).mtimeMs };
    await expectRefusal(writeCertificate(rec, folder), { code: 'CERTIFICATE_EXISTS', outcome: 'refused' });
    expect({ json: readFileSync(first.jsonPath), pdf: readFileSync(first.pdfPath), mtime: statSync(first.pdfPath).mtimeMs }).toEqual(before);

    // Only the PDF is in the way: the JSON is not written either.
    const other = record(sampleWipe(), { id: '11111111-2222-4333-8444-555555555555' });
    const blocker = path.join(folder, 'sanitization-sdb-2026-05-31-11111111.pdf');
    writeFileSync(blocker, 'not mine');
    await expectRefusal(writeCertificate(other, folder), { code: 'CERTIFICATE_EXISTS' });
    expect(readFileSync(blocker, 'utf8')).toBe('not mine');
    expect(readdirSync(folder).sort()).toEqual([path.basename(first.jsonPath), path.basename(first.pdfPath), path.basename(blocker)].sort());

    await expectRefusal(writeCertificate(rec, path.join(dir, 'no-such-folder')), { code: 'FOLDER_NOT_FOUND', outcome: 'refused' });
  });

  it('a batch whose folder fills up after the first certificate: the first is written, the second gets its error, nothing is thrown or left half-written', async (context) => {
    // One certificate's size in pages, then a folder (a tmpfs, as root) with room for one and a half.
    const sized = subfolder('sized');
    const one = await writeCertificate(record(sampleWipe()), sized);
    const pages = [one.jsonPath, one.pdfPath].reduce((sum, file) => sum + Math.ceil(statSync(file).size / 4096), 0);
    expect(pages).toBeGreaterThanOrEqual(2);
    const small = subfolder('small-tmpfs');
    if (process.getuid?.() !== 0 || tool('mount', ['-t', 'tmpfs', '-o', `size=${(pages + Math.floor(pages / 2)) * 4096}`, 'tmpfs', small]).status !== 0) {
      context.skip();
      return;
    }
    try {
      const second = { ...DRIVE, path: '/dev/sdz', serial: 'SECOND' };
      const issues = await issueCertificates(
        [
          { wipe: sampleWipe(), drive: DRIVE },
          { wipe: sampleWipe({ target: '/dev/sdz' }), drive: second },
        ],
        small,
        { organisation: 'Example Field Services', technician: '' },
      );
      expect(issues.map((issue) => [issue.target, issue.certificate === null, issue.error?.code ?? null])).toEqual([
        [DRIVE.path, false, null],
        ['/dev/sdz', true, 'CERTIFICATE_WRITE_FAILED'],
      ]);
      expect(issues[1]?.error?.message).toMatch(/ENOSPC.*nothing was kept/);
      // Only the first pair is there: the second's JSON, written before its PDF failed, was removed.
      expect(readdirSync(small).sort()).toEqual([path.basename(issues[0]?.certificate?.jsonPath ?? ''), path.basename(issues[0]?.certificate?.pdfPath ?? '')].sort());
      expect(pdfText(issues[0]?.certificate?.pdfPath ?? '')).toContain('Example Field Services');
    } finally {
      mustRun('umount', [small]);
    }
  });

  it('checks a certificate folder before anything is done: missing, a file, not writable, or fine', async (context) => {
    const folder = path.join(dir, 'check-folder');
    mkdirSync(folder);
    expect(await checkCertificateFolder(path.relative(process.cwd(), folder))).toBe(folder);
    await expectRefusal(checkCertificateFolder(path.join(dir, 'not-there')), { code: 'FOLDER_NOT_FOUND', outcome: 'refused' }, 'not-there');
    const file = path.join(dir, 'a-file');
    writeFileSync(file, 'x');
    await expectRefusal(checkCertificateFolder(file), { code: 'FOLDER_NOT_FOUND', outcome: 'refused' }, 'as a folder');
    // Permission bits do not stop root; an immutable folder (chattr +i) stops everyone.
    const locked = path.join(dir, 'locked-folder');
    mkdirSync(locked);
    const asRoot = process.getuid?.() === 0;
    if (asRoot && tool('chattr', ['+i', locked]).status !== 0) {
      context.skip();
      return;
    }
    if (!asRoot) chmodSync(locked, 0o555);
    try {
      await expectRefusal(checkCertificateFolder(locked), { code: 'FOLDER_NOT_WRITABLE', outcome: 'refused' }, 'cannot be written');
    } finally {
      if (asRoot) tool('chattr', ['-i', locked]);
      else chmodSync(locked, 0o755);
    }
  });
});
