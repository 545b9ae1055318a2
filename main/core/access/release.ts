/**
 * Making a drive safe to remove. Its data is already flushed (fsync) when this runs; the system
 * is also asked to release it, its own way (platform.ts): Linux powers it off through UDisks2
 * (Drive.PowerOff, authorised for this drive alone, so its light goes out and the technician
 * knows it is done) and detaches a loop device (Loop.Delete) only when asked to release it;
 * macOS ejects it with diskutil; Windows says how to remove it.
 */
import type { Drive } from '../drives/types';
import { driveAccess, type EjectResult } from './platform';

const nothingToDo = (detail: string): EjectResult => ({ attempted: false, ejected: false, detail });

/**
 * Releases the drive: powers a real drive off, detaches a loop device. Errors are typed
 * (AUTHORIZATION_DENIED, DRIVE_ACCESS_UNAVAILABLE…) for the `eject` command to report.
 * `interactive: false`: never a password prompt for it (polkit's no stands instead).
 */
export async function releaseDrive(drive: Drive, options: { interactive?: boolean } = {}): Promise<EjectResult> {
  if (drive.kind === 'image') return nothingToDo('an image file: nothing to eject');
  return driveAccess().release(drive, { interactive: options.interactive ?? true });
}

/**
 * After a write: a real drive is released if the system allows it without asking anyone (as a
 * desktop does for the person at it; no second prompt after the write's), and the write succeeds
 * whatever happens here (the data is flushed and verified): a drive that stays on says so.
 * Virtual drives (image files, loop devices) stay as they are.
 */
export async function ejectAfterWrite(drive: Drive): Promise<EjectResult> {
  if (drive.kind === 'image' || drive.kind === 'loop') return nothingToDo('virtual drive: flushed, nothing to eject');
  try {
    return await releaseDrive(drive, { interactive: false });
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/\.$/, '') : String(error);
    return { attempted: true, ejected: false, detail: `flushed, but the system did not release it (${reason}): wait for its light to stop blinking, then remove it` };
  }
}
