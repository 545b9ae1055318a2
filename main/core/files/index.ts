/**
 * Small durability helpers for the files core writes (audit log, journal, bundles, shredding,
 * certificates): one place for what every writer of a new file needs.
 */
import { lstat, open, type FileHandle } from 'node:fs/promises';
import { errnoCode } from '../errors';

/**
 * fsync on a folder makes a new name, a rename or an unlink in it durable. Best effort: not
 * every platform lets a folder be synced (Windows), and the file's own data was synced first.
 */
export async function syncFolder(dir: string): Promise<void> {
  let handle: FileHandle | null = null;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // See above: the data itself is already durable.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** True when something exists at `file` (a symlink counts, even a dangling one); an unreadable path counts too. */
export function pathExists(file: string): Promise<boolean> {
  return lstat(file).then(
    () => true,
    (error: unknown) => errnoCode(error) !== 'ENOENT',
  );
}

export { WrittenFiles, type WrittenFileRefusal, type WrittenFileVerdict } from './written-files';
