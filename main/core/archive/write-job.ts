/**
 * The archive write as a job for the wizard: drive checks and the archive's refusals happen
 * before the job starts (so they come back as the invoke's error), then the write runs with
 * progress events and can be cancelled between phases.
 */
import { refused } from '../errors';
import { resolveTarget, type DriveKind, type UnmountConsent } from '../drives';
import type { JobRegistry } from '../jobs';
import { assertNotCounterfeit } from '../capacity';
import { chooseDrive } from '../target';
import { inspectArchiveBytes, readArchiveFile } from './inspect';
import { writeArchive, type ArchiveWriter, type WriteArchiveReport, type WritePhase } from './write';

const PHASES: readonly WritePhase[] = ['check', 'format', 'write', 'verify', 'eject'];

export interface ArchiveWriteRequest {
  archivePath: string;
  drivePath: string;
  format: boolean;
  /** The drive's mounted volumes the person agreed to have unmounted first (none by default). */
  unmount?: UnmountConsent;
  /** Training mode: only these kinds of drive may be written (image files, loop devices). */
  allowedKinds?: readonly DriveKind[];
  /** Where the write runs: a worker thread in the desktop app (see core/offthread); this thread by default. */
  writer?: ArchiveWriter;
  /** The data folder whose capacity verdicts refuse a counterfeit drive (`panorama-usb check`). */
  verdictsDir?: string;
}

export async function startArchiveWrite(jobs: JobRegistry, request: ArchiveWriteRequest): Promise<{ jobId: string; result: Promise<Omit<WriteArchiveReport, 'archive'>> }> {
  // Training mode's limit comes first: "not in Training mode" is the useful answer for a real drive.
  const { kind } = await resolveTarget(request.drivePath);
  if (request.allowedKinds !== undefined && !request.allowedKinds.includes(kind)) {
    throw refused('TRAINING_MODE_ONLY', `Training mode writes virtual drives only; ${request.drivePath} is a real drive.`, 'Choose a virtual drive, or leave Training mode to write real drives.');
  }
  const chosen = await chooseDrive(request.drivePath, 'provision', { unmount: request.unmount ?? false });
  // An archive is never written to a drive its capacity check found counterfeit: it would lose it.
  if (request.verdictsDir !== undefined) assertNotCounterfeit(request.verdictsDir, chosen.assessment.drive);
  const { bytes, fileName } = await readArchiveFile(request.archivePath);
  try {
    await inspectArchiveBytes(bytes, fileName);
  } catch (error) {
    bytes.fill(0);
    throw error;
  }
  return jobs.start('write', async (context) => {
    try {
      const report = await (request.writer ?? writeArchive)({ bytes, fileName }, chosen, {
        format: request.format,
        signal: context.signal,
        onPhase: (phase) => context.progress(phase, PHASES.indexOf(phase), PHASES.length, { final: true }),
      });
      context.progress('done', PHASES.length, PHASES.length, { final: true });
      // The full inspection report went to the wizard before; the job result is the write itself.
      const { archive: _archive, ...written } = report;
      return written;
    } finally {
      bytes.fill(0);
    }
  });
}
