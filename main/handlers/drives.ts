/** The drive list, and ejecting a drive once the work on it is done. */
import { ejectTarget } from '../core/target';
import type { CoreServices } from '../services';
import { driveForRequest, record, recordFailure, type Handlers } from './support';

export function driveHandlers(services: CoreServices): Handlers<'drives.list' | 'drives.eject'> {
  return {
    'drives.list': ({ all, purpose, training }) => services.listDrives(all, training, purpose),
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
