/**
 * `inspect`: everything a technician needs to know about an archive before writing it,
 * computed in memory only. The report holds names, sizes, hashes, the network configuration in
 * words and certificate validity — never key material or certificate bodies.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { refused } from '../errors';
import { summarizeContents, type CertificateSummary, type EntryKind } from './contents';
import { ARCHIVE_LIMITS } from './limits';
import { deviceNameFromArchiveName } from './name';
import type { NetworkSummary } from './network';
import { readZip } from './read-zip';

export interface ArchiveEntrySummary {
  name: string;
  size: number;
  compressedSize: number;
  kind: EntryKind;
}

export interface ArchiveReport {
  fileName: string;
  deviceName: string;
  size: number;
  sha256: string;
  entries: ArchiveEntrySummary[];
  network: NetworkSummary | null;
  certificates: CertificateSummary[];
  /** The provisioning (leaf) certificate's end of validity, for the wizard's countdown. */
  certificateExpiresAt: string | null;
  warnings: string[];
}

/** Inspects archive bytes that may never have touched the disk. The bytes are not modified. */
export async function inspectArchiveBytes(bytes: Buffer, fileName: string, now: Date = new Date()): Promise<ArchiveReport> {
  const deviceName = deviceNameFromArchiveName(fileName);
  if (bytes.length > ARCHIVE_LIMITS.maxArchiveBytes) {
    throw refused('ARCHIVE_TOO_LARGE', `${fileName} is ${bytes.length} bytes; a configuration archive is a few KiB (at most ${ARCHIVE_LIMITS.maxArchiveBytes} accepted).`, 'This is not a configuration archive: download it again from the console.');
  }
  const { entries, nonUtf8Names } = await readZip(bytes);
  try {
    const contents = summarizeContents(entries, now);
    const warnings = [...contents.warnings];
    if (nonUtf8Names.length > 0) warnings.push(`Entry names not stored as UTF-8 (shown approximately): ${nonUtf8Names.join(', ')}.`);
    const leaf = contents.certificates.find((certificate) => !certificate.isCertificateAuthority);
    return {
      fileName,
      deviceName,
      size: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      entries: entries.map((entry) => ({ name: entry.name, size: entry.size, compressedSize: entry.compressedSize, kind: contents.kinds.get(entry.name) ?? 'other' })),
      network: contents.network,
      certificates: contents.certificates,
      certificateExpiresAt: leaf?.validTo ?? null,
      warnings,
    };
  } finally {
    for (const entry of entries) entry.data.fill(0);
  }
}

/**
 * Reads an archive file into memory (refusing anything too large before reading it) and
 * inspects it. Returns the bytes too, for `write`: the caller zeroes them when done.
 */
export async function readArchiveFile(filePath: string): Promise<{ bytes: Buffer; fileName: string }> {
  const fileName = path.basename(filePath);
  let handle;
  try {
    handle = await open(filePath, 'r');
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    if (code === 'ENOENT') throw refused('ARCHIVE_NOT_FOUND', `${filePath} does not exist.`, 'Check the path of the archive you downloaded.');
    if (code === 'EISDIR') throw refused('NOT_A_FILE', `${filePath} is a folder, not an archive.`, 'Give the .zip file itself.');
    throw refused('ARCHIVE_UNREADABLE', `${filePath} cannot be read (${code || 'unknown error'}).`, 'Check its permissions.');
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw refused('NOT_A_FILE', `${filePath} is not a regular file.`, 'Give the .zip file itself.');
    if (stat.size > ARCHIVE_LIMITS.maxArchiveBytes) {
      throw refused('ARCHIVE_TOO_LARGE', `${fileName} is ${stat.size} bytes; a configuration archive is a few KiB (at most ${ARCHIVE_LIMITS.maxArchiveBytes} accepted).`, 'This is not a configuration archive: download it again from the console.');
    }
    const bytes = Buffer.alloc(stat.size);
    const { bytesRead } = await handle.read(bytes, 0, stat.size, 0);
    if (bytesRead !== stat.size) {
      bytes.fill(0);
      throw refused('ARCHIVE_UNREADABLE', `${filePath} changed while it was being read.`, 'Try again once the download has finished.');
    }
    return { bytes, fileName };
  } finally {
    await handle.close();
  }
}

export async function inspectArchiveFile(filePath: string, now: Date = new Date()): Promise<ArchiveReport> {
  // Name first: a wrongly named file is refused before its bytes are even read.
  deviceNameFromArchiveName(filePath);
  const { bytes, fileName } = await readArchiveFile(filePath);
  try {
    return await inspectArchiveBytes(bytes, fileName, now);
  } finally {
    bytes.fill(0);
  }
}
