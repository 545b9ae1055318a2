/** Importing an archive the user downloaded, and writing it to a drive. */
import path from 'node:path';
import { inspectArchiveFile, startArchiveWrite } from '../core/archive';
import type { CoreServices } from '../services';
import { detach, driveFacts, driveForRequest, journal, record, recordFailure, type Handlers } from './support';

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
    'archive.write': async ({ archivePath, drivePath, format, sessionId, training }) => {
      const drive = await driveForRequest(services, drivePath, training);
      const subject = { file: path.basename(archivePath), drive: drive.path, model: drive.model, serial: drive.serial, size: drive.size };
      try {
        const { jobId, result } = await startArchiveWrite(services.jobs, { archivePath, drivePath, format, ...services.writableKinds(training) });
        detach(
          result.then(
            async (written) => {
              await record(services, 'write', 'succeeded', { ...subject, sha256: written.sha256, verified: written.verified });
              await journal(services, sessionId, () => ({ drive: driveFacts(drive), driveHoldsArchive: true, driveSanitized: false }));
            },
            async (error: unknown) => {
              await recordFailure(services, 'write', error, subject);
              // A write stopped half-way may have left part of the archive on the drive: count it as there.
              await journal(services, sessionId, () => ({ drive: driveFacts(drive), driveHoldsArchive: true, driveSanitized: false }));
            },
          ),
        );
        return { jobId };
      } catch (error) {
        await recordFailure(services, 'write', error, subject);
        throw error;
      }
    },
  };
}
