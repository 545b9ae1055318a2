/** Importing an archive the user downloaded, and writing it to a drive. */
import path from 'node:path';
import { inspectArchiveFile, startArchiveWrite } from '../core/archive';
import { writeSubject } from '../core/records';
import type { CoreServices } from '../services';
import { detach, driveFacts, journal, namedDriveForRequest, record, recordFailure, type Handlers } from './support';

export function archiveHandlers(services: CoreServices): Handlers<'archive.inspect' | 'archive.write'> {
  return {
    'archive.inspect': async ({ path: archivePath, sessionId }) => {
      const file = path.basename(archivePath);
      try {
        const report = await inspectArchiveFile(archivePath);
        await record(services, 'inspect', 'succeeded', { file, sha256: report.sha256, deviceName: report.deviceName, expiresAt: report.certificateExpiresAt });
        await journal(services, sessionId, (session) => ({
          deviceName: report.deviceName,
          archive: { fileName: report.fileName, sha256: report.sha256, size: report.size },
          // The downloaded file is a local copy of the secret until it is shredded.
          localCopies: [...session.localCopies.filter((copy) => copy.path !== path.resolve(archivePath)), { path: path.resolve(archivePath), shredded: false }],
        }));
        return report;
      } catch (error) {
        await recordFailure(services, 'inspect', error, { file });
        throw error;
      }
    },
    'archive.write': async ({ archivePath, drivePath, format, unmount, sessionId, training }) => {
      const { drive, displayName } = await namedDriveForRequest(services, drivePath, training);
      const subject = writeSubject(path.basename(archivePath), drive);
      // Write-ahead: the journal says the drive holds the archive before the first byte goes to it,
      // so a crash at any moment of the write still leaves the drive on the pending list.
      const before = sessionId === undefined ? null : await services.journal.get(sessionId).catch(() => null);
      await journal(services, sessionId, () => ({ drive: driveFacts(drive, displayName), driveHoldsArchive: true, driveSanitized: false }));
      try {
        const { jobId, result } = await startArchiveWrite(services.jobs, { archivePath, drivePath, format, unmount, writer: services.archiveWriter, verdictsDir: services.options.dataDir, ...services.writableKinds(training) });
        detach(
          result.then(
            (written) => record(services, 'write', 'succeeded', { ...subject, sha256: written.sha256, verified: written.verified }),
            (error: unknown) => recordFailure(services, 'write', error, subject),
          ),
        );
        return { jobId };
      } catch (error) {
        // Refused before the job started: nothing was written, the journal goes back to what it said.
        await journal(services, sessionId, () => ({ drive: before?.drive ?? null, driveHoldsArchive: before?.driveHoldsArchive ?? false, driveSanitized: before?.driveSanitized ?? false }));
        await recordFailure(services, 'write', error, subject);
        throw error;
      }
    },
  };
}
