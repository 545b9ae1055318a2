/**
 * What every group of handlers shares: the table type for a slice of the contract, the check
 * that a request writes only where it may, and the audit/journal bookkeeping that must never
 * break the operation it records.
 */
import path from 'node:path';
import type { InvokeChannel, ParsedRequestOf, ResponseOf } from '../../preload/contract';
import type { AuditAction, AuditOutcome, AuditSubject } from '../core/audit';
import { displayNameOf, resolveTarget, type Drive } from '../core/drives';
import { refused } from '../core/errors';
import { assertNotCounterfeit } from '../core/capacity';
import { chooseDrive, type ChosenDrive } from '../core/target';
import type { JournalSession } from '../core/journal';
import type { CoreServices } from '../services';

export type Handler<C extends InvokeChannel> = (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> | ResponseOf<C>;
export type Handlers<K extends InvokeChannel> = { readonly [C in K]: Handler<C> };

/**
 * Refuses a drive the request may not touch: in the Training world only its own virtual
 * drives, so a trainee can never reach a real disk, and none that sits in the appliance.
 */
async function checkWorldDrive(services: CoreServices, drivePath: string, training: boolean): Promise<string | null> {
  if (!services.inTraining(training)) return null;
  const world = await services.trainingWorld();
  if (!world.isVirtualDrive(drivePath)) {
    throw refused('TRAINING_MODE_ONLY', `Training works on its own virtual drives only; ${drivePath} is not one of them.`, 'Choose one of the training drives listed in the wizard.');
  }
  const virtual = world.drives().find((drive) => path.resolve(drive.path) === path.resolve(drivePath));
  // As with a real stick: it cannot be written, read or wiped here while the appliance holds it.
  if (virtual?.inAppliance === true) {
    throw refused('IN_APPLIANCE', 'This training drive is plugged into the appliance.', 'Unplug it from the appliance panel first.');
  }
  // The trainee's name for it ("Training drive 2"), as the drive list gave it.
  return virtual?.label ?? null;
}

/** The drive a request names, once checkWorldDrive allows it. */
export async function driveForRequest(services: CoreServices, drivePath: string, training: boolean): Promise<Drive> {
  return (await namedDriveForRequest(services, drivePath, training)).drive;
}

/** The same, with the name people know it by (the Training world's label for its drives). */
export async function namedDriveForRequest(services: CoreServices, drivePath: string, training: boolean): Promise<{ drive: Drive; displayName: string }> {
  const label = await checkWorldDrive(services, drivePath, training);
  const drive = await resolveTarget(drivePath);
  return { drive, displayName: label ?? displayNameOf(drive) };
}

/** The same for destructive work: the drive chosen (judged eligible for `purpose`, identity taken), resolved once; only the volumes in `unmount` may be unmounted. */
export async function chosenForRequest(services: CoreServices, drivePath: string, training: boolean, purpose: 'provision' | 'sanitize', unmount: readonly string[]): Promise<ChosenDrive> {
  const label = await checkWorldDrive(services, drivePath, training);
  const chosen = await chooseDrive(drivePath, purpose, { unmount });
  // An archive is never written to a drive its capacity check found counterfeit (`panorama-usb check`).
  if (purpose === 'provision') assertNotCounterfeit(services.options.dataDir, chosen.assessment.drive);
  return label === null ? chosen : { ...chosen, assessment: { ...chosen.assessment, displayName: label } };
}

export { driveFacts } from '../core/records';

/**
 * Records an action. An audit entry that cannot be written must not undo or fail the action it
 * describes (the drive is already written): the failure is reported on stderr, without data.
 */
export function record(services: CoreServices, action: AuditAction, outcome: AuditOutcome, subject: AuditSubject): Promise<void> {
  return services.records.record(action, outcome, subject);
}

/** Records the outcome of something that failed, with its error code. */
export function recordFailure(services: CoreServices, action: AuditAction, error: unknown, subject: AuditSubject): Promise<void> {
  return services.records.recordFailure(action, error, subject);
}

/** Updates a journal session when the request belongs to one; a journal failure is reported like an audit one. */
export function journal(services: CoreServices, sessionId: string | undefined, patch: (session: JournalSession) => Partial<Omit<JournalSession, 'id' | 'startedAt'>>): Promise<void> {
  return services.records.update(sessionId, patch);
}

/** Jobs' results reach the page as job.ended events; the promise itself only must not go unhandled. */
export function detach(result: Promise<unknown>): void {
  result.catch(() => undefined);
}
