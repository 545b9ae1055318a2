/** Sanitizing drives from the wizard: estimates, then parallel wipes with a certificate each. */
import { describeDrive } from '../core/drives';
import { certifiedWipes, checkCertificateFolder, issueCertificates, type CertificateIssue } from '../core/sanitize/certificate';
import { estimateSeconds, sanitizeDrives, WIPE_METHODS, type WipeResult } from '../core/sanitize/wipe';
import type { ChosenDrive } from '../core/target';
import { toPanoramaUsbError } from '../core/errors';
import { driveFacts, recordWipes, sanitizeSubject } from '../core/records';
import type { CoreServices } from '../services';
import { chosenForRequest, detach, driveForRequest, journal, record, type Handlers } from './support';

export function sanitizeHandlers(services: CoreServices): Handlers<'sanitize.estimate' | 'sanitize.start'> {
  return {
    'sanitize.estimate': async ({ drivePath, training }) => {
      const drive = await driveForRequest(services, drivePath, training);
      const size = drive.size ?? 0;
      return Object.fromEntries(WIPE_METHODS.map((method) => [method, estimateSeconds(size, method, 'last')])) as Record<(typeof WIPE_METHODS)[number], number>;
    },
    'sanitize.start': async (request) => {
      // The certificate folder and every drive (and its identity) are checked before any drive is touched.
      if (request.certificateFolder !== null) await checkCertificateFolder(request.certificateFolder);
      const chosen: ChosenDrive[] = [];
      for (const drivePath of new Set(request.drivePaths)) chosen.push(await chosenForRequest(services, drivePath, request.training, 'sanitize', request.unmount));
      const names = new Map(chosen.map((drive) => [drive.assessment.drive.path, drive.assessment.displayName]));
      const { jobId, result } = services.jobs.start('sanitize', async (context) => {
        const totals = new Map<string, { done: number; total: number }>();
        // A session per drive before the first byte, as the command line keeps: a drive pulled out
        // (or the app killed) mid-wipe stays on the home screen's pending list.
        const results = await recordWipes(services.records, chosen.map((drive) => driveFacts(drive.assessment.drive, drive.assessment.displayName)), { method: request.method, verify: request.verify }, () => sanitizeDrives(chosen, {
          method: request.method,
          verify: request.verify,
          signal: context.signal,
          formatter: services.targetFormatter,
          passEngine: services.passEngine,
          onProgress: (progress) => {
            services.events.emit('sanitize.progress', { jobId: context.jobId, displayName: names.get(progress.target) ?? progress.target, ...progress });
            totals.set(progress.target, { done: progress.bytesDone, total: progress.bytesTotal });
            const sum = [...totals.values()].reduce((all, one) => ({ done: all.done + one.done, total: all.total + one.total }), { done: 0, total: 0 });
            context.progress('sanitize', sum.done, sum.total);
          },
        }), 'app');
        const wiped = certifiedWipes(results, chosen);
        // A certificate that cannot be written fails that drive's certificate only: every drive keeps its row.
        const issues = request.certificateFolder === null ? [] : await issueCertificates(wiped, request.certificateFolder, { organisation: request.organisation, technician: request.technician });
        // What this run wrote: the wizard's "Open" and "Download" reach these files and no others.
        for (const { certificate } of issues) {
          if (certificate !== null) for (const file of [certificate.jsonPath, certificate.pdfPath]) await services.writtenFiles.rememberWritten(file);
        }
        return { results: wiped.map(({ wipe, drive }, index) => summarize(wipe, describeDrive(drive), drive.displayName, issues[index] ?? null)) };
      });
      detach(
        result.then(
          async ({ results }) => {
            for (const row of results) {
              const { outcome, subject } = sanitizeSubject(row, row.certificate, row.certificateError);
              await record(services, 'sanitize', outcome, subject);
            }
            // A quick erase leaves file contents in the data area: only a whole overwrite clears the archive.
            const sanitized = new Set(results.filter((row) => row.outcome === 'sanitized' && row.method !== 'quick').map((row) => row.target));
            await journal(services, request.sessionId, (session) => (session.drive !== null && sanitized.has(session.drive.path) ? { driveHoldsArchive: false, driveSanitized: true } : {}));
          },
          (error: unknown) => record(services, 'sanitize', toPanoramaUsbError(error).outcome, { drives: request.drivePaths.join(', '), error: toPanoramaUsbError(error).code }),
        ),
      );
      return { jobId };
    },
  };
}

function summarize(wipe: WipeResult, description: string, displayName: string, issue: CertificateIssue | null) {
  return {
    target: wipe.target,
    description,
    displayName,
    outcome: wipe.outcome,
    method: wipe.method,
    nistLevel: wipe.nistLevel,
    verification: wipe.verification,
    unwrittenRanges: wipe.unwrittenRanges,
    unverifiedRanges: wipe.unverifiedRanges,
    durationSeconds: wipe.durationSeconds,
    throughputBytesPerSecond: wipe.throughputBytesPerSecond,
    error: wipe.error,
    certificate: issue?.certificate ?? null,
    certificateError: issue?.error ?? null,
  };
}
