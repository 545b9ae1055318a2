/** Sanitizing drives from the wizard: estimates, then parallel wipes with a certificate each. */
import { describeDrive } from '../core/drives';
import { buildCertificateRecord, checkCertificateFolder, writeCertificate, type WrittenCertificate } from '../core/sanitize/certificate';
import { estimateSeconds, sanitizeDrives, WIPE_METHODS, type WipeResult } from '../core/sanitize/wipe';
import type { ChosenDrive } from '../core/target';
import { toPanoramaUsbError } from '../core/errors';
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
      for (const drivePath of new Set(request.drivePaths)) chosen.push(await chosenForRequest(services, drivePath, request.training));
      const { jobId, result } = services.jobs.start('sanitize', async (context) => {
        const totals = new Map<string, { done: number; total: number }>();
        const results = await sanitizeDrives(chosen, {
          method: request.method,
          verify: request.verify,
          signal: context.signal,
          formatter: services.targetFormatter,
          passEngine: services.passEngine,
          onProgress: (progress) => {
            services.events.emit('sanitize.progress', { jobId: context.jobId, ...progress });
            totals.set(progress.target, { done: progress.bytesDone, total: progress.bytesTotal });
            const sum = [...totals.values()].reduce((all, one) => ({ done: all.done + one.done, total: all.total + one.total }), { done: 0, total: 0 });
            context.progress('sanitize', sum.done, sum.total);
          },
        });
        const rows = [];
        for (const [index, wipe] of results.entries()) {
          const drive = chosen[index]?.assessment.drive;
          if (drive === undefined) continue;
          let certificate: WrittenCertificate | null = null;
          if (request.certificateFolder !== null) {
            const record = buildCertificateRecord({ wipe, drive, ...(request.organisation === undefined || request.organisation === '' ? {} : { organisation: request.organisation }), ...(request.technician === undefined || request.technician === '' ? {} : { technician: request.technician }) });
            certificate = await writeCertificate(record, request.certificateFolder);
          }
          rows.push(summarize(wipe, describeDrive(drive), certificate));
        }
        return { results: rows };
      });
      detach(
        result.then(
          async ({ results }) => {
            for (const row of results) await record(services, 'sanitize', row.outcome === 'sanitized' ? 'succeeded' : row.outcome, { drive: row.target, method: row.method, nistLevel: row.nistLevel, verification: row.verification, recordSha256: row.certificate?.sha256 ?? null });
            const sanitized = new Set(results.filter((row) => row.outcome === 'sanitized').map((row) => row.target));
            await journal(services, request.sessionId, (session) => (session.drive !== null && sanitized.has(session.drive.path) ? { driveHoldsArchive: false, driveSanitized: true } : {}));
          },
          (error: unknown) => record(services, 'sanitize', toPanoramaUsbError(error).outcome, { drives: request.drivePaths.join(', '), error: toPanoramaUsbError(error).code }),
        ),
      );
      return { jobId };
    },
  };
}

function summarize(wipe: WipeResult, description: string, certificate: WrittenCertificate | null) {
  return {
    target: wipe.target,
    description,
    outcome: wipe.outcome,
    method: wipe.method,
    nistLevel: wipe.nistLevel,
    verification: wipe.verification,
    durationSeconds: wipe.durationSeconds,
    throughputBytesPerSecond: wipe.throughputBytesPerSecond,
    error: wipe.error,
    certificate,
  };
}
