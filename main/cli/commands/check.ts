/**
 * `check TARGET [--quick] [--keep-data]`: is the drive as big as it says? Writes position-tagged
 * blocks over the whole drive (or a sample, bisected, with --quick), reads them back around the
 * cache and gives a verdict; a counterfeit is then refused by `write` (DRIVE_COUNTERFEIT).
 * Destructive unless --quick --keep-data, and confirmed like `sanitize` when it is.
 */
import { defaultDataDir } from '../../core/app/data-dir';
import { checkCapacity, saveVerdict, type CapacityReport, type CheckProgress } from '../../core/capacity';
import { describeDrive, formatSize } from '../../core/drives';
import { refused } from '../../core/errors';
import { chooseDrive, openChosenDrive } from '../../core/target';
import type { CliRuntime, CommandOutcome } from '../runtime';
import { textBar } from '../status-block';
import { withUnmounts } from '../unmount';

/** Redraws at most 4 times a second. */
const STATUS_INTERVAL_MS = 250;

const PHASE_WORDS: Readonly<Record<CheckProgress['phase'], string>> = {
  save: 'saving what it overwrites',
  write: 'writing tagged blocks',
  read: 'reading them back',
  refine: 'narrowing the real size down',
  restore: 'putting the data back',
};

/** The verdict, in words a technician acts on. */
export function verdictText(report: CapacityReport, name: string): string {
  const claimed = formatSize(report.sizeBytes);
  const usable = formatSize(report.usableBytes);
  const how = `${report.mode === 'quick' ? 'quick check' : 'full check'}: ${report.blocksChecked} blocks of 4 KiB read back in ${report.seconds.toFixed(1)} s${report.dataKept ? ', data put back' : ''}`;
  switch (report.verdict) {
    case 'genuine':
      return `GENUINE: ${name} holds the ${claimed} it claims (${how}).`;
    case 'limbo':
      return `COUNTERFEIT: ${name} claims ${claimed} but holds only ${usable}: writes past byte ${report.usableBytes} are lost and read back empty (${how}). Do not use it: writing an archive to it will be refused.`;
    case 'wraparound':
      return `COUNTERFEIT: ${name} claims ${claimed} but holds only ${usable}: writes past it wrap around onto the start of the drive (${how}). Do not use it: writing an archive to it will be refused.`;
    case 'bad-blocks':
      return `FAILING: ${name} has ${report.badBlocks} bad block${report.badBlocks === 1 ? '' : 's'} of 4 KiB (the first at byte ${report.firstBadOffset ?? 0}), not at its end: it is not counterfeit but is failing (${how}). Do not use it for the appliance.`;
  }
}

export async function checkCommand(runtime: CliRuntime, args: string[], options: Record<string, unknown>): Promise<CommandOutcome> {
  const [targetPath = ''] = args;
  const quick = options['quick'] === true;
  const keepData = options['keepData'] === true;
  if (keepData && !quick) {
    throw refused('INVALID_OPTIONS', 'A full check overwrites every byte of the drive: --keep-data works with --quick only.', 'Run `panorama-usb check TARGET --quick --keep-data`, or a full check without --keep-data.');
  }
  // Any drive that could be erased (a counterfeit is often "too small" for nothing): judged as for sanitize.
  const chosen = await chooseDrive(targetPath, 'sanitize', { unmount: options['unmount'] === true });
  const { drive } = chosen.assessment;
  const name = describeDrive(drive);
  if (!keepData) {
    await runtime.confirm(withUnmounts([chosen], `Erase (check the capacity of: ${quick ? 'a sample of blocks' : 'every block'} overwritten)`), name);
  }
  const records = await runtime.records();
  const subject = { drive: drive.path, model: drive.model, serial: drive.serial, size: drive.size, mode: quick ? 'quick' : 'full', keepData };
  let report: CapacityReport;
  let drawnAt = 0;
  try {
    const target = await openChosenDrive(chosen, { replacesLayout: !keepData });
    try {
      report = await checkCapacity(target, {
        quick,
        keepData,
        signal: runtime.signal,
        onProgress: (progress) => {
          const now = Date.now();
          if (now - drawnAt < STATUS_INTERVAL_MS) return;
          drawnAt = now;
          const fraction = progress.bytesTotal > 0 ? progress.bytesDone / progress.bytesTotal : 0;
          runtime.status([`${drive.path}  ${textBar(fraction)} ${`${Math.floor(fraction * 100)}%`.padStart(4)}  ${PHASE_WORDS[progress.phase]}`]);
        },
      });
    } finally {
      target.close();
    }
  } catch (error) {
    await records.recordFailure('check', error, subject);
    throw error;
  }
  saveVerdict(defaultDataDir(), drive, report);
  await records.record('check', 'succeeded', { ...subject, verdict: report.verdict, counterfeit: report.counterfeit, usableBytes: report.usableBytes });
  const after = report.dataKept ? '' : ' The drive now holds test blocks only: sanitize or reformat it before use.';
  return { data: { ...report, drive }, text: `${verdictText(report, name)}${after}` };
}
