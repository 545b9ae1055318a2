/**
 * "No copy of the archive appears on the local disk": every file created or changed under the
 * given folders since `since` (a marker file's time) is searched for the secret bytes.
 * Only recent, small files are read, so the check stays fast on a busy machine.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, utimesSync } from 'node:fs';
import path from 'node:path';

export function markTime(dir: string): string {
  const marker = path.join(dir, `.since-${process.pid}-${Date.now()}`);
  closeSync(openSync(marker, 'w'));
  // One second back: file systems with coarse timestamps must still count files made right after.
  const past = new Date(Date.now() - 1000);
  utimesSync(marker, past, past);
  return marker;
}

export function recentFilesContaining(roots: readonly string[], since: string, secret: string, skipDirs: readonly string[] = ['node_modules', '.git']): string[] {
  const found: string[] = [];
  for (const root of roots) {
    const prune = skipDirs.flatMap((name, index) => [...(index === 0 ? [] : ['-o']), '-name', name]);
    let files: string[];
    try {
      const listing = execFileSync('find', [root, '-xdev', '(', ...prune, ')', '-prune', '-o', '-type', 'f', '-newer', since, '-size', '-16M', '-print0'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
      files = listing.split('\0').filter((file) => file !== '');
    } catch (error) {
      // find exits non-zero when some folder is unreadable; what it printed is still valid.
      const stdout = (error as { stdout?: string }).stdout ?? '';
      files = stdout.split('\0').filter((file) => file !== '');
    }
    for (let start = 0; start < files.length; start += 200) {
      let matches: string;
      try {
        matches = execFileSync('grep', ['-laF', secret, ...files.slice(start, start + 200)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      } catch (error) {
        // grep exits 1 when nothing matches, 2 when a file could not be read — one that another
        // test removed since find listed it, on a busy machine: the files it did name still count.
        matches = (error as { stdout?: string }).stdout ?? '';
      }
      found.push(...matches.split('\n').filter((line) => line !== ''));
    }
  }
  return found;
}
