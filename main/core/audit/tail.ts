/**
 * Finding where the chain stands without reading the whole log: the last line is read backwards
 * from the end of the file, a chunk at a time. Only a damaged tail (a line cut short by a power
 * cut, or not an entry) makes it read everything, to find the last entry that is one.
 */
import { open, readFile } from 'node:fs/promises';
import { errnoCode } from '../errors';
import { parseLine } from './chain';
import type { AuditEntry } from './types';

const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

export interface LogTail {
  /** The file's size in bytes; 0 when it does not exist yet. */
  size: number;
  /** The last entry to chain from; null for an empty log. */
  last: AuditEntry | null;
  /** False when the file does not end with a newline: the next line must start on a line of its own. */
  endsWithNewline: boolean;
}


/** The last complete line (without its newline), or null when the file does not end with one. */
async function lastCompleteLine(file: string): Promise<{ size: number; line: string | null }> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) return { size, line: null };
    let end = size;
    let collected = Buffer.alloc(0);
    while (end > 0) {
      const start = Math.max(0, end - CHUNK);
      const chunk = Buffer.alloc(end - start);
      await handle.read(chunk, 0, chunk.length, start);
      collected = Buffer.concat([chunk, collected]);
      end = start;
      if (collected[collected.length - 1] !== NEWLINE) return { size, line: null };
      // The newline that ends the previous line, if this chunk reaches back that far.
      const previous = collected.length < 2 ? -1 : collected.lastIndexOf(NEWLINE, collected.length - 2);
      if (previous !== -1) return { size, line: collected.subarray(previous + 1, collected.length - 1).toString('utf8') };
    }
    return { size, line: collected.subarray(0, collected.length - 1).toString('utf8') };
  } finally {
    await handle.close();
  }
}

/** Slow path: the last line that is an entry, scanning the whole file. */
async function lastEntryAnywhere(file: string): Promise<AuditEntry | null> {
  const lines = (await readFile(file, 'utf8')).split('\n');
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const parsed = parseLine(lines[index] ?? '');
    if ('entry' in parsed) return parsed.entry;
  }
  return null;
}

export async function readTail(file: string): Promise<LogTail> {
  let found: { size: number; line: string | null };
  try {
    found = await lastCompleteLine(file);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return { size: 0, last: null, endsWithNewline: true };
    throw error;
  }
  if (found.size === 0) return { size: 0, last: null, endsWithNewline: true };
  if (found.line !== null) {
    const parsed = parseLine(found.line);
    if ('entry' in parsed) return { size: found.size, last: parsed.entry, endsWithNewline: true };
  }
  return { size: found.size, last: await lastEntryAnywhere(file), endsWithNewline: found.line !== null };
}
