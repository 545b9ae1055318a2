/**
 * Writing a zip (built with archiver) to a path that must not exist yet: into `<out>.partial`
 * first (created exclusively), synced, then published under its name without ever replacing a
 * file that appeared meanwhile. On any failure the partial file is removed.
 */
import { ZipArchive } from 'archiver';
import { link, lstat, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { errnoCode, failed, PanoramaUsbError, refused } from '../../errors';
import { pathExists, syncFolder } from '../../files';

export interface BundleEntry {
  name: string;
  data: Buffer;
  date?: Date;
}


export function partialPathFor(out: string): string {
  return `${out}.partial`;
}

export function outputExists(out: string, what = out): PanoramaUsbError {
  return refused('OUTPUT_EXISTS', `${what} already exists: it is never overwritten.`, 'Choose another file name, or move the existing file away first.');
}

/** Refuses, before anything is read or written, an output that exists or whose folder does not. */
export async function checkOutputPath(out: string): Promise<void> {
  for (const candidate of [out, partialPathFor(out)]) {
    if (await pathExists(candidate)) throw outputExists(out, candidate === out ? out : `${candidate} (left by an interrupted run)`);
  }
  const folder = path.dirname(out);
  const folderStats = await lstat(folder).catch(() => null);
  if (folderStats === null) throw refused('OUTPUT_FOLDER_NOT_FOUND', `The folder ${folder} does not exist.`, 'Create it first, or choose a file in an existing folder.');
  if (!folderStats.isDirectory()) throw refused('OUTPUT_FOLDER_NOT_FOUND', `${folder} is not a folder.`, 'Choose a file in an existing folder.');
}

/** Streams the zip into the file; the write stream borrows the handle and must be destroyed to give it back. */
function zipInto(stream: Writable, entries: readonly BundleEntry[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const archive = new ZipArchive({ zlib: { level: 9 } });
    let settled = false;
    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      archive.abort();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    archive.on('error', fail);
    // archiver only warns about files on disk, which we never read: treat it as an error.
    archive.on('warning', fail);
    stream.on('error', fail);
    stream.on('finish', () => {
      if (settled) return;
      settled = true;
      resolve();
    });
    archive.pipe(stream);
    for (const entry of entries) archive.append(entry.data, { name: entry.name, ...(entry.date === undefined ? {} : { date: entry.date }) });
    archive.finalize().catch(fail);
  });
}

/** Gives the partial file its final name without replacing anything: a hard link fails if the name is taken. */
async function publish(partial: string, out: string): Promise<void> {
  try {
    await link(partial, out);
    await unlink(partial);
    return;
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') throw outputExists(out);
    // FAT, exFAT and some network filesystems have no hard links: check, then rename.
  }
  const taken = await lstat(out).then(
    () => true,
    () => false,
  );
  if (taken) throw outputExists(out);
  await rename(partial, out);
}


/** Writes the zip to `out` (which must not exist) and returns its size in bytes. */
export async function writeZipExclusive(out: string, entries: readonly BundleEntry[]): Promise<number> {
  const partial = partialPathFor(out);
  let handle: FileHandle;
  try {
    handle = await open(partial, 'wx', 0o600);
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'EEXIST') throw outputExists(out, `${partial} (left by an interrupted run)`);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw refused('OUTPUT_FOLDER_NOT_FOUND', `The folder ${path.dirname(out)} does not exist.`, 'Create it first, or choose a file in an existing folder.');
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw refused('OUTPUT_NOT_WRITABLE', `${path.dirname(out)} cannot be written (${code}).`, 'Choose a folder you can write to.');
    throw failed('BUNDLE_WRITE_FAILED', `${partial} could not be created (${code ?? 'unknown error'}).`, 'Check the disk, then try again.', error);
  }
  // A stream made from a FileHandle holds a reference to it: the handle closes when the stream is destroyed.
  const stream = handle.createWriteStream({ autoClose: false });
  const release = (): Promise<void> =>
    new Promise((resolve) => {
      if (stream.destroyed) {
        resolve();
        return;
      }
      stream.once('close', () => resolve());
      stream.destroy();
    });
  try {
    await zipInto(stream, entries);
    await handle.sync();
    const { size } = await handle.stat();
    await release();
    await handle.close();
    await publish(partial, out);
    await syncFolder(path.dirname(out));
    return size;
  } catch (error) {
    await release();
    await handle.close().catch(() => undefined);
    await unlink(partial).catch(() => undefined);
    if (error instanceof PanoramaUsbError) throw error;
    const code = errnoCode(error);
    if (code === 'ENOSPC') throw failed('OUTPUT_FULL', `No space left for ${out}: nothing was kept.`, 'Free some space or choose another folder, then try again.', error);
    throw failed('BUNDLE_WRITE_FAILED', `${out} could not be written (${code ?? (error instanceof Error ? error.message : 'unknown error')}): nothing was kept.`, 'Check the disk, then try again.', error);
  }
}
