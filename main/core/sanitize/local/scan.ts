/**
 * Finding configuration archives left on this computer: in Downloads, Desktop and Documents
 * under the home folder and in the temporary folder, or in the folders given. An archive is
 * found by its name (certificates-omni_*.zip, including a browser's "… (1).zip" copies and
 * unfinished downloads) or, for other small zips, by the names in its central directory
 * (network.json beside certificate or key files). Names only: nothing is ever inflated.
 */
import { lstat, readdir, realpath } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ARCHIVE_LIMITS, ARCHIVE_PREFIX } from '../../archive';
import { refused } from '../../errors';
import { zipEntryNames } from './zip-names';

export interface Leftover {
  path: string;
  size: number;
  /** ISO 8601. */
  modifiedAt: string;
  ageSeconds: number;
  reason: 'name' | 'contents';
}

export interface ScanOptions {
  /** Folder levels below each folder scanned (default 4). */
  maxDepth?: number;
  /** The clock ages are measured against (tests). */
  now?: Date;
}

export const DEFAULT_SCAN_DEPTH = 4;
const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);
/** The archive's name, copies ("x (1).zip", "x 2.zip") and unfinished downloads (Chrome, Firefox). */
const NAME_PATTERN = new RegExp(`^${ARCHIVE_PREFIX}.*\\.zip(\\.crdownload|\\.part)?$`, 'i');
const CERTIFICATE_ENTRY = /\.(pem|crt|key)$/i;

/** The usual places a downloaded archive ends up. */
export function defaultScanFolders(): string[] {
  const home = os.homedir();
  return [path.join(home, 'Downloads'), path.join(home, 'Desktop'), path.join(home, 'Documents'), os.tmpdir()];
}

export function isArchiveName(fileName: string): boolean {
  return NAME_PATTERN.test(fileName);
}

/** A zip whose entries look like a configuration archive's: network.json beside a certificate or key. */
export function looksLikeArchiveEntries(names: readonly string[]): boolean {
  const baseNames = names.map((name) => name.split('/').pop() ?? name);
  return baseNames.some((name) => name.toLowerCase() === 'network.json') && baseNames.some((name) => CERTIFICATE_ENTRY.test(name));
}

async function checkFolder(folder: string): Promise<string> {
  const absolute = path.resolve(folder);
  let stats;
  try {
    stats = await lstat(absolute);
  } catch {
    throw refused('FOLDER_NOT_FOUND', `${JSON.stringify(folder)} does not exist.`, 'Check the path, or run `panorama-usb scan-leftovers` without folders to scan the usual places.');
  }
  // A symlinked folder given on purpose is followed once, at the top; never inside the tree.
  const real = stats.isSymbolicLink() ? await realpath(absolute).catch(() => null) : absolute;
  const target = real === null ? null : await lstat(real).catch(() => null);
  if (real === null || target === null) {
    throw refused('FOLDER_NOT_FOUND', `${JSON.stringify(folder)} is a link to something that does not exist.`, 'Give the folder itself.');
  }
  if (!target.isDirectory()) {
    throw refused('NOT_A_FOLDER', `${JSON.stringify(folder)} is not a folder.`, 'Give folders to scan; to shred one file, use `panorama-usb shred FILE`.');
  }
  return real;
}

async function classify(filePath: string, name: string, size: number): Promise<Leftover['reason'] | null> {
  if (isArchiveName(name)) return 'name';
  if (!/\.zip$/i.test(name) || size > ARCHIVE_LIMITS.maxArchiveBytes) return null;
  const names = await zipEntryNames(filePath);
  return names !== null && looksLikeArchiveEntries(names) ? 'contents' : null;
}

interface WalkState {
  maxDepth: number;
  now: number;
  found: Map<string, Leftover>;
  visited: Set<string>;
}

async function walk(folder: string, depth: number, state: WalkState): Promise<void> {
  const folderStats = await lstat(folder, { bigint: true }).catch(() => null);
  if (folderStats === null) return;
  const folderId = `${folderStats.dev.toString()}:${folderStats.ino.toString()}`;
  // The same folder reached twice (a default folder inside another, or a bind mount) is scanned once.
  if (state.visited.has(folderId)) return;
  state.visited.add(folderId);
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    return; // Unreadable folders (permissions, removed meanwhile) are skipped, not fatal.
  }
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    // Symbolic links are never followed: they could lead out of the tree, or round in circles.
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) {
      if (depth < state.maxDepth && !SKIPPED_FOLDERS.has(entry.name)) await walk(full, depth + 1, state);
      continue;
    }
    if (!entry.isFile() || !/\.(zip|crdownload|part)$/i.test(entry.name)) continue;
    const stats = await lstat(full, { bigint: true }).catch(() => null);
    if (stats === null || !stats.isFile()) continue;
    const fileId = `${stats.dev.toString()}:${stats.ino.toString()}`;
    if (state.found.has(fileId)) continue;
    const size = Number(stats.size);
    const reason = await classify(full, entry.name, size).catch(() => null);
    if (reason === null) continue;
    const modified = Number(stats.mtimeMs);
    state.found.set(fileId, {
      path: full,
      size,
      modifiedAt: new Date(modified).toISOString(),
      ageSeconds: Math.max(0, Math.floor((state.now - modified) / 1000)),
      reason,
    });
  }
}

/**
 * Lists configuration archives in the given folders (or the usual places). A missing folder
 * given by name is refused before anything is scanned; missing usual places are skipped.
 */
export async function scanLeftovers(dirs?: readonly string[], options: ScanOptions = {}): Promise<Leftover[]> {
  const explicit = dirs !== undefined && dirs.length > 0;
  const roots: string[] = [];
  if (explicit) {
    for (const dir of dirs) roots.push(await checkFolder(dir));
  } else {
    for (const dir of defaultScanFolders()) {
      const real = await checkFolder(dir).catch(() => null);
      if (real !== null) roots.push(real);
    }
  }
  const state: WalkState = { maxDepth: options.maxDepth ?? DEFAULT_SCAN_DEPTH, now: (options.now ?? new Date()).getTime(), found: new Map(), visited: new Set() };
  for (const root of roots) await walk(root, 0, state);
  return [...state.found.values()].sort((a, b) => a.path.localeCompare(b.path));
}
