/**
 * `sanitize` as a user runs it: several drives at once, certificates written and readable with
 * pdftotext, and a refusal for any one drive leaving every drive untouched.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256 } from '../../main/core/disk';
import { EXIT_CODES } from '../../main/core/errors';
import { parseSingleJson, runBin } from '../support/cli';
import { fileSha256, imageDir, MiB, sparseImage } from '../support/images';
import { mtools, mtoolsImage } from '../support/tools';

const { dir, cleanup } = imageDir('cli-sanitize');
afterAll(cleanup);

const SIZE = 1100 * MiB;

/** Lines of `file` holding `text`, counted by grep (the image never enters our memory). */
function countMatches(file: string, text: string): number {
  try {
    return Number(execFileSync('grep', ['-caF', text, file], { encoding: 'utf8' }).trim());
  } catch {
    return 0; // grep exits 1 when nothing matches
  }
}

function withSecret(name: string): string {
  const image = sparseImage(dir, name, SIZE);
  writeFileSync(image, Buffer.from('SECRET-KEY-MATERIAL '.repeat(100)), { flag: 'r+' });
  return image;
}

describe('panorama-usb sanitize', () => {
  it('wipes two drives in parallel, reformats them and writes a certificate for each', () => {
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
      expect(countMatches(image, 'SECRET-KEY-MATERIAL')).toBe(0);
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
    const small = sparseImage(dir, 'small.img', 256 * MiB);
    expect(countMatches(good, 'SECRET-KEY-MATERIAL')).toBe(1);
    const before = [await fileSha256(good), await fileSha256(small)];
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
