/** `drives`, `format` and `files`: the drive and FAT32 commands of the CLI contract. */
import { formatTarget, normalizeLabel, withVolume, type FatEntry } from '../../core/disk';
import { assessDrive, describeDrive, formatSize, listDrives, resolveTarget, type DriveAssessment } from '../../core/drives';
import { chooseDrive, openChosenDrive } from '../../core/target';
import type { CliRuntime, CommandOutcome } from '../runtime';

function assessmentLines(assessment: DriveAssessment): string[] {
  const { drive } = assessment;
  const status = assessment.eligible ? (assessment.warnings.length > 0 ? 'usable, with warnings' : 'usable') : 'refused';
  const lines = [`${drive.path}  ${drive.size === null ? 'size unknown' : formatSize(drive.size)}  ${drive.description}  [${status}]`];
  for (const refusal of assessment.refusals) lines.push(`    refused: ${refusal.message}`);
  for (const warning of assessment.warnings) lines.push(`    warning: ${warning.message}`);
  return lines;
}

export async function drivesCommand(_runtime: CliRuntime, _args: string[], options: Record<string, unknown>): Promise<CommandOutcome> {
  const all = options['all'] === true;
  const assessments = (await listDrives()).map(assessDrive);
  const shown = all ? assessments : assessments.filter((assessment) => assessment.eligible);
  const hidden = assessments.length - shown.length;
  const lines = shown.flatMap(assessmentLines);
  if (shown.length === 0) lines.push('No usable drive found. Plug in a USB drive of at least 1 GB.');
  if (hidden > 0) lines.push(`${hidden} drive${hidden === 1 ? '' : 's'} hidden because they cannot be used; run with --all to see why.`);
  return { data: { drives: shown, hidden }, text: lines.join('\n') };
}

export async function formatCommand(runtime: CliRuntime, args: string[], options: Record<string, unknown>): Promise<CommandOutcome> {
  const [targetPath = ''] = args;
  const label = normalizeLabel(typeof options['label'] === 'string' ? options['label'] : 'PANORAMA');
  const chosen = await chooseDrive(targetPath);
  for (const warning of chosen.assessment.warnings) runtime.note(`warning: ${warning.message}`);
  await runtime.confirm('Erase everything on', describeDrive(chosen.assessment.drive));
  const target = await openChosenDrive(chosen);
  try {
    const result = await formatTarget(target, { label });
    return {
      data: { target: target.path, drive: chosen.assessment.drive, warnings: chosen.assessment.warnings, format: result },
      text: `Formatted ${describeDrive(chosen.assessment.drive)}: MBR with one FAT32 partition at 1 MiB, label ${result.label}, ${result.clusterBytes}-byte clusters.`,
    };
  } finally {
    target.close();
  }
}

function fileLine(entry: FatEntry): string {
  const modified = entry.modified === null ? '' : entry.modified.toISOString().slice(0, 16).replace('T', ' ');
  return `${entry.isDirectory ? '<dir>'.padStart(12) : String(entry.size).padStart(12)}  ${modified.padEnd(16)}  ${entry.path}`;
}

export async function filesCommand(_runtime: CliRuntime, args: string[]): Promise<CommandOutcome> {
  const [targetPath = ''] = args;
  // Reading needs no eligibility: listing a system disk's FAT partition harms nothing.
  const drive = await resolveTarget(targetPath);
  const { info, entries } = await withVolume(drive.path, { access: 'read' }, (volume) => ({ info: volume.info(), entries: volume.walk() }));
  const files = entries.map((entry) => ({ path: entry.path, size: entry.size, isDirectory: entry.isDirectory, modified: entry.modified?.toISOString() ?? null }));
  const header = `${describeDrive(drive)}: ${info.fatType} volume${info.label === null ? '' : ` "${info.label}"`}, ${formatSize(info.freeBytes)} free of ${formatSize(info.totalBytes)}`;
  const text = [header, ...(entries.length === 0 ? ['(no files)'] : entries.map(fileLine))].join('\n');
  return {
    data: { target: drive.path, volume: { fatType: info.fatType, label: info.label, clusterBytes: info.clusterBytes, totalBytes: info.totalBytes, freeBytes: info.freeBytes, startLba: info.window.startLba }, files },
    text,
  };
}
