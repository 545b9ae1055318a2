/**
 * Ejecting a drive (the CLI's `eject`, the wizard's "Eject"): a USB drive is powered off, a loop
 * device detached, through UDisks2 for a user who is not root. A system drive is never released;
 * a mounted one only with consent to unmount its own volumes, unmounted first.
 */
import { releaseDrive, unmountVolumes, type EjectResult } from '../access';
import { assessDrive, isSystemMountpoint, resolveTarget, type Drive, type UnmountConsent } from '../drives';
import { refused } from '../errors';

export interface EjectReport extends EjectResult {
  drive: Drive;
  /** The mount points unmounted first. */
  unmounted: string[];
}

export async function ejectTarget(targetPath: string, options: { unmount: UnmountConsent }): Promise<EjectReport> {
  const drive = await resolveTarget(targetPath);
  // Reading's rules: any size and write protection will do; a system or virtual device will not.
  const assessment = assessDrive(drive, 'read');
  if (!assessment.eligible) {
    throw refused('DRIVE_INELIGIBLE', `${drive.path} (${drive.description}) cannot be ejected here: ${assessment.refusals.map((reason) => reason.message).join('; ')}.`, 'Choose the USB drive or loop device to release: `panorama-usb drives --all` lists them.');
  }
  const mounts = drive.mountpoints.filter((mountpoint) => !isSystemMountpoint(mountpoint));
  const consent = options.unmount;
  const unseen = consent === true ? [] : mounts.filter((mountpoint) => consent === false || !consent.includes(mountpoint));
  if (unseen.length > 0) {
    throw refused('DRIVE_INELIGIBLE', `${drive.path} (${drive.description}) is mounted at ${unseen.join(', ')}; nothing was changed.`, 'Unmount it, or let panorama-usb unmount it first (--unmount on the command line).');
  }
  const unmounted = await unmountVolumes(drive.path, mounts);
  return { drive, unmounted, ...(await releaseDrive(drive)) };
}
