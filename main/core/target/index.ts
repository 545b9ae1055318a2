/**
 * A drive chosen for destructive work: chosen (resolved, judged eligible, identity recorded),
 * then — after the person confirmed — opened for writing only if it is still the same drive.
 * Every command that erases or writes a drive goes through these two steps.
 */
import { openDrive, unmountVolumes } from '../access';
import type { BlockTarget } from '../disk';
import { PanoramaUsbError, refused } from '../errors';
import { assertSameDrive, requireEligible, resolveTarget, takeIdentity, type DriveAssessment, type DriveIdentity, type DrivePurpose, type UnmountConsent } from '../drives';

/** An open that fails for these means the chosen drive went away between the choice and the write. */
const GONE: ReadonlySet<string> = new Set(['TARGET_NOT_FOUND', 'NO_MEDIUM', 'NOT_A_DRIVE_OR_IMAGE', 'DRIVE_UNPLUGGED']);

export interface ChosenDrive {
  assessment: DriveAssessment;
  identity: DriveIdentity;
}

/**
 * Resolves TARGET, refuses drives the rules refuse for `purpose` — writing for the appliance
 * unless said otherwise; 'sanitize' accepts drives of any size that can be reformatted — and
 * records its identity. Nothing is written.
 */
export async function chooseDrive(targetPath: string, purpose: Exclude<DrivePurpose, 'read'> = 'provision', options: { unmount?: UnmountConsent } = {}): Promise<ChosenDrive> {
  const drive = await resolveTarget(targetPath);
  const assessment = requireEligible(drive, purpose, options);
  return { assessment, identity: await takeIdentity(drive) };
}

/**
 * Right before the first write: the drive must still be the one chosen (same size, model,
 * serial, partition table…), then it is opened exclusively.
 */
export async function openChosenDrive(chosen: ChosenDrive): Promise<BlockTarget> {
  const { drive } = chosen.assessment;
  const mounted = chosen.assessment.unmount ?? [];
  if (mounted.length > 0) {
    // Only this drive's own volumes, and only once it is known to be the drive chosen.
    await assertSameDrive(chosen.identity);
    await unmountVolumes(drive.path, mounted);
  }
  // Opened first (through UDisks2 when this user may not open it), then checked through that very
  // descriptor: nothing is written to a drive that changed, and nothing else can slip in between.
  let target: BlockTarget;
  try {
    target = await openDrive(drive.path, { access: 'write', exclusive: true, ...(drive.size === null ? {} : { knownSize: drive.size }) });
  } catch (error) {
    if (error instanceof PanoramaUsbError && GONE.has(error.code)) {
      throw refused('DRIVE_CHANGED', `${drive.path} is no longer there (${error.message.replace(/\.$/, '')}): nothing was written.`, 'Plug the drive in again, then choose it again.');
    }
    throw error;
  }
  try {
    await assertSameDrive(chosen.identity, target);
  } catch (error) {
    target.close();
    throw error;
  }
  return target;
}

export { ejectTarget, type EjectReport } from './eject';
