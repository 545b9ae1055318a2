/**
 * A drive chosen for destructive work: chosen (resolved, judged eligible, identity recorded),
 * then — after the person confirmed — opened for writing only if it is still the same drive.
 * Every command that erases or writes a drive goes through these two steps.
 */
import { BlockTarget } from '../disk';
import { assertSameDrive, requireEligible, resolveTarget, takeIdentity, type DriveAssessment, type DriveIdentity, type DrivePurpose } from '../drives';

export interface ChosenDrive {
  assessment: DriveAssessment;
  identity: DriveIdentity;
}

/**
 * Resolves TARGET, refuses drives the rules refuse for `purpose` — writing for the appliance
 * unless said otherwise; 'sanitize' accepts drives of any size that can be reformatted — and
 * records its identity. Nothing is written.
 */
export async function chooseDrive(targetPath: string, purpose: Exclude<DrivePurpose, 'read'> = 'provision'): Promise<ChosenDrive> {
  const drive = await resolveTarget(targetPath);
  const assessment = requireEligible(drive, purpose);
  return { assessment, identity: await takeIdentity(drive) };
}

/**
 * Right before the first write: the drive must still be the one chosen (same size, model,
 * serial, partition table…), then it is opened exclusively.
 */
export async function openChosenDrive(chosen: ChosenDrive): Promise<BlockTarget> {
  await assertSameDrive(chosen.identity);
  const { drive } = chosen.assessment;
  return BlockTarget.open(drive.path, { access: 'write', exclusive: true, ...(drive.size === null ? {} : { knownSize: drive.size }) });
}
