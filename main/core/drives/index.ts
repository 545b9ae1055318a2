/**
 * Drives: list them (drivelist, plus loop devices and image files), decide which may be written
 * and why not, and hold on to the identity of the one the user chose.
 */
export type { Drive, DriveAssessment, DriveKind, DrivePurpose, Reason } from './types';
export { describeImage, listDrives, resolveTarget } from './list';
export { KNOWN_GOOD_MAX_BYTES, MIN_DRIVE_BYTES, MIN_SANITIZE_BYTES, assessDrive, offerUnmount, requireEligible, type UnmountConsent } from './eligibility';
export { IDENTITY_BYTES, assertSameDrive, describeDrive, takeIdentity, type DriveIdentity } from './identity';
export { detailsFromLsblk, drivesFromLsblk, fromDrivelist, loopDevicesFromLsblk, type DriveDetails, type SysfsFacts } from './normalize';
export { displayNameOf, formatSize } from './format';
export { isSystemMountpoint } from './mountpoints';
export { readSysfsAttribute } from './sysfs';
