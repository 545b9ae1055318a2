/**
 * Shredding one local copy of a configuration archive: overwrite every byte with random data,
 * sync, rename to a random name (the old name carries the device name), truncate, sync, unlink,
 * and sync the folder. Everything that could stop us is checked before the first write, so a
 * refusal leaves the file exactly as it was. Whether the overwrite reached the old blocks
 * depends on the storage: the result says so plainly (see storage.ts).
 */
import { randomBytes, randomFillSync } from 'node:crypto';
import { constants, type BigIntStats } from 'node:fs';
import { lstat, open, readlink, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode, failed, refused, toPanoramaUsbError, type ErrorInfo, type PanoramaUsbError } from '../../errors';
import { syncFolder } from '../../files';
import { classifyStorage, detectStorage, type Medium, type StorageFacts } from './storage';

export interface ShredResult {
  path: string;
  bytesOverwritten: number;
  passes: 1;
  removed: true;
  guarantee: 'overwritten' | 'not-guaranteed';
  /** Why the overwrite may not have reached the old blocks, and anything else worth knowing. */
  caveats: string[];
  filesystem: string;
  medium: Medium;
}

export type ShredPhase = 'overwritten' | 'renamed' | 'truncated' | 'removed';

export interface ShredOptions {
  /** Called after each step; `current` is the file's path at that point (the random name once renamed). */
  onPhase?: (phase: ShredPhase, current: string) => void | Promise<void>;
  /** Replaces storage detection (tests). */
  detect?: (filePath: string) => Promise<StorageFacts>;
}

const CHUNK = 1024 * 1024;
const NAME_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function kindOf(stats: { isFIFO(): boolean; isSocket(): boolean; isBlockDevice(): boolean; isCharacterDevice(): boolean }): string {
  if (stats.isFIFO()) return 'named pipe (FIFO)';
  if (stats.isSocket()) return 'socket';
  if (stats.isBlockDevice()) return 'block device';
  if (stats.isCharacterDevice()) return 'character device';
  return 'special file';
}

function openRefusal(error: unknown, shown: string): PanoramaUsbError {
  switch (errnoCode(error)) {
    case 'ENOENT':
    case 'ENOTDIR':
      return refused('FILE_NOT_FOUND', `${shown} does not exist.`, 'Check the path; `panorama-usb scan-leftovers` lists the archives it finds.');
    case 'EACCES':
    case 'EPERM':
      return refused('PERMISSION_DENIED', `${shown} cannot be written: permission denied. Nothing was changed.`, 'Run as the user who owns the file, or with administrator rights.');
    case 'EROFS':
      return refused('READ_ONLY_FILESYSTEM', `${shown} is on a read-only filesystem. Nothing was changed.`, 'Remount it read-write, or sanitize the whole drive instead.');
    case 'ELOOP':
      return refused('SYMLINK', `${shown} became a symbolic link while it was being checked. Nothing was changed.`, 'Shred the file it points to instead.');
    case 'EBUSY':
    case 'ETXTBSY':
      return refused('FILE_BUSY', `${shown} is in use by another program. Nothing was changed.`, 'Close the program using it, then try again.');
    default:
      return failed('SHRED_FAILED', `${shown} could not be opened (${errnoCode(error) ?? 'unknown error'}). Nothing was changed.`, 'Try again; check the disk if it persists.', error);
  }
}

/** Checks the path names a regular file (not following a symlink); refuses otherwise, changing nothing. */
async function checkShreddable(absolute: string, shown: string): Promise<BigIntStats> {
  let stats: BigIntStats;
  try {
    stats = await lstat(absolute, { bigint: true });
  } catch (error) {
    throw openRefusal(error, shown);
  }
  if (stats.isSymbolicLink()) {
    const target = await readlink(absolute).catch(() => null);
    const resolved = target === null ? null : path.resolve(path.dirname(absolute), target);
    throw refused(
      'SYMLINK',
      `${shown} is a symbolic link${resolved === null ? '' : ` to ${resolved}`}: shredding the link would leave the file it points to intact. Nothing was changed.`,
      resolved === null ? 'Shred the file it points to instead.' : `Shred its target instead: panorama-usb shred ${JSON.stringify(resolved)}`,
    );
  }
  if (stats.isDirectory()) {
    throw refused('IS_A_DIRECTORY', `${shown} is a folder, not a file. Nothing was changed.`, 'Give the archive files themselves; `panorama-usb scan-leftovers FOLDER` finds them in a folder.');
  }
  if (!stats.isFile()) {
    throw refused('NOT_A_REGULAR_FILE', `${shown} is a ${kindOf(stats)}, not a regular file. Nothing was changed.`, 'Only regular files can be shredded.');
  }
  return stats;
}

/** A random name as long as the old one (at least 12 characters), so the old name's directory slot can be reused. */
function randomName(length: number): string {
  const bytes = randomBytes(Math.max(12, length));
  return Array.from(bytes, (byte) => NAME_ALPHABET[byte % NAME_ALPHABET.length]).join('');
}

async function unusedRandomPath(dir: string, oldName: string): Promise<string> {
  for (let attempt = 0; attempt < 8; attempt += 1) {
    const candidate = path.join(dir, randomName(oldName.length));
    const taken = await lstat(candidate).then(
      () => true,
      (error: unknown) => errnoCode(error) !== 'ENOENT',
    );
    if (!taken) return candidate;
  }
  throw failed('SHRED_FAILED', `No free random name could be found in ${dir}.`, 'Try again.');
}

async function overwrite(handle: FileHandle, size: number): Promise<void> {
  const chunk = Buffer.alloc(Math.min(CHUNK, Math.max(size, 1)));
  let position = 0;
  while (position < size) {
    const length = Math.min(chunk.length, size - position);
    randomFillSync(chunk, 0, length);
    let written = 0;
    while (written < length) {
      const { bytesWritten } = await handle.write(chunk, written, length - written, position + written);
      if (bytesWritten === 0) throw Object.assign(new Error('the filesystem accepted no bytes'), { code: 'EIO' });
      written += bytesWritten;
    }
    position += length;
  }
}


/** Overwrites, renames, truncates and removes one file. Refuses (changing nothing) anything but a regular file. */
export async function shredFile(filePath: string, options: ShredOptions = {}): Promise<ShredResult> {
  const absolute = path.resolve(filePath);
  const shown = JSON.stringify(filePath);
  const before = await checkShreddable(absolute, shown);
  const facts = await (options.detect ?? detectStorage)(absolute);
  const verdict = classifyStorage(facts);

  // O_NOFOLLOW and the inode check below close the gap between lstat and open; O_NONBLOCK keeps
  // a FIFO swapped in meanwhile from blocking the open.
  const optional: Partial<Record<'O_NOFOLLOW' | 'O_NONBLOCK', number>> = constants; // absent on Windows
  const flags = constants.O_RDWR | (optional.O_NOFOLLOW ?? 0) | (optional.O_NONBLOCK ?? 0);
  let handle: FileHandle;
  try {
    handle = await open(absolute, flags);
  } catch (error) {
    throw openRefusal(error, shown);
  }

  let current = absolute;
  let state = 'nothing was changed';
  try {
    const opened = await handle.stat({ bigint: true });
    if (!opened.isFile() || opened.dev !== before.dev || opened.ino !== before.ino) {
      throw refused('FILE_CHANGED', `${shown} was replaced while it was being checked. Nothing was changed.`, 'Try again.');
    }
    const size = Number(opened.size);
    const otherNames = Number(opened.nlink) - 1;

    state = 'it may be partly overwritten';
    await overwrite(handle, size);
    await handle.sync();
    state = 'it was overwritten but still has its name';
    await options.onPhase?.('overwritten', current);

    const renamed = await unusedRandomPath(path.dirname(absolute), path.basename(absolute));
    await rename(absolute, renamed);
    current = renamed;
    state = `it was overwritten and renamed to ${path.basename(renamed)}`;
    await options.onPhase?.('renamed', current);

    await handle.truncate(0);
    await handle.sync();
    await options.onPhase?.('truncated', current);
    await handle.close();
    await unlink(current);
    await syncFolder(path.dirname(absolute));
    await options.onPhase?.('removed', current);

    const caveats = [...verdict.caveats];
    if (otherNames > 0) {
      caveats.push(`This file had ${otherNames} other name${otherNames === 1 ? '' : 's'} (hard link${otherNames === 1 ? '' : 's'}) for the same data: ${otherNames === 1 ? 'it still exists' : 'they still exist'}, now as an empty file.`);
    }
    return { path: absolute, bytesOverwritten: size, passes: 1, removed: true, guarantee: verdict.guarantee, caveats, filesystem: facts.filesystem, medium: facts.medium };
  } catch (error) {
    await handle.close().catch(() => undefined);
    const typed = toPanoramaUsbError(error);
    if (typed.outcome === 'refused' || typed.code !== 'INTERNAL_ERROR') throw typed;
    throw failed('SHRED_FAILED', `Shredding ${shown} failed (${errnoCode(error) ?? typed.message}): ${state}.`, current === absolute ? 'Try again; check the disk if it persists.' : `Delete ${current} by hand.`, error);
  }
}

/**
 * Checks every path before any is touched: the CLI refuses the whole command (changing nothing)
 * when one of the files cannot be shredded.
 */
export async function checkShreddableFiles(paths: readonly string[]): Promise<void> {
  for (const given of paths) await checkShreddable(path.resolve(given), JSON.stringify(given));
}

export type ShredOutcome = { path: string; status: 'shredded'; result: ShredResult } | { path: string; status: 'refused' | 'failed'; error: ErrorInfo };

export interface ShredFilesReport {
  /** One entry per distinct path, in the order given. */
  outcomes: ShredOutcome[];
  shredded: number;
  refused: number;
  failed: number;
}

/** Shreds each file independently: a refusal or failure for one never stops the others. */
export async function shredFiles(paths: readonly string[], options: ShredOptions = {}): Promise<ShredFilesReport> {
  const outcomes: ShredOutcome[] = [];
  const seen = new Set<string>();
  for (const given of paths) {
    const absolute = path.resolve(given);
    if (seen.has(absolute)) continue;
    seen.add(absolute);
    try {
      outcomes.push({ path: given, status: 'shredded', result: await shredFile(given, options) });
    } catch (error) {
      const typed = toPanoramaUsbError(error);
      outcomes.push({ path: given, status: typed.outcome === 'refused' ? 'refused' : 'failed', error: typed.toInfo() });
    }
  }
  const count = (status: ShredOutcome['status']): number => outcomes.filter((outcome) => outcome.status === status).length;
  return { outcomes, shredded: count('shredded'), refused: count('refused'), failed: count('failed') };
}
