/**
 * Which drives may be used, and why not — by purpose. Writing for the appliance is held to what
 * the appliance needs (1 GB or more, with warnings where it may not read the drive); erasing a
 * used drive only to what erasing and reformatting need, whatever the drive's size; reading logs
 * only to not being a system drive or a virtual device.
 */
import { MIN_FORMAT_BYTES } from '../disk';
import { refused } from '../errors';
import { busLabel, displayNameOf, formatSize } from './format';
import { isSystemMountpoint, unmountHint } from './mountpoints';
import type { Drive, DriveAssessment, DrivePurpose, Reason } from './types';

/** The appliance needs at least 1 GB (decimal, as drive labels count). */
export const MIN_DRIVE_BYTES = 1_000_000_000;
/**
 * Sanitizing needs room for the partition table (its first MiB) and the smallest FAT volume the
 * reformat makes after the wipe: the format's own floor (core/disk's MIN_FORMAT_BYTES, 3 MiB).
 */
export const MIN_SANITIZE_BYTES = MIN_FORMAT_BYTES;
/** 1–32 GB drives are known to work with the appliance; above 32 GiB we warn. */
export const KNOWN_GOOD_MAX_BYTES = 32 * 1024 ** 3;

function isTrainingDrive(drive: Drive): boolean {
  return drive.kind === 'loop' || drive.kind === 'image';
}

function systemReason(drive: Drive): Reason | null {
  const systemMounts = drive.mountpoints.filter((mountpoint) => isSystemMountpoint(mountpoint));
  if (systemMounts.length > 0) {
    return { code: 'SYSTEM_DRIVE', message: `it holds the running system (${systemMounts.join(', ')}): choose a removable USB drive instead` };
  }
  if (drive.system) {
    return { code: 'SYSTEM_DRIVE', message: 'it is an internal, non-removable drive, which is treated as a system drive: choose a removable USB drive instead' };
  }
  return null;
}

function readOnlyReason(drive: Drive): Reason {
  if (drive.kind === 'image') return { code: 'READ_ONLY', message: `the image file is not writable: allow writing (chmod u+w ${drive.path}) or choose another file` };
  if (drive.kind === 'loop') return { code: 'READ_ONLY', message: `it is a read-only loop device: detach it (losetup -d ${drive.path}) and attach the image again without -r` };
  return { code: 'READ_ONLY', message: 'it is write-protected: on an SD card, slide the lock switch away from LOCK and insert it again; otherwise choose another drive' };
}

function tooSmallForAppliance(drive: Drive): Reason | null {
  if (drive.size === null) {
    const message = drive.kind === 'card' || drive.kind === 'usb'
      ? 'its size is unknown (an empty card reader, or no medium inserted): insert a card of 1 GB or more, or choose another drive'
      : 'its size is unknown, so it cannot be checked against the 1 GB the appliance needs: choose another drive';
    return { code: 'TOO_SMALL', message };
  }
  if (drive.size >= MIN_DRIVE_BYTES) return null;
  const fix = drive.kind === 'image'
    ? `make the image at least 1 GB (truncate -s 2G ${drive.path})`
    : drive.kind === 'loop'
      ? 'attach an image of at least 1 GB instead (truncate -s 2G FILE, then losetup -f --show FILE)'
      : 'use a drive of 1 GB or more';
  return { code: 'TOO_SMALL', message: `it holds ${formatSize(drive.size)}, less than the 1 GB the appliance needs: ${fix}` };
}

/** Erasing needs no particular size, only room for the partition table and FAT volume written afterwards. */
function tooSmallToReformat(drive: Drive): Reason | null {
  if (drive.size === null) {
    const message = drive.kind === 'card' || drive.kind === 'usb'
      ? 'its size is unknown (an empty card reader, or no medium inserted): insert the card to erase, or choose another drive'
      : 'its size is unknown, so it cannot be erased to its end: choose another drive';
    return { code: 'TOO_SMALL', message };
  }
  if (drive.size >= MIN_SANITIZE_BYTES) return null;
  const floor = `${MIN_SANITIZE_BYTES / 1024 ** 2} MiB`;
  const fix = drive.kind === 'image'
    ? `make the image at least ${floor} (truncate -s 16M ${drive.path})`
    : drive.kind === 'loop'
      ? `attach an image of at least ${floor} instead`
      : 'a drive that reports so little is usually failing: do not reuse it, and destroy it physically if it held secrets';
  return { code: 'TOO_SMALL', message: `it holds ${formatSize(drive.size)}, too little for a partition table and the smallest FAT volume (at least ${floor}) to be written after erasing it: ${fix}` };
}

function mountedReason(drive: Drive, isSystem: boolean): Reason | null {
  // A system drive is refused for that; telling someone to unmount its other volumes would mislead.
  if (isSystem) return null;
  const mounts = drive.mountpoints.filter((mountpoint) => !isSystemMountpoint(mountpoint));
  if (mounts.length === 0) return null;
  const where = mounts.join(', ');
  if (drive.kind === 'loop') return { code: 'MOUNTED', message: `it is mounted at ${where}: unmount it (${unmountHint(drive.path, mounts)}) before using it` };
  return { code: 'MOUNTED', message: `it is mounted at ${where}: unmount it (${unmountHint(drive.path, mounts)}) but leave the drive plugged in` };
}

function notUsbReason(drive: Drive): Reason | null {
  if (isTrainingDrive(drive) || drive.bus === 'USB') return null;
  if (drive.kind === 'card') {
    return { code: 'NOT_USB', message: 'it is a card in a built-in reader, not a USB drive: the appliance reads USB drives, so it will need a USB card reader' };
  }
  const connection = drive.bus === null ? 'an unknown connection' : busLabel(drive.bus);
  return { code: 'NOT_USB', message: `it is connected over ${connection}, not USB: the appliance reads USB drives, so make sure this is the drive you will plug into it` };
}

/**
 * Every reason a drive cannot be used for `purpose` (refusals) or might disappoint (warnings).
 * Without a purpose, the strictest judgement: writing for the appliance.
 */
export function assessDrive(drive: Drive, purpose: DrivePurpose = 'provision'): DriveAssessment {
  const refusals: Reason[] = [];
  const warnings: Reason[] = [];
  const system = systemReason(drive);
  if (system !== null) refusals.push(system);
  if (drive.virtual && !isTrainingDrive(drive)) {
    refusals.push({ code: 'VIRTUAL_DEVICE', message: 'it is a virtual device (such as zram, a RAM-backed swap device), not a drive: choose a USB drive, or an image file or loop device for training' });
  }
  // Reading changes nothing: a write-protected or mounted drive (or one of any size) reads as well as another.
  if (purpose !== 'read') {
    if (drive.readOnly) refusals.push(readOnlyReason(drive));
    const tooSmall = purpose === 'provision' ? tooSmallForAppliance(drive) : tooSmallToReformat(drive);
    if (tooSmall !== null) refusals.push(tooSmall);
    const mounted = mountedReason(drive, system !== null);
    if (mounted !== null) refusals.push(mounted);
  }

  // Warnings help choose between drives that could be used, and they are about the appliance: noise on a
  // system or virtual device, and on a drive that is only erased or read.
  const unusableAnyway = refusals.some((reason) => reason.code === 'SYSTEM_DRIVE' || reason.code === 'VIRTUAL_DEVICE');
  if (unusableAnyway || purpose !== 'provision') return { drive, displayName: displayNameOf(drive), eligible: refusals.length === 0, refusals, warnings };
  if (drive.size !== null && drive.size > KNOWN_GOOD_MAX_BYTES) {
    warnings.push({ code: 'LARGE_DRIVE', message: `it holds ${formatSize(drive.size)}: 1–32 GB drives are known to work with the appliance; a larger one may not be read` });
  }
  const notUsb = notUsbReason(drive);
  if (notUsb !== null) warnings.push(notUsb);
  return { drive, displayName: displayNameOf(drive), eligible: refusals.length === 0, refusals, warnings };
}

const NEXT_STEPS: Readonly<Record<DrivePurpose, Readonly<Record<string, string>>>> = {
  provision: {
    TARGET_TOO_SMALL: 'Use a drive (or an image file) of at least 1 GB.',
    TARGET_READ_ONLY: 'Remove the write protection, or choose another drive.',
    DRIVE_INELIGIBLE: 'Choose another drive: the drive list shows why each drive can or cannot be used.',
  },
  sanitize: {
    TARGET_TOO_SMALL: `Only a drive of at least ${MIN_SANITIZE_BYTES / 1024 ** 2} MiB can be erased and reformatted; one that reports less is usually failing: do not reuse it.`,
    TARGET_READ_ONLY: 'Remove the write protection, or choose another drive.',
    DRIVE_INELIGIBLE: 'Choose another drive: `panorama-usb drives --for sanitize --all` shows why each drive can or cannot be sanitized.',
  },
  read: {
    DRIVE_INELIGIBLE: 'Choose the USB drive that was in the appliance: the drive list shows each drive.',
  },
};

/**
 * A drive refused only because its own volumes are mounted, offered as one that may be used once
 * they are unmounted: eligible, with the mount points in `unmount` and a WILL_UNMOUNT warning.
 * Any other assessment as it is (system drives are refused for being system drives, so never offered).
 */
export function offerUnmount(assessment: DriveAssessment): DriveAssessment {
  if (assessment.eligible || !assessment.refusals.every((reason) => reason.code === 'MOUNTED')) return assessment;
  const mounts = assessment.drive.mountpoints.filter((mountpoint) => !isSystemMountpoint(mountpoint));
  return { ...assessment, eligible: true, refusals: [], unmount: mounts, warnings: [...assessment.warnings, { code: 'WILL_UNMOUNT', message: `it is mounted at ${mounts.join(', ')}: it will be unmounted first` }] };
}

/**
 * May the drive's own mounted volumes be unmounted first? `true`: all of them (the CLI's
 * --unmount, whose confirmation names them); a list: only those the person agreed to in the
 * wizard, so a volume mounted after they chose the drive is never unmounted unseen.
 */
export type UnmountConsent = boolean | readonly string[];

/**
 * The assessment of a drive that may be used for `purpose` (the strictest, provisioning, by
 * default), or a refusal naming the drive and every reason. A drive refused only for its size or
 * only for write protection gets the CLI contract's specific codes (TARGET_TOO_SMALL,
 * TARGET_READ_ONLY) so scripts can tell those apart.
 */
export function requireEligible(drive: Drive, purpose: DrivePurpose = 'provision', options: { unmount?: UnmountConsent } = {}): DriveAssessment {
  const assessment = assessDrive(drive, purpose);
  if (assessment.eligible) return assessment;
  const codes = assessment.refusals.map((reason) => reason.code);
  if (codes.every((code) => code === 'MOUNTED')) {
    // Asked to: the drive's own volumes are unmounted right before the write (core/target), nothing else.
    const consent = options.unmount ?? false;
    if (consent === true) return offerUnmount(assessment);
    if (consent !== false) {
      const offered = offerUnmount(assessment);
      const unseen = (offered.unmount ?? []).filter((mountpoint) => !consent.includes(mountpoint));
      if (unseen.length === 0) return offered;
      throw refused('DRIVE_INELIGIBLE', `${drive.path} (${drive.description}) is mounted at ${unseen.join(', ')}, which was not among the volumes you agreed to unmount; nothing was changed.`, 'Choose the drive again: the drive list names every volume that will be unmounted.');
    }
    throw refused('DRIVE_INELIGIBLE', `${drive.path} (${drive.description}) cannot be used: ${assessment.refusals.map((reason) => reason.message).join('; ')}.`, 'Unmount it (leave it plugged in), or run the command again with --unmount to let panorama-usb unmount it.');
  }
  const code = codes.length === 1 && codes[0] === 'TOO_SMALL' ? 'TARGET_TOO_SMALL' : codes.length === 1 && codes[0] === 'READ_ONLY' ? 'TARGET_READ_ONLY' : 'DRIVE_INELIGIBLE';
  const reasons = assessment.refusals.map((reason) => reason.message).join('; ');
  throw refused(code, `${drive.path} (${drive.description}) cannot be used: ${reasons}.`, NEXT_STEPS[purpose][code]);
}
