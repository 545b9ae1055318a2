/**
 * One session per file, written atomically: a temporary file in the same folder, fsync, rename
 * over the old file, fsync the folder. A crash at any point leaves either the old session or the
 * new one on disk, never half of either.
 */
import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { errnoCode } from '../errors';
import { syncFolder } from '../files';
import { JOURNAL_FILE_VERSION, JournalFileSchema, SESSION_ID_PATTERN, type JournalSession } from './types';


/** Temporary files start with a dot and end in .tmp, so listing never mistakes one for a session. */
const SESSION_FILE = /^([A-Za-z0-9][A-Za-z0-9-]{0,63})\.json$/;

export function sessionFile(dir: string, id: string): string {
  return path.join(dir, `${id}.json`);
}


export async function writeSession(dir: string, session: JournalSession): Promise<void> {
  const temporary = path.join(dir, `.${session.id}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const text = `${JSON.stringify({ version: JOURNAL_FILE_VERSION, session }, null, 2)}\n`;
  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, sessionFile(dir, session.id));
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncFolder(dir);
}

export type ReadResult = { status: 'ok'; session: JournalSession } | { status: 'missing' } | { status: 'unreadable'; problem: string };

export async function readSession(dir: string, id: string): Promise<ReadResult> {
  let text: string;
  try {
    text = await readFile(sessionFile(dir, id), 'utf8');
  } catch (error) {
    const code = errnoCode(error);
    return code === 'ENOENT' ? { status: 'missing' } : { status: 'unreadable', problem: `cannot be read (${code ?? 'unknown error'})` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { status: 'unreadable', problem: 'is not JSON (cut short or damaged)' };
  }
  const parsed = JournalFileSchema.safeParse(value);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') ?? '';
    return { status: 'unreadable', problem: `is not a journal session this version understands${where === '' ? '' : ` (at "${where}")`}` };
  }
  // A file renamed or copied by hand would otherwise be updated under the wrong name.
  if (parsed.data.session.id !== id) return { status: 'unreadable', problem: `holds session ${parsed.data.session.id}, not ${id}` };
  return { status: 'ok', session: parsed.data.session };
}

/** Ids of every session file in the folder (temporary files and strangers left out). */
export async function listSessionIds(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return [];
    throw error;
  }
  return names.flatMap((name) => {
    const match = SESSION_FILE.exec(name);
    return match?.[1] !== undefined && SESSION_ID_PATTERN.test(match[1]) ? [match[1]] : [];
  });
}
