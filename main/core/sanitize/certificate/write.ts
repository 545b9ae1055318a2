/**
 * Writing a certificate: the canonical JSON record and its PDF, side by side, under names that
 * say which drive, when, and which record (sanitization-<drive>-<date>-<id8>). Existing files
 * are never replaced: both names are checked before either is written, each is created
 * exclusively, and a half-written pair is removed.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, lstat, open, unlink } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, failed, PanoramaUsbError, refused } from '../../errors';
import { pathExists } from '../../files';
import { canonicalJson } from './canonical';
import { renderCertificatePdf } from './pdf';
import type { CertificateRecord } from './types';

export interface WrittenCertificate {
  jsonPath: string;
  pdfPath: string;
  /** SHA-256 of the JSON file's bytes, as printed on the PDF. */
  sha256: string;
}

/** "sanitization-sdb-2026-05-31-1a2b3c4d" for /dev/sdb, issued on 31 May 2026, record 1a2b3c4d-…. */
export function certificateBaseName(record: CertificateRecord): string {
  const drive = path.basename(record.drive.path).replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'drive';
  const date = record.issuedAt.slice(0, 10);
  const id8 = record.id.replace(/[^A-Za-z0-9]/g, '').slice(0, 8).toLowerCase();
  return `sanitization-${drive}-${date}-${id8}`;
}

/** Creates `file` (never an existing one) with `data`; a file it created but could not fill (ENOSPC…) is removed. */
async function writeNew(file: string, data: Buffer | string): Promise<void> {
  const handle = await open(file, 'wx', 0o644);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    // Created exclusively just above: this file is ours to remove.
    await unlink(file).catch(() => undefined);
    throw error;
  }
  await handle.close();
}

/**
 * Refuses a certificate folder that is missing, not a folder or not writable; returns its
 * absolute path. Callers check it before any drive is touched: a wipe must not run only to find
 * that its certificate cannot be filed.
 */
export async function checkCertificateFolder(dir: string): Promise<string> {
  const folder = path.resolve(dir);
  const folderStats = await lstat(folder).catch(() => null);
  if (folderStats === null || !folderStats.isDirectory()) {
    throw refused('FOLDER_NOT_FOUND', `The certificate folder ${dir} does not exist${folderStats === null ? '' : ' as a folder'}.`, 'Create it first, or choose an existing folder.');
  }
  try {
    await access(folder, constants.W_OK);
  } catch {
    throw refused('FOLDER_NOT_WRITABLE', `The certificate folder ${dir} cannot be written to.`, 'Choose a folder you can write to, or change its permissions.');
  }
  return folder;
}

/** Writes `<base>.json` and `<base>.pdf` into dir; returns their paths and the JSON's SHA-256. */
export async function writeCertificate(record: CertificateRecord, dir: string): Promise<WrittenCertificate> {
  const folder = await checkCertificateFolder(dir);
  const base = certificateBaseName(record);
  const jsonPath = path.join(folder, `${base}.json`);
  const pdfPath = path.join(folder, `${base}.pdf`);
  for (const file of [jsonPath, pdfPath]) {
    if (await pathExists(file)) throw refused('CERTIFICATE_EXISTS', `${file} already exists: certificates are never overwritten.`, 'This record was already written; build a new record (it gets a new id) to write another certificate.');
  }

  const json = canonicalJson(record);
  const sha256 = createHash('sha256').update(json, 'utf8').digest('hex');
  const pdf = await renderCertificatePdf(record, sha256, path.basename(jsonPath));
  const written: string[] = [];
  try {
    await writeNew(jsonPath, json);
    written.push(jsonPath);
    await writeNew(pdfPath, pdf);
    written.push(pdfPath);
  } catch (error) {
    // Only what this call created is removed; a file that appeared meanwhile is left alone.
    for (const file of written) await unlink(file).catch(() => undefined);
    if (error instanceof PanoramaUsbError) throw error;
    const code = errnoCode(error);
    if (code === 'EEXIST') throw refused('CERTIFICATE_EXISTS', `A certificate named ${base} appeared while it was being written; nothing was kept.`, 'Try again.');
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw refused('FOLDER_NOT_WRITABLE', `${folder} cannot be written (${code}).`, 'Choose a folder you can write to.');
    throw failed('CERTIFICATE_WRITE_FAILED', `The certificate could not be written to ${folder} (${code ?? (error instanceof Error ? error.message : 'unknown error')}); nothing was kept.`, 'Check the disk, then try again.', error);
  }
  return { jsonPath, pdfPath, sha256 };
}
