/**
 * The training world's virtual drives: image files under <dataDir>/training/drives/, made like a
 * drive fresh from the shop (MBR + FAT32, labelled TRAINING1…) so a trainee starts from what a
 * technician would find in the box, and judged by the same rules as real drives.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, ftruncateSync, openSync, readdirSync, renameSync, rmSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { BlockTarget, type TargetFormatter } from '../disk';
import { assessDrive, describeImage, formatSize, MIN_DRIVE_BYTES, type DriveAssessment, type DrivePurpose, type Reason } from '../drives';
import { failed, PanoramaUsbError } from '../errors';

export interface VirtualDrive {
  /** 'drive-1' */
  id: string;
  /** 'Training drive 1' */
  label: string;
  /** Absolute path of the image file. */
  path: string;
  size: number;
  inAppliance: boolean;
}

/** What a virtual drive is made of; whether it sits in the appliance is the world's business. */
export interface DriveSpec {
  id: string;
  label: string;
  path: string;
  size: number;
  volumeLabel: string;
}

export const IN_APPLIANCE: Reason = {
  code: 'IN_APPLIANCE',
  message: 'This training drive is plugged into the appliance. Unplug it from the appliance panel first.',
};

const TEMPORARY = /^drive-\d+\.img\..+\.tmp$/;

/**
 * The old stick: the kind IT staff sanitize every week, too small for the appliance. The
 * Sanitize flow offers it; the Provision flow shows it refused, with the reason.
 */
export const OLD_STICK_BYTES = 256 * 1024 ** 2;

/** The old stick comes after the `count` ordinary drives (its id keeps their pattern: the bridge accepts drive-N). */
export function oldStickSpec(drivesDir: string, count: number): DriveSpec {
  return { id: `drive-${count + 1}`, label: 'Old USB stick', path: path.resolve(drivesDir, `drive-${count + 1}.img`), size: OLD_STICK_BYTES, volumeLabel: 'OLDSTICK' };
}

export function driveSpecs(drivesDir: string, count: number, size: number): DriveSpec[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `drive-${index + 1}`,
    label: `Training drive ${index + 1}`,
    path: path.resolve(drivesDir, `drive-${index + 1}.img`),
    size,
    volumeLabel: `TRAINING${index + 1}`,
  }));
}

function statOrNull(file: string): Stats | null {
  try {
    return statSync(file);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return null;
    throw failed('TRAINING_DRIVE_UNUSABLE', `The training drive ${file} cannot be examined (${error instanceof Error ? error.message : String(error)}).`, 'Check the permissions of the app\'s data folder.', error);
  }
}

/**
 * Builds the drive in a temporary file and renames it into place: a crash half-way never leaves
 * an unformatted file with the right size (which start() would then keep), and an old drive
 * replaced on reset is swapped whole, never seen half-formatted by a drive list.
 */
async function buildDrive(spec: DriveSpec, format: TargetFormatter): Promise<void> {
  const temporary = `${spec.path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      // Sparse: three 1 GiB drives cost a few MiB of disk until something is written to them.
      ftruncateSync(fd, spec.size);
    } finally {
      closeSync(fd);
    }
    const target = await BlockTarget.open(temporary, { access: 'write' });
    try {
      await format(target, { label: spec.volumeLabel });
    } finally {
      target.close();
    }
    renameSync(temporary, spec.path);
  } catch (error) {
    rmSync(temporary, { force: true });
    if (error instanceof PanoramaUsbError) throw error;
    throw failed('TRAINING_DRIVE_UNWRITABLE', `The training drive ${spec.path} cannot be created (${error instanceof Error ? error.message : String(error)}).`, 'Check that the app\'s data folder is writable and has some free space.', error);
  }
}

/** Keeps a drive that exists with the right size (its content is the trainee's work); makes it otherwise. */
export async function ensureDrive(spec: DriveSpec, format: TargetFormatter): Promise<'kept' | 'created'> {
  const stats = statOrNull(spec.path);
  if (stats !== null && !stats.isFile()) {
    throw failed('TRAINING_DRIVE_UNUSABLE', `${spec.path} is not an image file.`, 'Move it out of the training folder, then start Training mode again.');
  }
  if (stats?.size === spec.size) return 'kept';
  await buildDrive(spec, format);
  return 'created';
}

/** A fresh drive in place of the old one, whatever it held. */
export async function recreateDrive(spec: DriveSpec, format: TargetFormatter): Promise<void> {
  await buildDrive(spec, format);
}

/** Temporary files a crash left behind while building a drive. */
export function removeLeftovers(drivesDir: string): void {
  for (const name of readdirSync(drivesDir)) {
    if (TEMPORARY.test(name)) rmSync(path.join(drivesDir, name), { force: true });
  }
}

/**
 * The virtual drive as the drive list shows it: described and judged for `purpose` like any
 * image file, and refused while it sits in the appliance (the appliance may be writing its logs to it).
 */
export async function assessVirtualDrive(drive: VirtualDrive, purpose: DrivePurpose = 'provision'): Promise<DriveAssessment> {
  const described = await describeImage(drive.path).catch((error: unknown) => {
    if (error instanceof PanoramaUsbError && error.code === 'TARGET_NOT_FOUND') {
      throw failed('TRAINING_DRIVE_MISSING', `${drive.label} (${drive.path}) is missing.`, 'Reset the training world: it re-creates the training drives.');
    }
    throw error;
  });
  const judged = assessDrive({ ...described, description: `${drive.label} (image file ${path.basename(drive.path)})` }, purpose);
  // The image-file advice ("truncate -s 2G …") is no use to a trainee: the old stick is small on purpose.
  const refusals = judged.refusals.map((reason) => (purpose === 'provision' && reason.code === 'TOO_SMALL' && drive.size < MIN_DRIVE_BYTES ? { code: reason.code, message: `it holds ${formatSize(drive.size)}, less than the 1 GB the appliance needs: it is here to practise sanitizing; write one of the training drives instead` } : reason));
  // The trainee knows the drive by the name on its (virtual) label, never by its image file.
  const assessment = { ...judged, displayName: drive.label, refusals };
  if (!drive.inAppliance) return assessment;
  return { ...assessment, eligible: false, refusals: [...assessment.refusals, IN_APPLIANCE] };
}
