/**
 * How the command line leaves the same trail as the wizard: an audit entry for how each action
 * ended, and — for commands that put a secret on a drive — a journal session written ahead of
 * the first byte, so a CLI killed mid-write leaves its drive on the pending list
 * (`panorama-usb pending`, the app's home screen).
 */
import path from 'node:path';
import type { AuditAction, AuditSubject } from '../core/audit';
import type { JournalInit, JournalPatch, JournalSession } from '../core/journal';
import { shredSubject, type Records } from '../core/records';
import type { ShredFilesReport } from '../core/sanitize/local';

/** Phases of a write from which the drive may hold (part of) the archive. */
const DRIVE_PHASES: ReadonlySet<string> = new Set(['format', 'write', 'verify', 'eject']);

export interface DriveWriteRecords<T> {
  action: Extract<AuditAction, 'write' | 'provision'>;
  subject: AuditSubject;
  /** The session as it stands right before the drive is touched (it will say the drive holds the archive). */
  session: JournalInit;
  /** What the audit entry and the session gain once the write succeeded. */
  onSuccess: (result: T) => { subject: AuditSubject; session: JournalPatch };
}

/**
 * Runs `work` (which reports its phases) with its records: the session is begun before the work,
 * and finished with nothing left behind if the work ended before the drive was touched.
 */
export async function recordDriveWrite<T>(records: Records, plan: DriveWriteRecords<T>, work: (phaseSeen: (phase: string) => void) => Promise<T>): Promise<T> {
  const sessionId = await records.begin({ ...plan.session, origin: 'cli', driveHoldsArchive: true, driveSanitized: false });
  // An object: the flag changes inside the callback, where control-flow analysis does not follow.
  const drive = { touched: false };
  try {
    const result = await work((phase) => {
      if (DRIVE_PHASES.has(phase)) drive.touched = true;
    });
    const done = plan.onSuccess(result);
    await records.record(plan.action, 'succeeded', { ...plan.subject, ...done.subject });
    await records.update(sessionId, () => done.session);
    return result;
  } catch (error) {
    await records.recordFailure(plan.action, error, plan.subject);
    // Refused, failed or cancelled before the drive was touched: nothing was left behind.
    if (!drive.touched) await records.update(sessionId, () => ({ driveHoldsArchive: false, finished: true }));
    throw error;
  }
}

export { recordWipes } from '../core/records';

/**
 * Runs a shred with a session naming every file as a local copy not yet shredded (a CLI killed
 * meanwhile leaves them on the pending list), and an audit entry per file as the wizard writes
 * it. A file shredded is marked so in every session that listed it.
 */
export async function recordShreds(records: Records, files: readonly string[], work: () => Promise<ShredFilesReport>): Promise<ShredFilesReport> {
  const given = files.map((file) => path.resolve(file));
  const sessionId = await records.begin({ origin: 'cli', localCopies: given.map((file) => ({ path: file, shredded: false })) });
  const report = await work();
  const shredded = new Set<string>();
  for (const outcome of report.outcomes) {
    if (outcome.status === 'shredded') shredded.add(path.resolve(outcome.path));
    const { outcome: ended, subject } = shredSubject(path.resolve(outcome.path), outcome.status, outcome.status === 'shredded' && outcome.result.guarantee === 'overwritten');
    await records.record('shred', ended, subject);
  }
  const markShredded = (session: JournalSession): JournalPatch => ({ localCopies: session.localCopies.map((copy) => (shredded.has(copy.path) ? { ...copy, shredded: true } : copy)) });
  await records.update(sessionId, (session) => ({ ...markShredded(session), finished: given.every((file) => shredded.has(file)) }));
  await records.updateEach((session) => session.localCopies.some((copy) => shredded.has(copy.path) && !copy.shredded), markShredded, sessionId);
  return report;
}
