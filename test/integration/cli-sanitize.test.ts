/**
 * `sanitize` as a user runs it: several drives at once, certificates written and readable with
 * pdftotext, and a refusal for any one drive leaving every drive untouched. Secrets left on an
 * image are counted by a streaming scan and by `grep -c -a -z` (test/support/markers), never by
 * a tool that would hold a zeroed image as one line of a gigabyte.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../main/core/disk';
import { EXIT_CODES } from '../../main/core/errors';
import { parseSingleJson, runBin } from '../support/cli';
import { fileSha256, imageDir, MiB, sparseImage } from '../support/images';
import { countMarkers, grepRecordsWith } from '../support/markers';
import { mtools, mtoolsImage } from '../support/tools';

const { dir, cleanup } = imageDir('cli-sanitize');
afterAll(cleanup);

/**
 * Every drive these tests sanitize: an old 256 MB stick (sanitize takes drives of any size that can
 * be reformatted). Sparse, so only what a test writes takes space; the wipe test's time is ~2 × SIZE
 * of writes and reads.
 */
const SIZE = 256 * MiB;
/** Refused as TARGET_TOO_SMALL whatever the smallest drive sanitize accepts: no FAT32 volume fits in it. */
const TOO_SMALL = MiB;

const SECRET = 'SECRET-KEY-MATERIAL';

/** Secrets left on the image: a streaming scan, cross-checked by grep's NUL-separated records. */
function secretsLeft(image: string): { scanned: number; grepRecords: number } {
  return { scanned: countMarkers(image, SECRET), grepRecords: grepRecordsWith(image, SECRET) };
}

function withSecret(name: string): string {
  const image = sparseImage(dir, name, SIZE);
  writeFileSync(image, Buffer.from(`${SECRET} `.repeat(100)), { flag: 'r+' });
  return image;
}

// Every test reads whole SIZE images (hashes, scans): well under a second of it a test here (1100 MiB
// images took 2 to 5 s, up to 11 s with the machine busy); 60 s leaves room for a machine far slower.
describe('panorama-usb sanitize', { timeout: 60_000 }, () => {
  // Two SIZE zero passes, verified, at once, then scans: disk-bound (with 1100 MiB images it took
  // 3.5 to 7 s here, 10 s with the machine busy); 120 s leaves room for a disk many times slower.
  it('wipes two drives in parallel, reformats them and writes a certificate for each', { timeout: 120_000 }, () => {
    const images = [withSecret('a.img'), withSecret('b.img')];
    const certificates = path.join(dir, 'certificates');
    mkdirSync(certificates);
    const run = runBin(['sanitize', ...images, '--method', 'zero', '--verify', 'last', '--certificate', certificates, '--yes', '--json']);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const doc = parseSingleJson(run.stdout) as { results: { target: string; outcome: string; nistLevel: string; verification: string }[]; certificates: { pdfPath: string; jsonPath: string; sha256: string }[] };
    expect(doc.results.map((result) => [result.outcome, result.nistLevel, result.verification])).toEqual([
      ['sanitized', 'Clear', 'passed'],
      ['sanitized', 'Clear', 'passed'],
    ]);
    for (const image of images) {
      expect(secretsLeft(image)).toEqual({ scanned: 0, grepRecords: 0 });
      expect(mtools('mlabel', ['-s', '-i', mtoolsImage(image, MiB), '::']).trim()).toBe('Volume label is PANORAMA');
    }
    expect(doc.certificates).toHaveLength(2);
    for (const certificate of doc.certificates) {
      expect(sha256(readFileSync(certificate.jsonPath))).toBe(certificate.sha256);
      const text = execFileSync('pdftotext', ['-layout', certificate.pdfPath, '-'], { encoding: 'utf8' });
      expect(text).toContain('Certificate of Sanitization');
      expect(text).toContain('Clear');
      expect(text.replace(/\s+/g, '')).toContain(certificate.sha256);
    }
  });

  it('refuses the whole command when one drive is refused, touching none', async () => {
    const good = withSecret('good.img');
    const small = sparseImage(dir, 'small.img', TOO_SMALL);
    const before = [await fileSha256(good), await fileSha256(small)];
    // The scans can fail: they find the secret on the drive that is about to be refused.
    expect(secretsLeft(good)).toEqual({ scanned: 100, grepRecords: 1 });
    const run = runBin(['sanitize', good, small, '--method', 'zero', '--yes', '--json']);
    expect(run.status).toBe(2);
    expect(parseSingleJson(run.stdout)).toMatchObject({ ok: false, error: { code: 'TARGET_TOO_SMALL' } });
    expect([await fileSha256(good), await fileSha256(small)]).toEqual(before);
  });

  it('refuses a certificate folder that does not exist before any drive is touched', async () => {
    const image = withSecret('no-certificate-folder.img');
    const before = await fileSha256(image);
    const run = runBin(['sanitize', image, '--method', 'quick', '--certificate', path.join(dir, 'no-such-folder'), '--yes', '--json']);
    expect(run.status).toBe(2);
    expect(parseSingleJson(run.stdout)).toMatchObject({ ok: false, error: { code: 'FOLDER_NOT_FOUND', nextStep: expect.stringContaining('Create it') as unknown } });
    expect(await fileSha256(image)).toBe(before);
  });

  it('a certificate folder that runs out of space: both drives are sanitized and reported, the certificates not written are named, nothing half-written is left', (context) => {
    const images = [withSecret('full-0.img'), withSecret('full-1.img')];
    const folder = path.join(dir, 'full-certificates');
    mkdirSync(folder);
    // One page of tmpfs (as root): a folder that passes the check but cannot hold a certificate's PDF.
    if (process.getuid?.() !== 0 || spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4096', 'tmpfs', folder]).status !== 0) {
      context.skip();
      return;
    }
    try {
      const run = runBin(['sanitize', ...images, '--method', 'quick', '--certificate', folder, '--yes', '--json']);
      expect(run.status).toBe(EXIT_CODES.failed);
      const doc = parseSingleJson(run.stdout) as { ok: boolean; error: { code: string; message: string; nextStep: string } };
      expect(doc).toMatchObject({ ok: false, error: { code: 'CERTIFICATE_NOT_WRITTEN' } });
      for (const image of images) {
        expect(doc.error.message).toContain(`${image}: sanitized`);
        expect(doc.error.message).toContain(`${image}: CERTIFICATE_WRITE_FAILED`);
        expect(mtools('mlabel', ['-s', '-i', mtoolsImage(image, MiB), '::']).trim()).toBe('Volume label is PANORAMA');
      }
      expect(doc.error.nextStep).toContain('sanitize the drives named again');
      expect(readdirSync(folder)).toEqual([]);
    } finally {
      spawnSync('umount', [folder]);
    }
  });

  it('asks for confirmation naming the drives', async () => {
    const image = withSecret('ask.img');
    const before = await fileSha256(image);
    const run = runBin(['sanitize', image, '--method', 'quick', '--json']);
    expect(parseSingleJson(run.stdout)).toMatchObject({ ok: false, error: { code: 'CONFIRMATION_REQUIRED', message: expect.stringContaining(image) as unknown } });
    expect(await fileSha256(image)).toBe(before);
  });
});
