/**
 * The audit log: `<dataDir>/audit.jsonl`, one hash-chained entry per line, only ever appended.
 * Appends are queued in-process so concurrent callers chain one after another, and each
 * operation holds a lock on the file across processes (proper-lockfile: a lock folder beside it,
 * taken over when its holder died), so the app and several CLIs at once — two terminals each
 * sanitizing a drive — never chain two entries onto the same one. Each line is written with
 * one append and fsynced before the next, and the chain continues from whatever the file ends with.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import path from 'node:path';
import { lock } from 'proper-lockfile';
import { errnoCode, failed, PanoramaUsbError, refused } from '../errors';
import { syncFolder } from '../files';
import { formatLine, hashEntry, parseLine, verifyText } from './chain';
import { checkSubject } from './guard';
import { readTail } from './tail';
import { GENESIS_HASH, type AuditAction, type AuditEntry, type AuditExport, type AuditOutcome, type AuditSubject, type AuditVerification } from './types';

export const AUDIT_FILE_NAME = 'audit.jsonl';
/** A lock not refreshed for this long belongs to a process that died; proper-lockfile refreshes live ones. */
const LOCK_STALE_MS = 10_000;
/** About 20 s of waiting in all: far longer than another process's append, and long enough to take over a dead one's lock once it is stale. */
const LOCK_RETRIES = { retries: 60, factor: 1.2, minTimeout: 10, maxTimeout: 500 };

/** The wait before retry `attempt` (0-based): exponential, as proper-lockfile's own schedule would be. */
function lockBackoffMs(attempt: number): number {
  return Math.min(LOCK_RETRIES.maxTimeout, LOCK_RETRIES.minTimeout * LOCK_RETRIES.factor ** attempt);
}



async function writeDurably(file: string, flags: 'a' | 'wx', data: string | Buffer): Promise<void> {
  const handle = await open(file, flags, 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export class AuditLog {
  /** Every operation waits for the one before: appends chain in order, reads never see half a line of ours. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(readonly path: string) {}

  /** Creates the data folder (owner-only) if needed; reads nothing until asked. */
  static open(dataDir: string): AuditLog {
    const folder = path.resolve(dataDir);
    try {
      mkdirSync(folder, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw refused('DATA_DIR_UNWRITABLE', `The data folder ${folder} cannot be created (${errnoCode(error) ?? 'unknown error'}).`, 'Check its permissions, or set PANORAMA_USB_DATA_DIR to a folder you can write.');
    }
    return new AuditLog(path.join(folder, AUDIT_FILE_NAME));
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(() => this.acrossProcesses(work));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Runs `work` holding the log's lock; another process's turn lasts one append (milliseconds). */
  private async acrossProcesses<T>(work: () => Promise<T>): Promise<T> {
    let release: () => Promise<void>;
    try {
      release = await this.takeLock();
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'ELOCKED') throw failed('AUDIT_LOG_BUSY', `The audit log ${this.path} is locked by another panorama-usb; nothing was written.`, `Try again; if no other panorama-usb is running, remove ${this.path}.lock.`, error);
      throw failed('AUDIT_LOCK_FAILED', `The audit log ${this.path} cannot be locked (${code ?? (error instanceof Error ? error.message : 'unknown error')}); nothing was written.`, 'Check the data folder\'s permissions and the disk.', error);
    }
    try {
      return await work();
    } finally {
      // A lock already lost (taken over as stale) has nothing left to release.
      await release().catch(() => undefined);
    }
  }

  /**
   * Takes the lock, waiting only while another process holds it. proper-lockfile's own retries
   * would retry every error — a data folder gone or unwritable would wait the whole ~20 s before
   * saying so — so it is asked once per attempt, and anything but ELOCKED ends the wait at once.
   */
  private async takeLock(): Promise<() => Promise<void>> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await lock(this.path, {
          realpath: false,
          lockfilePath: `${this.path}.lock`,
          stale: LOCK_STALE_MS,
          retries: 0,
          // proper-lockfile's default throws from a timer, which would take the whole app down. A lock
          // lost mid-append (held past 10 s, e.g. a stalled disk) can at worst fork the chain, and
          // `audit --verify` shows exactly where.
          onCompromised: () => undefined,
        });
      } catch (error) {
        if (errnoCode(error) !== 'ELOCKED' || attempt >= LOCK_RETRIES.retries) throw error;
        await new Promise((resolve) => setTimeout(resolve, lockBackoffMs(attempt)));
      }
    }
  }

  /** Refuses (writing nothing) a subject that looks like key material; otherwise appends one durable line. */
  async append(action: AuditAction, outcome: AuditOutcome, subject: AuditSubject): Promise<AuditEntry> {
    // Checked before queueing: a refusal never waits for, or touches, the file.
    const safe = checkSubject(subject);
    return this.serial(async () => {
      try {
        const tail = await readTail(this.path);
        const unhashed = { seq: (tail.last?.seq ?? 0) + 1, time: new Date().toISOString(), action, outcome, subject: safe, prevHash: tail.last?.hash ?? GENESIS_HASH };
        const entry: AuditEntry = { ...unhashed, hash: hashEntry(unhashed) };
        // After a power cut the file may end mid-line: the new entry still gets a line of its own (verify reports the cut).
        await writeDurably(this.path, 'a', `${tail.endsWithNewline ? '' : '\n'}${formatLine(entry)}`);
        if (tail.size === 0) await syncFolder(path.dirname(this.path));
        return entry;
      } catch (error) {
        throw failed('AUDIT_WRITE_FAILED', `The audit log ${this.path} cannot be written (${errnoCode(error) ?? (error instanceof Error ? error.message : 'unknown error')}).`, 'Check the disk and the folder permissions.', error);
      }
    });
  }

  private async readBytes(): Promise<Buffer> {
    try {
      return await readFile(this.path);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return Buffer.alloc(0);
      throw failed('AUDIT_READ_FAILED', `The audit log ${this.path} cannot be read (${errnoCode(error) ?? 'unknown error'}).`, 'Check its permissions.', error);
    }
  }

  /** Every line that is an entry, in file order, even past a break: verify() says whether to trust them. */
  read(): Promise<AuditEntry[]> {
    return this.serial(async () => {
      const text = (await this.readBytes()).toString('utf8');
      return text.split('\n').flatMap((line) => {
        const parsed = parseLine(line);
        return 'entry' in parsed ? [parsed.entry] : [];
      });
    });
  }

  verify(): Promise<AuditVerification> {
    return this.serial(async () => verifyText((await this.readBytes()).toString('utf8')).verification);
  }

  /**
   * Copies the log, as it stands, to a new file (never over an existing one) and says whether
   * the copy verifies. The copy's SHA-256, kept somewhere else, later proves that no entry was
   * cut from the end: the one change a chain cannot show by itself.
   */
  export(destination: string): Promise<AuditExport> {
    const target = path.resolve(destination);
    return this.serial(async () => {
      const bytes = await this.readBytes();
      const { verification } = verifyText(bytes.toString('utf8'));
      try {
        await writeDurably(target, 'wx', bytes);
      } catch (error) {
        if (error instanceof PanoramaUsbError) throw error;
        const code = errnoCode(error);
        if (code === 'EEXIST') throw refused('EXPORT_EXISTS', `${target} already exists: an export never overwrites a file.`, 'Choose a new file name.');
        if (code === 'ENOENT' || code === 'ENOTDIR') throw refused('FOLDER_NOT_FOUND', `The folder of ${target} does not exist.`, 'Create it first, or choose an existing folder.');
        if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw refused('FOLDER_NOT_WRITABLE', `${path.dirname(target)} cannot be written (${code}).`, 'Choose a folder you can write to.');
        throw failed('AUDIT_EXPORT_FAILED', `The audit log could not be exported to ${target} (${code ?? 'unknown error'}).`, 'Check the disk, then try again.', error);
      }
      await syncFolder(path.dirname(target));
      return { path: target, entries: verification.entries, sha256: createHash('sha256').update(bytes).digest('hex'), verification };
    });
  }
}
