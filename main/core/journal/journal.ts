/**
 * The provisioning journal: every session's progress, persisted after each step, so that after
 * a crash, a kill or a power cut the next start can say what is unfinished (a drive still
 * holding a secret, a local copy not shredded, a registration left unwatched) and finish it.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { errnoCode, failed, refused, type PanoramaUsbError } from '../errors';
import { refuseKeyMaterial } from './guard';
import { pendingItems, unreadableItem } from './pending';
import { listSessionIds, readSession, sessionFile, writeSession } from './store';
import { JournalSessionSchema, SESSION_ID_PATTERN, type JournalInit, type JournalPatch, type JournalSession, type PendingItem } from './types';

export const JOURNAL_FOLDER_NAME = 'journal';

const DEFAULTS: Omit<JournalSession, 'id' | 'startedAt' | 'updatedAt'> = {
  source: null,
  deviceName: null,
  deviceId: null,
  archive: null,
  localCopies: [],
  drive: null,
  driveHoldsArchive: false,
  registration: 'not-started',
  driveSanitized: false,
  finished: false,
};

/** Partial means "not given": an explicit undefined must not erase a recorded value. */
function given<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function checked(candidate: unknown): JournalSession {
  const parsed = JournalSessionSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') ?? '';
    throw refused('JOURNAL_SESSION_INVALID', `The journal session is not valid${where === '' ? '' : ` at "${where}"`}: ${issue?.message ?? 'unknown problem'}; nothing was written.`);
  }
  return parsed.data;
}

function notFound(id: string): PanoramaUsbError {
  return refused('JOURNAL_SESSION_NOT_FOUND', `There is no journal session ${JSON.stringify(id.slice(0, 80))}.`, 'List the sessions to find its id.');
}

export class Journal {
  /** Changes wait for each other, so two updates of one session never lose one another's fields. */
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(readonly dir: string) {}

  /** Creates `<dataDir>/journal` (owner-only) if needed. */
  static open(dataDir: string): Journal {
    const dir = path.join(path.resolve(dataDir), JOURNAL_FOLDER_NAME);
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      throw refused('DATA_DIR_UNWRITABLE', `The journal folder ${dir} cannot be created (${errnoCode(error) ?? 'unknown error'}).`, 'Check its permissions, or set PANORAMA_USB_DATA_DIR to a folder you can write.');
    }
    return new Journal(dir);
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async save(session: JournalSession): Promise<JournalSession> {
    try {
      await writeSession(this.dir, session);
    } catch (error) {
      throw failed('JOURNAL_WRITE_FAILED', `The journal ${sessionFile(this.dir, session.id)} cannot be written (${errnoCode(error) ?? (error instanceof Error ? error.message : 'unknown error')}).`, 'Check the disk and the folder permissions.', error);
    }
    return session;
  }

  async begin(init: JournalInit = {}): Promise<JournalSession> {
    refuseKeyMaterial(init);
    const now = new Date().toISOString();
    const session = checked({ ...DEFAULTS, ...given(init), id: randomUUID(), startedAt: now, updatedAt: now });
    return this.serial(() => this.save(session));
  }

  /** Replaces the fields given (objects and lists whole); the journal stamps updatedAt itself. */
  async update(id: string, patch: JournalPatch): Promise<JournalSession> {
    // Checked before queueing: a refusal never waits for, or touches, the file.
    refuseKeyMaterial(patch);
    return this.serial(async () => {
      const current = await this.get(id);
      if (current === null) throw notFound(id);
      const session = checked({ ...current, ...given(patch), id: current.id, startedAt: current.startedAt, updatedAt: new Date().toISOString() });
      return this.save(session);
    });
  }

  finish(id: string): Promise<JournalSession> {
    return this.update(id, { finished: true });
  }

  /** The session, or null when there is none with this id; a damaged file is a JOURNAL_SESSION_UNREADABLE failure. */
  async get(id: string): Promise<JournalSession | null> {
    if (!SESSION_ID_PATTERN.test(id)) return null;
    const result = await readSession(this.dir, id);
    if (result.status === 'missing') return null;
    if (result.status === 'unreadable') {
      throw failed('JOURNAL_SESSION_UNREADABLE', `The journal file ${sessionFile(this.dir, id)} ${result.problem}.`, 'Check what the session left behind by hand (drive, local copies), then delete the file.');
    }
    return result.session;
  }

  /** Every readable session, oldest first; damaged files are left to pending() to report. */
  async list(): Promise<JournalSession[]> {
    const sessions: JournalSession[] = [];
    for (const id of await this.ids()) {
      const result = await readSession(this.dir, id);
      if (result.status === 'ok') sessions.push(result.session);
    }
    return sessions.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
  }

  /** What unfinished sessions left behind, oldest session first; a damaged file is one item, never a crash. */
  async pending(): Promise<PendingItem[]> {
    const found: { startedAt: string; items: PendingItem[] }[] = [];
    for (const id of await this.ids()) {
      const result = await readSession(this.dir, id);
      if (result.status === 'ok') found.push({ startedAt: result.session.startedAt, items: pendingItems(result.session) });
      // Damaged files sort first: what they hid may be the most urgent.
      else if (result.status === 'unreadable') found.push({ startedAt: '', items: [unreadableItem(id, sessionFile(this.dir, id), result.problem)] });
    }
    return found.sort((a, b) => a.startedAt.localeCompare(b.startedAt)).flatMap((entry) => entry.items);
  }

  private async ids(): Promise<string[]> {
    try {
      return await listSessionIds(this.dir);
    } catch (error) {
      throw failed('JOURNAL_UNREADABLE', `The journal folder ${this.dir} cannot be listed (${errnoCode(error) ?? 'unknown error'}).`, 'Check its permissions.', error);
    }
  }
}
