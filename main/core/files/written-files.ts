/**
 * What this run of the app wrote, and the folders the person chose in the folder dialog: the
 * shell opens (or hands back) only a file that is both. Kept in memory on purpose: a new run
 * starts knowing nothing, so no file from before, and none another program put in the same
 * folder, can be reached through the app.
 *
 * Paths are compared as the file system resolves them (realpath), so `..`, a symlink in the
 * path or a different spelling of the same folder cannot lead outside. A file is remembered
 * with its identity (device, inode, size, modification time): one changed, or deleted and
 * replaced under the same name, is not ours.
 */
import type { Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../errors';

/** Device and inode say which file; size and modification time catch an inode reused for a new file after ours was deleted. */
interface FileIdentity {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

/** Why a file may not be handed to the shell; the caller words it for its kind of file. */
export type WrittenFileRefusal = 'not-absolute' | 'wrong-kind' | 'missing' | 'not-written' | 'replaced' | 'outside-chosen-folder';

export type WrittenFileVerdict = { ok: true; path: string } | { ok: false; reason: WrittenFileRefusal };

export class WrittenFiles {
  private readonly folders = new Map<string, Set<string>>();
  private readonly files = new Map<string, FileIdentity>();

  /** A folder the person chose in the dialog for `purpose` (certificates, logs…). One that cannot be resolved is not remembered. */
  async rememberFolder(purpose: string, folder: string): Promise<void> {
    const real = await realpath(folder).catch(() => null);
    if (real === null) return;
    const known = this.folders.get(purpose) ?? new Set<string>();
    known.add(real);
    this.folders.set(purpose, known);
  }

  /** A file this run has just written (and closed). One already gone is not remembered. */
  async rememberWritten(file: string): Promise<void> {
    const real = await realpath(file).catch(() => null);
    if (real === null) return;
    const stats = await stat(real).catch(() => null);
    if (stats?.isFile() === true) this.files.set(real, { dev: stats.dev, ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs });
  }

  /**
   * Whether `file` is one this run wrote, still the same file, inside a folder chosen for
   * `purpose`, and named with one of `extensions` (".pdf"…); with its real path when it is.
   */
  async verify(file: string, purpose: string, extensions: readonly string[]): Promise<WrittenFileVerdict> {
    if (!path.isAbsolute(file)) return { ok: false, reason: 'not-absolute' };
    let real: string;
    try {
      real = await realpath(file);
    } catch (error) {
      // An unreadable path is refused like a missing one: nothing of it is ours to open.
      return { ok: false, reason: errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR' ? 'missing' : 'not-written' };
    }
    if (!extensions.includes(path.extname(real).toLowerCase())) return { ok: false, reason: 'wrong-kind' };
    const folders = await this.chosenFolders(purpose);
    if (!folders.some((folder) => isInside(real, folder))) return { ok: false, reason: 'outside-chosen-folder' };
    if (!this.files.has(real)) return { ok: false, reason: 'not-written' };
    const stats = await stat(real).catch(() => null);
    if (stats === null) return { ok: false, reason: 'missing' };
    if (!this.isSameFile(real, stats)) return { ok: false, reason: 'replaced' };
    return { ok: true, path: real };
  }

  /** True when `stats` (of a handle opened on a verified path) are those of the file remembered there. */
  isSameFile(real: string, stats: Pick<Stats, 'dev' | 'ino' | 'size' | 'mtimeMs' | 'isFile'>): boolean {
    const known = this.files.get(real);
    return known !== undefined && stats.isFile() && stats.dev === known.dev && stats.ino === known.ino && stats.size === known.size && stats.mtimeMs === known.mtimeMs;
  }

  /** The chosen folders as they resolve now (a folder since removed drops out). */
  private async chosenFolders(purpose: string): Promise<string[]> {
    const resolved = await Promise.all([...(this.folders.get(purpose) ?? [])].map((folder) => realpath(folder).catch(() => null)));
    return resolved.filter((folder): folder is string => folder !== null);
  }
}

/** `file` lies below `folder` (both real, absolute paths), not the folder itself. */
function isInside(file: string, folder: string): boolean {
  const relative = path.relative(folder, file);
  return relative !== '' && !relative.startsWith(`..${path.sep}`) && relative !== '..' && !path.isAbsolute(relative);
}
