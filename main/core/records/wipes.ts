/**
 * The journal's side of a batch of wipes, shared by the command line and the wizard: a session
 * per drive written before the first byte, finished as each result says.
 */
import type { JournalDrive, JournalWipe } from '../journal';
import { sameDrive, type Records } from './records';

/** Wipe failures that leave a drive in a state nobody knows, rather than one its certificate states. */
const INTERRUPTING_CODES: ReadonlySet<string> = new Set(['DRIVE_UNPLUGGED', 'DRIVE_NOT_RESPONDING']);

/**
 * Runs a batch of wipes (the CLI's or the wizard's: `origin`) with a session per drive that says
 * a wipe is under way (a process killed meanwhile leaves each drive on the pending list as not
 * sanitized). A drive overwritten whole
 * finishes every session that left it holding an archive or part-wiped; one that was not is
 * reported by the command itself; one unplugged mid-wipe stays pending as an interrupted wipe.
 */
export async function recordWipes<R extends { outcome: 'sanitized' | 'failed' | 'cancelled'; error: { code: string } | null }>(records: Records, drives: readonly JournalDrive[], wipe: JournalWipe, work: () => Promise<R[]>, origin: 'app' | 'cli' = 'cli'): Promise<R[]> {
  const sessions: (string | undefined)[] = [];
  for (const drive of drives) sessions.push(await records.begin({ origin, drive, wiping: wipe }));
  // A batch that throws (rather than reporting per drive) leaves its sessions open: what it did is unknown.
  const results = await work();
  for (const [index, result] of results.entries()) {
    const drive = drives[index];
    const sessionId = sessions[index];
    // A drive pulled out (or that stopped responding) mid-wipe may come back: its session stays
    // open as an interrupted wipe, on the pending list until the drive is sanitized.
    if (result.outcome !== 'sanitized' && INTERRUPTING_CODES.has(result.error?.code ?? '')) continue;
    // A quick erase leaves file contents in the data area: it ends its own session, and clears no archive.
    if (result.outcome !== 'sanitized' || wipe.method === 'quick' || drive === undefined) {
      await records.update(sessionId, () => ({ wiping: null, finished: true }));
      continue;
    }
    await records.update(sessionId, () => ({ wiping: null, driveSanitized: true, finished: true }));
    await records.updateEach((session) => sameDrive(session.drive, drive), () => ({ driveHoldsArchive: false, driveSanitized: true, wiping: null }), sessionId);
  }
  return results;
}

