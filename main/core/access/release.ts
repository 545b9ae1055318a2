/**
 * Making a drive safe to remove. Its data is already flushed (fsync) when this runs; on Linux the
 * OS is also asked to power the drive off — through UDisks2 (Drive.PowerOff), authorised for this
 * drive alone, so its light goes out and the technician knows it is done. A loop device is
 * detached (Loop.Delete) only when asked to release it: after a write it stays, as a training
 * drive would. As root without UDisks2, `losetup -d` and `eject` do the same.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Drive } from '../drives/types';
import { failed, PanoramaUsbError } from '../errors';
import { UDisks2Client } from './udisks2';

const execFileAsync = promisify(execFile);

export interface EjectResult {
  attempted: boolean;
  ejected: boolean;
  detail: string;
}

const nothingToDo = (detail: string): EjectResult => ({ attempted: false, ejected: false, detail });

async function releaseThroughUDisks2(drive: Drive, interactive: boolean): Promise<EjectResult> {
  const client = await UDisks2Client.connect();
  try {
    const done = await client.release(drive.path, { interactive });
    if (done === 'deleted') return { attempted: true, ejected: true, detail: `loop device ${drive.path} detached` };
    if (done === 'powered-off') return { attempted: true, ejected: true, detail: 'powered off: safe to remove' };
    return { attempted: true, ejected: false, detail: 'flushed; this drive cannot be powered off by the system: wait for its light to stop blinking, then remove it' };
  } finally {
    client.close();
  }
}

/** Root on a system without UDisks2: the tools themselves. */
async function releaseDirectly(drive: Drive): Promise<EjectResult> {
  const [command, args, done] = drive.kind === 'loop' ? ['losetup', ['-d', drive.path], `loop device ${drive.path} detached`] : ['eject', [drive.path], 'ejected: safe to remove'];
  try {
    await execFileAsync(command, args, { timeout: 30_000 });
    return { attempted: true, ejected: true, detail: done };
  } catch (error) {
    const detail = error instanceof Error && 'stderr' in error ? String(error.stderr).trim() : String(error);
    throw failed('EJECT_FAILED', `${drive.path} could not be released (${command}: ${detail}); its data is flushed.`, 'Wait for its light to stop blinking, then remove it.', error);
  }
}

/**
 * Releases the drive: powers a real drive off, detaches a loop device. Errors are typed
 * (AUTHORIZATION_DENIED, DRIVE_ACCESS_UNAVAILABLE…) for the `eject` command to report.
 * `interactive: false`: never a password prompt for it (polkit's no stands instead).
 */
export async function releaseDrive(drive: Drive, options: { interactive?: boolean } = {}): Promise<EjectResult> {
  if (drive.kind === 'image') return nothingToDo('an image file: nothing to eject');
  if (process.platform !== 'linux') return nothingToDo('flushed; eject it from the system tray (Windows) or Finder (macOS) before pulling it out');
  try {
    return await releaseThroughUDisks2(drive, options.interactive ?? true);
  } catch (error) {
    const unavailable = error instanceof PanoramaUsbError && error.code === 'DRIVE_ACCESS_UNAVAILABLE';
    if (!unavailable || process.geteuid?.() !== 0) throw error;
    return releaseDirectly(drive);
  }
}

/**
 * After a write: a real drive is powered off if the system allows it without asking anyone (as
 * a desktop does for the person at it; no second prompt after the write's), and the write succeeds
 * whatever happens here (the data is flushed and verified): a drive that stays on says so.
 * Virtual drives (image files, loop devices) stay as they are.
 */
export async function ejectAfterWrite(drive: Drive): Promise<EjectResult> {
  if (drive.kind === 'image' || drive.kind === 'loop') return nothingToDo('virtual drive: flushed, nothing to eject');
  try {
    return await releaseDrive(drive, { interactive: false });
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/\.$/, '') : String(error);
    return { attempted: true, ejected: false, detail: `flushed, but the system did not power it off (${reason}): wait for its light to stop blinking, then remove it` };
  }
}
