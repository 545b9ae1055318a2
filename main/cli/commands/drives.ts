/** `drives`, `format`, `files` and `eject`: the drive and FAT commands of the CLI contract. */
import { withDriveVolume } from '../../core/access';
import { formatTarget, normalizeLabel, type FatEntry, type FormatResult } from '../../core/disk';
import { assessDrive, describeDrive, formatSize, listDrives, resolveTarget, type DriveAssessment, type DrivePurpose } from '../../core/drives';
import { refused } from '../../core/errors';
import { chooseDrive, ejectTarget, openChosenDrive, type EjectReport } from '../../core/target';
import type { CliRuntime, CommandOutcome } from '../runtime';
import { withUnmounts } from '../unmount';

function assessmentLines(assessment: DriveAssessment): string[] {
  const { drive } = assessment;
  const status = assessment.eligible ? (assessment.warnings.length > 0 ? 'usable, with warnings' : 'usable') : 'refused';
  const lines = [`${drive.path}  ${drive.size === null ? 'size unknown' : formatSize(drive.size)}  ${drive.description}  [${status}]`];
  for (const refusal of assessment.refusals) lines.push(`    refused: ${refusal.message}`);
  for (const warning of assessment.warnings) lines.push(`    warning: ${warning.message}`);
  return lines;
}

/** `--for provision` (the default: written for the appliance, 1 GB or more) or `--for sanitize` (erased and reformatted, any size). */
function listPurpose(value: unknown): Exclude<DrivePurpose, 'read'> {
  if (value === undefined || value === 'provision') return 'provision';
  if (value === 'sanitize') return 'sanitize';
  throw refused('INVALID_ARGUMENT', `--for must be provision or sanitize, got ${JSON.stringify(value)}.`, 'Run panorama-usb drives --help.');
}

export async function drivesCommand(_runtime: CliRuntime, _args: string[], options: Record<string, unknown>): Promise<CommandOutcome> {
  const all = options['all'] === true;
  const purpose = listPurpose(options['for']);
  const assessments = (await listDrives()).map((drive) => assessDrive(drive, purpose));
  const shown = all ? assessments : assessments.filter((assessment) => assessment.eligible);
  const hidden = assessments.length - shown.length;
  const lines = shown.flatMap(assessmentLines);
  if (shown.length === 0) lines.push(purpose === 'sanitize' ? 'No drive that can be sanitized found. Plug in the USB drives to erase.' : 'No usable drive found. Plug in a USB drive of at least 1 GB.');
  if (hidden > 0) lines.push(`${hidden} drive${hidden === 1 ? '' : 's'} hidden because they cannot be used; run with --all to see why.`);
  return { data: { drives: shown, hidden, purpose }, text: lines.join('\n') };
}

export async function formatCommand(runtime: CliRuntime, args: string[], options: Record<string, unknown>): Promise<CommandOutcome> {
  const [targetPath = ''] = args;
  const label = normalizeLabel(typeof options['label'] === 'string' ? options['label'] : 'PANORAMA');
  // `format` makes a provisioning drive: held to what the appliance needs.
  const chosen = await chooseDrive(targetPath, 'provision', { unmount: options['unmount'] === true });
  for (const warning of chosen.assessment.warnings) runtime.note(`warning: ${warning.message}`);
  await runtime.confirm(withUnmounts([chosen], 'Erase everything on'), describeDrive(chosen.assessment.drive));
  const records = await runtime.records();
  const { drive } = chosen.assessment;
  const subject = { drive: drive.path, model: drive.model, serial: drive.serial, size: drive.size, label };
  let result: FormatResult;
  try {
    const target = await openChosenDrive(chosen, { replacesLayout: true });
    try {
      result = await formatTarget(target, { label, requireFat32: true });
    } finally {
      target.close();
    }
  } catch (error) {
    await records.recordFailure('format', error, subject);
    throw error;
  }
  await records.record('format', 'succeeded', { ...subject, fatType: result.fatType, clusterBytes: result.clusterBytes });
  return {
    data: { target: drive.path, drive, warnings: chosen.assessment.warnings, format: result },
    text: `Formatted ${describeDrive(drive)}: MBR with one ${result.fatType} partition at 1 MiB, label ${result.label}, ${result.clusterBytes}-byte clusters.`,
  };
}

function fileLine(entry: FatEntry): string {
  const modified = entry.modified === null ? '' : entry.modified.toISOString().slice(0, 16).replace('T', ' ');
  return `${entry.isDirectory ? '<dir>'.padStart(12) : String(entry.size).padStart(12)}  ${modified.padEnd(16)}  ${entry.path}`;
}

export async function filesCommand(_runtime: CliRuntime, args: string[]): Promise<CommandOutcome> {
  const [targetPath = ''] = args;
  // Reading needs no eligibility: listing a system disk's FAT partition harms nothing.
  const drive = await resolveTarget(targetPath);
  const { info, entries } = await withDriveVolume(drive.path, {}, (volume) => ({ info: volume.info(), entries: volume.walk() }));
  const files = entries.map((entry) => ({ path: entry.path, size: entry.size, isDirectory: entry.isDirectory, modified: entry.modified?.toISOString() ?? null }));
  const header = `${describeDrive(drive)}: ${info.fatType} volume${info.label === null ? '' : ` "${info.label}"`}, ${formatSize(info.freeBytes)} free of ${formatSize(info.totalBytes)}`;
  const text = [header, ...(entries.length === 0 ? ['(no files)'] : entries.map(fileLine))].join('\n');
  return {
    data: { target: drive.path, volume: { fatType: info.fatType, label: info.label, clusterBytes: info.clusterBytes, totalBytes: info.totalBytes, freeBytes: info.freeBytes, startLba: info.window.startLba }, files },
    text,
  };
}

/** `eject TARGET [--unmount]`: makes a drive safe to remove (core/target's ejectTarget), recorded in the audit log. */
export async function ejectCommand(runtime: CliRuntime, args: string[], options: Record<string, unknown>): Promise<CommandOutcome> {
  const [targetPath = ''] = args;
  const records = await runtime.records();
  let report: EjectReport;
  try {
    report = await ejectTarget(targetPath, { unmount: options['unmount'] === true });
  } catch (error) {
    await records.recordFailure('eject', error, { drive: targetPath });
    throw error;
  }
  const { drive, ...result } = report;
  await records.record('eject', 'succeeded', { drive: drive.path, model: drive.model, serial: drive.serial, ejected: result.ejected, unmounted: result.unmounted.join(', ') });
  const text = `${describeDrive(drive)}: ${result.detail}.`;
  return { data: { target: drive.path, ...result }, text: text.charAt(0).toUpperCase() + text.slice(1) };
}
