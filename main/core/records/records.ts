/**
 * What the app and the command line leave behind about their work: an audit entry per action
 * and the write-ahead journal of sessions. Both are bookkeeping: a record that cannot be written
 * never undoes or fails the action it describes (the drive is already written) — the problem is
 * reported, in words and with its code, and the work goes on.
 */
import path from 'node:path';
import { AuditLog, type AuditAction, type AuditOutcome, type AuditSubject } from '../audit';
import { toPanoramaUsbError } from '../errors';
import { Journal, type JournalDrive, type JournalInit, type JournalPatch, type JournalSession } from '../journal';

/** Where a record's problem is said: the app's log (stderr), the CLI's stderr and JSON document. */
export type RecordProblemReporter = (problem: string) => void;

/** The identifying facts of a drive, for the journal and the audit log (never its contents). */
export function driveFacts(drive: { path: string; model: string | null; serial: string | null; size: number | null }, name?: string): JournalDrive {
  return { path: drive.path, ...(name === undefined ? {} : { name }), model: drive.model, serial: drive.serial, size: drive.size };
}

/**
 * Whether a session's drive is this one: the same path, and — where both sides know it — the
 * same serial, so /dev/sdb given to another stick later is not taken for the first.
 */
export function sameDrive(recorded: JournalDrive | null, drive: JournalDrive): boolean {
  if (recorded === null || path.resolve(recorded.path) !== path.resolve(drive.path)) return false;
  return recorded.serial === null || drive.serial === null || recorded.serial === drive.serial;
}

export class Records {
  private audit: AuditLog | null = null;
  private journal: Journal | null = null;
  /** Per session, the last update queued: read-modify-write of one session must not interleave. */
  private readonly queues = new Map<string, Promise<void>>();
  private readonly problems: string[] = [];

  constructor(
    private readonly dataDir: string,
    private readonly report: RecordProblemReporter,
    /**
     * The app's own audit log and journal, when it has them open: one instance of each per process,
     * so their in-process queues keep every append and every update of a session in order.
     */
    opened: { audit?: AuditLog; journal?: Journal } = {},
  ) {
    this.audit = opened.audit ?? null;
    this.journal = opened.journal ?? null;
  }

  /** Every problem reported so far, in order (the CLI's JSON document carries them). */
  get reported(): readonly string[] {
    return this.problems;
  }

  private problem(text: string): void {
    this.problems.push(text);
    this.report(text);
  }

  /** Opened on first use (the CLI): a data folder that cannot be created is reported with each record that could not be written. */
  private auditLog(): AuditLog {
    this.audit ??= AuditLog.open(this.dataDir);
    return this.audit;
  }

  private sessions(): Journal {
    this.journal ??= Journal.open(this.dataDir);
    return this.journal;
  }

  /** Appends an audit entry; a failure is reported, never thrown. */
  async record(action: AuditAction, outcome: AuditOutcome, subject: AuditSubject): Promise<void> {
    try {
      await this.auditLog().append(action, outcome, subject);
    } catch (error) {
      const typed = toPanoramaUsbError(error);
      this.problem(`audit log: the ${action} entry could not be written (${typed.code}: ${typed.message})`);
    }
  }

  /** Records the outcome of something that failed, was refused or was cancelled, with its error code. */
  recordFailure(action: AuditAction, error: unknown, subject: AuditSubject): Promise<void> {
    const typed = toPanoramaUsbError(error);
    return this.record(action, typed.outcome, { ...subject, error: typed.code });
  }

  /** Begins a journal session; undefined (reported) when the journal cannot be written. */
  async begin(init: JournalInit): Promise<string | undefined> {
    try {
      return (await this.sessions().begin(init)).id;
    } catch (error) {
      const typed = toPanoramaUsbError(error);
      this.problem(`journal: the session could not be begun (${typed.code}: ${typed.message})`);
      return undefined;
    }
  }

  /** Updates a session when there is one; a journal failure is reported like an audit one. */
  update(sessionId: string | undefined, patch: (session: JournalSession) => JournalPatch): Promise<void> {
    if (sessionId === undefined) return Promise.resolve();
    const run = async (): Promise<void> => {
      try {
        const journal = this.sessions();
        const session = await journal.get(sessionId);
        if (session === null) return;
        await journal.update(sessionId, patch(session));
      } catch (error) {
        this.problem(`journal: session ${sessionId} could not be updated (${toPanoramaUsbError(error).code})`);
      }
    };
    const next = (this.queues.get(sessionId) ?? Promise.resolve()).then(run);
    this.queues.set(sessionId, next);
    void next.then(() => {
      if (this.queues.get(sessionId) === next) this.queues.delete(sessionId);
    });
    return next;
  }

  /**
   * Updates every unfinished session `matches` picks (except `skip`): a drive sanitized or a file
   * shredded by one command finishes that part of whichever sessions left it behind.
   */
  async updateEach(matches: (session: JournalSession) => boolean, patch: (session: JournalSession) => JournalPatch, skip?: string): Promise<void> {
    let sessions: JournalSession[];
    try {
      sessions = await this.sessions().list();
    } catch (error) {
      this.problem(`journal: the sessions could not be read (${toPanoramaUsbError(error).code})`);
      return;
    }
    for (const session of sessions) {
      if (session.finished || session.id === skip || !matches(session)) continue;
      await this.update(session.id, patch);
    }
  }
}
