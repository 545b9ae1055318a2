/**
 * A strict, in-memory zip reader over yauzl. Nothing is extracted to disk. Every entry is
 * checked before a byte of it is inflated: names (absolute, "..", backslashes), symlinks,
 * encryption, duplicates, counts and declared sizes; yauzl then stops any entry that inflates
 * past its declared size (a zip bomb or a size lie), and we check each entry's CRC-32.
 */
import { crc32 } from 'node:zlib';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { refused } from '../errors';
import { ARCHIVE_LIMITS } from './limits';

export interface ZipEntryData {
  name: string;
  isDirectory: boolean;
  compressedSize: number;
  size: number;
  modified: Date;
  /** Inflated bytes (empty for folders). Secret: the caller zeroes them when done. */
  data: Buffer;
}

const UTF8_FLAG = 0x0800;
const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const MADE_BY_UNIX = 3;
const LOCAL_HEADER_SIGNATURE = 0x04034b50;

function decodeName(entry: Entry): { name: string; utf8: boolean } {
  const raw = entry.fileNameRaw;
  if ((entry.generalPurposeBitFlag & UTF8_FLAG) !== 0) {
    try {
      return { name: new TextDecoder('utf-8', { fatal: true }).decode(raw), utf8: true };
    } catch {
      throw refused('ARCHIVE_CORRUPT', 'An entry name in the archive is not valid UTF-8 although the archive says it is.', 'Download the archive again.');
    }
  }
  // Without the UTF-8 flag names are CP437; configuration archives only use ASCII, so anything
  // else is shown as Latin-1 (for display only) and flagged by the caller.
  return { name: raw.toString('latin1'), utf8: raw.every((byte) => byte < 0x80) };
}

/** Refuses unsafe entry names, each with its own code. */
export function checkEntryName(name: string): void {
  const shown = JSON.stringify(name);
  if (name.length === 0 || name.includes('\0')) {
    throw refused('ENTRY_NAME_INVALID', `The archive has an entry with an empty or invalid name (${shown}).`, 'Do not use this archive: download it again from the console.');
  }
  if (name.includes('\\')) {
    throw refused('ENTRY_NAME_BACKSLASH', `The archive has an entry whose name contains a backslash (${shown}).`, 'Do not use this archive: download it again from the console.');
  }
  if (name.startsWith('/') || /^[a-zA-Z]:/.test(name)) {
    throw refused('ENTRY_PATH_ABSOLUTE', `The archive has an entry with an absolute path (${shown}).`, 'Do not use this archive: download it again from the console.');
  }
  if (name.split('/').includes('..')) {
    throw refused('ENTRY_PATH_TRAVERSAL', `The archive has an entry that climbs out of its folder with ".." (${shown}).`, 'Do not use this archive: it may be crafted to overwrite files. Download it again from the console.');
  }
}

function isSymlink(entry: Entry): boolean {
  return entry.versionMadeBy >> 8 === MADE_BY_UNIX && ((entry.externalFileAttributes >>> 16) & S_IFMT) === S_IFLNK;
}

function openZip(buffer: Buffer): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, strictFileNames: false }, (error, zipfile) => {
      if (error !== null) {
        // A file that starts like a zip but has no end record was cut short; anything else is not a zip.
        const startsLikeZip = buffer.length >= 4 && buffer.readUInt32LE(0) === LOCAL_HEADER_SIGNATURE;
        reject(
          startsLikeZip
            ? refused('ARCHIVE_TRUNCATED', `The archive is truncated (${error.message}).`, 'The download was cut short: download it again from the console.')
            : refused('NOT_A_ZIP', `This file is not a zip archive (${error.message}).`, 'Choose the certificates-omni_<device-name>.zip file downloaded from the console.'),
        );
        return;
      }
      resolve(zipfile);
    });
  });
}

function corrupt(detail: string): Error {
  return refused('ARCHIVE_CORRUPT', `The archive is damaged: ${detail}.`, 'Download it again from the console.');
}

/**
 * Inflates one entry into a fresh buffer. Stored entries arrive as views of the source buffer,
 * which must never be modified; inflated chunks are our own and are zeroed once copied.
 */
function inflate(zipfile: ZipFile, entry: Entry, name: string, source: Buffer): Promise<Buffer> {
  const zeroOwnChunks = (chunks: readonly Buffer[]): void => {
    for (const chunk of chunks) if (chunk.buffer !== source.buffer) chunk.fill(0);
  };
  return new Promise((resolve, reject) => {
    zipfile.openReadStream(entry, (error, stream) => {
      if (error !== null) {
        reject(corrupt(`${JSON.stringify(name)} cannot be read (${error.message})`));
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', (streamError: Error) => {
        zeroOwnChunks(chunks);
        reject(
          /bytes in the stream|expected \d+/.test(streamError.message)
            ? refused('ENTRY_SIZE_MISMATCH', `${JSON.stringify(name)} inflates to a different size than the archive declares (${streamError.message}).`, 'Do not use this archive: its sizes lie, as zip bombs do. Download it again from the console.')
            : corrupt(`${JSON.stringify(name)} cannot be inflated (${streamError.message})`),
        );
      });
      stream.on('end', () => {
        // Always a copy, even for a single chunk, so the caller may zero it.
        const data = Buffer.alloc(chunks.reduce((total, chunk) => total + chunk.length, 0));
        let offset = 0;
        for (const chunk of chunks) {
          chunk.copy(data, offset);
          offset += chunk.length;
        }
        zeroOwnChunks(chunks);
        if ((crc32(data) >>> 0) !== (entry.crc32 >>> 0)) {
          data.fill(0);
          reject(corrupt(`the checksum (CRC-32) of ${JSON.stringify(name)} does not match`));
          return;
        }
        resolve(data);
      });
    });
  });
}

export interface ZipReadResult {
  entries: ZipEntryData[];
  /** Names stored without the UTF-8 flag and with non-ASCII bytes (shown approximately). */
  nonUtf8Names: string[];
}

/** Reads every entry of an in-memory zip, strictly. */
export async function readZip(buffer: Buffer): Promise<ZipReadResult> {
  const zipfile = await openZip(buffer);
  const entries: ZipEntryData[] = [];
  try {
    if (zipfile.entryCount > ARCHIVE_LIMITS.maxEntries) {
      throw refused('TOO_MANY_ENTRIES', `The archive lists ${zipfile.entryCount} entries; a configuration archive holds a handful (at most ${ARCHIVE_LIMITS.maxEntries} accepted).`, 'This is not a configuration archive: download it again from the console.');
    }
    const nonUtf8Names: string[] = [];
    const seen = new Set<string>();
    let declaredTotal = 0;
    for (;;) {
      const entry = await new Promise<Entry | null>((resolve, reject) => {
        const onEntry = (next: Entry): void => {
          zipfile.off('end', onEnd).off('error', onError);
          resolve(next);
        };
        const onEnd = (): void => {
          zipfile.off('entry', onEntry).off('error', onError);
          resolve(null);
        };
        const onError = (error: Error): void => {
          zipfile.off('entry', onEntry).off('end', onEnd);
          reject(corrupt(error.message));
        };
        zipfile.once('entry', onEntry).once('end', onEnd).once('error', onError);
        zipfile.readEntry();
      });
      if (entry === null) break;
      const { name, utf8 } = decodeName(entry);
      if (!utf8) nonUtf8Names.push(name);
      checkEntryName(name);
      if (isSymlink(entry)) {
        throw refused('ENTRY_SYMLINK', `The archive has a symbolic link (${JSON.stringify(name)}); configuration archives hold plain files.`, 'Do not use this archive: download it again from the console.');
      }
      if (entry.isEncrypted()) {
        throw refused('ARCHIVE_ENCRYPTED', `The archive is encrypted (${JSON.stringify(name)}); the appliance reads unencrypted archives only.`, 'Use the archive exactly as downloaded from the console, without re-packing it with a password.');
      }
      if (seen.has(name)) {
        throw refused('DUPLICATE_ENTRY', `The archive holds ${JSON.stringify(name)} twice.`, 'Do not use this archive: which copy a reader takes is undefined. Download it again from the console.');
      }
      seen.add(name);
      if (entry.uncompressedSize > ARCHIVE_LIMITS.maxEntryBytes) {
        throw refused('ENTRY_TOO_LARGE', `${JSON.stringify(name)} would inflate to ${entry.uncompressedSize} bytes; entries of a configuration archive are a few KiB (at most ${ARCHIVE_LIMITS.maxEntryBytes} accepted).`, 'This is not a configuration archive (or it is a zip bomb): download it again from the console.');
      }
      declaredTotal += entry.uncompressedSize;
      if (declaredTotal > ARCHIVE_LIMITS.maxTotalBytes) {
        throw refused('ARCHIVE_TOO_LARGE', `The archive would inflate to more than ${ARCHIVE_LIMITS.maxTotalBytes} bytes; a configuration archive is a few KiB.`, 'This is not a configuration archive (or it is a zip bomb): download it again from the console.');
      }
      const isDirectory = name.endsWith('/');
      const data = isDirectory ? Buffer.alloc(0) : await inflate(zipfile, entry, name, buffer);
      entries.push({ name, isDirectory, compressedSize: entry.compressedSize, size: data.length, modified: entry.getLastModDate(), data });
    }
    if (entries.every((entry) => entry.isDirectory)) {
      throw refused('ARCHIVE_EMPTY', 'The archive holds no files.', 'Download the archive again from the console.');
    }
    return { entries, nonUtf8Names };
  } catch (error) {
    // Whatever was inflated before the refusal may be key material.
    for (const entry of entries) entry.data.fill(0);
    throw error;
  } finally {
    if (zipfile.isOpen) zipfile.close();
  }
}
