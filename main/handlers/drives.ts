/** The drive list, and ejecting a drive once the work on it is done. */
import { checkCapacity, saveVerdict } from '../core/capacity';
import { ejectTarget, openChosenDrive } from '../core/target';
import type { CoreServices } from '../services';
import { chosenForRequest, detach, driveForRequest, record, recordFailure, type Handlers } from './support';

export function driveHandlers(services: CoreServices): Handlers<'drives.list' | 'drives.eject' | 'drives.check'> {
  return {
    'drives.list': ({ all, purpose, training }) => services.listDrives(all, training, purpose),
    'drives.check': async ({ drivePath, training }) => {
      // Judged as for sanitizing (a fake is often "too small" for nothing), identity taken, nothing unmounted.
      const chosen = await chosenForRequest(services, drivePath, training, 'sanitize', []);
      const { drive } = chosen.assessment;
      const subject = { drive: drive.path, model: drive.model, serial: drive.serial, size: drive.size, mode: 'quick', keepData: true };
      const { jobId, result } = services.jobs.start('check', async (context) => {
        // Keeps the drive's data: nothing of its layout may be dropped.
        const target = await openChosenDrive(chosen, { replacesLayout: false });
        try {
          // Quick, and what it overwrites is put back: the wizard's check never costs the drive's data.
          return await checkCapacity(target, { quick: true, keepData: true, signal: context.signal, onProgress: (progress) => context.progress(progress.phase, progress.bytesDone, progress.bytesTotal) });
        } finally {
          target.close();
        }
      });
      detach(
        result.then(
          async (report) => {
            saveVerdict(services.options.dataDir, drive, report);
            await record(services, 'check', 'succeeded', { ...subject, verdict: report.verdict, counterfeit: report.counterfeit, usableBytes: report.usableBytes });
          },
          (error: unknown) => recordFailure(services, 'check', error, subject),
        ),
      );
      return { jobId };
    },
    'drives.eject': async ({ drivePath, unmount, training }) => {
      // Training's own drives only, and none that sits in the appliance.
      const drive = await driveForRequest(services, drivePath, training);
      const subject = { drive: drive.path, model: drive.model, serial: drive.serial };
      try {
        const { drive: _drive, ...result } = await ejectTarget(drivePath, { unmount });
        await record(services, 'eject', 'succeeded', { ...subject, ejected: result.ejected, unmounted: result.unmounted.join(', ') });
        return result;
      } catch (error) {
        await recordFailure(services, 'eject', error, subject);
        throw error;
      }
    },
  };
}
