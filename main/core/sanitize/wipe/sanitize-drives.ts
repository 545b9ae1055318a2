/**
 * Sanitizing many drives at once (IT staff with a hub full of sticks). Every drive is re-checked
 * and opened exclusively right before its wipe, wipes run in parallel, and each drive ends with
 * its own result: one drive that changed, failed or was pulled out never stops the others.
 */
import type { BlockTarget } from '../../disk';
import { refused, toPanoramaUsbError } from '../../errors';
import { openChosenDrive, type ChosenDrive } from '../../target';
import { wipeCancelled } from './retry';
import type { SanitizeOptions, WipeResult } from './types';
import { assertWipeOptions, unstartedResult, wipeTarget } from './wipe';

async function sanitizeOne(chosen: ChosenDrive, options: SanitizeOptions, duplicate: boolean): Promise<WipeResult> {
  const drivePath = chosen.assessment.drive.path;
  const started = new Date();
  if (duplicate) {
    const error = refused('DUPLICATE_TARGET', `${drivePath} was given more than once: it is wiped once.`, 'List each drive once.');
    return unstartedResult(drivePath, options, started, error);
  }
  if (options.signal?.aborted === true) return unstartedResult(drivePath, options, started, wipeCancelled(drivePath));
  let target: BlockTarget;
  try {
    target = await openChosenDrive(chosen, { replacesLayout: true });
  } catch (error) {
    return unstartedResult(drivePath, options, started, toPanoramaUsbError(error));
  }
  try {
    return await wipeTarget(target, options);
  } catch (error) {
    return unstartedResult(drivePath, options, started, toPanoramaUsbError(error));
  } finally {
    target.close();
  }
}

/** Wipes every chosen drive, `concurrency` at a time (all at once by default); results in the given order. */
export async function sanitizeDrives(drives: readonly ChosenDrive[], options: SanitizeOptions): Promise<WipeResult[]> {
  assertWipeOptions(options);
  // Two entries for one drive would have two wipes writing the same blocks (image files take no O_EXCL lock).
  const seen = new Set<string>();
  const duplicates = drives.map((chosen) => {
    const key = chosen.identity.realPath;
    const again = seen.has(key);
    seen.add(key);
    return again;
  });
  const results: WipeResult[] = [];
  const asked = options.concurrency !== undefined && Number.isFinite(options.concurrency) ? Math.floor(options.concurrency) : drives.length;
  const workers = Math.max(1, Math.min(asked, drives.length));
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < drives.length; index = next++) {
      const chosen = drives[index];
      if (chosen !== undefined) results[index] = await sanitizeOne(chosen, options, duplicates[index] === true);
    }
  };
  await Promise.all(Array.from({ length: drives.length === 0 ? 0 : workers }, worker));
  return results;
}
