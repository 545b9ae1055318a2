import type { CapacityCheck } from '../../preload/contract';
import { call } from '../lib/calls';
import { formatBytes } from '../lib/format';
import { useJob } from '../lib/hooks';
import { ErrorNotice } from './ErrorNotice';

const PHASES: Readonly<Record<string, string>> = {
  save: 'saving what it overwrites',
  write: 'writing tagged blocks',
  read: 'reading them back',
  refine: 'narrowing the real size down',
  restore: 'putting the data back',
};

/** The verdict in the same words as the CLI's `check`. */
function verdictText(report: CapacityCheck): string {
  switch (report.verdict) {
    case 'genuine':
      return `Genuine: it holds the ${formatBytes(report.sizeBytes)} it claims.`;
    case 'limbo':
      return `COUNTERFEIT: it claims ${formatBytes(report.sizeBytes)} but holds only ${formatBytes(report.usableBytes)}; what is written past that is lost. It will not be offered for provisioning.`;
    case 'wraparound':
      return `COUNTERFEIT: it claims ${formatBytes(report.sizeBytes)} but holds only ${formatBytes(report.usableBytes)}; writes past that land on its start. It will not be offered for provisioning.`;
    case 'bad-blocks':
      return `Failing: ${report.badBlocks} bad blocks (not counterfeit). Do not use it for the appliance.`;
  }
}

/**
 * "Check this drive": the quick capacity check, which puts back what it overwrites, on one
 * drive of a list; its progress, then its verdict in words.
 */
export function CapacityCheckAction({ drivePath, training }: { drivePath: string; training: boolean }) {
  const job = useJob();
  // The job's result is a CapacityCheck (the contract's drives.check).
  const report = job.end?.outcome === 'succeeded' ? (job.end.result as CapacityCheck) : null;
  const progress = job.progress;
  return (
    <div className="capacity-check" data-testid="capacity-check">
      {job.status === 'running' || job.status === 'starting' ? (
        <p role="status">
          Checking: {progress === null ? 'starting' : `${PHASES[progress.phase] ?? progress.phase}, ${progress.bytesTotal > 0 ? Math.floor((progress.bytesDone / progress.bytesTotal) * 100) : 0}%`}{' '}
          <button type="button" className="link" onClick={job.cancel}>
            Cancel
          </button>
        </p>
      ) : (
        <button type="button" className="link" onClick={() => void job.start(() => call('drives.check', { drivePath, training }))} data-testid="check-drive">
          Check this drive (quick; keeps its data)
        </button>
      )}
      {report === null ? null : (
        <p className={report.counterfeit || report.verdict === 'bad-blocks' ? 'notice notice--error' : 'success'} role="status" data-testid="check-verdict" data-verdict={report.verdict}>
          {verdictText(report)}
        </p>
      )}
      <ErrorNotice error={job.error} />
    </div>
  );
}
