/**
 * A drive chosen for destructive work: chosen (resolved, judged eligible, identity recorded),
 * then — after the person confirmed — opened for writing only if it is still the same drive.
 * Every command that erases or writes a drive goes through these two steps.
 */
import { driveAccess, openDrive, type ChosenDisk, type WritePlan } from '../access';
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

/** What the system is told about the chosen drive when it is checked again. */
function chosenDisk(chosen: ChosenDrive): ChosenDisk {
  const { drive } = chosen.assessment;
  return { path: drive.path, size: drive.size, model: drive.model, serial: drive.serial };
}

/**
 * Right before the first write: the drive must still be the one chosen (same size, model,
 * serial, partition table…), then it is opened exclusively. On the way, the system lets go of
 * it its own way (platform.ts): the consented volumes unmounted (Linux), the disk's volumes
 * unmounted (macOS), its volumes dropped with the layout `replacesLayout` says is rewritten anyway
 * (Windows) — each only once the drive is known to be the one chosen.
 */
export async function openChosenDrive(chosen: ChosenDrive, options: { replacesLayout: boolean }): Promise<BlockTarget> {
  const { drive } = chosen.assessment;
  const plan: WritePlan = { mountPoints: chosen.assessment.unmount ?? [], replacesLayout: options.replacesLayout };
  const access = driveAccess();
  const isDrive = drive.kind !== 'image' && access.isDrivePath(drive.path);
  if (isDrive && (plan.mountPoints.length > 0 || access.platform !== 'linux')) {
    // Nothing is unmounted or checked by the system for a drive that is not the one chosen.
    await assertSameDrive(chosen.identity);
    await access.beforeOpen(chosenDisk(chosen), plan);
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
    if (isDrive) await access.beforeFirstWrite(chosenDisk(chosen), plan);
  } catch (error) {
    target.close();
    throw error;
  }
  return target;
}

export { ejectTarget, type EjectReport } from './eject';
