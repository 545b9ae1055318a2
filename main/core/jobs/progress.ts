/**
 * Progress reporting for long work (write, wipe, verify, monitor).
 *
 * Work reports raw byte counts as often as it likes; the reporter turns them into events of
 * the contract's shape and lets at most one through per interval (4 Hz by default), so neither
 * the CLI's bar nor the wizard is flooded. The first and the final report always pass.
 */
export interface ProgressEvent {
  jobId: string;
  phase: string;
  bytesDone: number;
  bytesTotal: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
}

export const MAX_PROGRESS_HZ = 4;

export interface ProgressReporterOptions {
  jobId: string;
  emit: (event: ProgressEvent) => void;
  /** Minimum milliseconds between two events; 250 ms is the 4 Hz ceiling. */
  intervalMs?: number;
  now?: () => number;
}

export class ProgressReporter {
  private readonly jobId: string;
  private readonly emit: (event: ProgressEvent) => void;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private lastEmitAt = Number.NEGATIVE_INFINITY;
  private phase = '';
  private phaseStartedAt = 0;
  private phaseStartBytes = 0;

  constructor(options: ProgressReporterOptions) {
    this.jobId = options.jobId;
    this.emit = options.emit;
    this.intervalMs = Math.max(options.intervalMs ?? 1000 / MAX_PROGRESS_HZ, 1000 / MAX_PROGRESS_HZ);
    this.now = options.now ?? (() => performance.now());
  }

  /** Reports progress; returns true when an event was emitted. */
  report(phase: string, bytesDone: number, bytesTotal: number, options: { final?: boolean } = {}): boolean {
    const at = this.now();
    if (phase !== this.phase) {
      this.phase = phase;
      this.phaseStartedAt = at;
      this.phaseStartBytes = bytesDone;
    }
    if (options.final !== true && at - this.lastEmitAt < this.intervalMs) return false;
    this.lastEmitAt = at;
    const elapsedSeconds = (at - this.phaseStartedAt) / 1000;
    const bytesPerSecond = elapsedSeconds > 0 ? Math.round((bytesDone - this.phaseStartBytes) / elapsedSeconds) : 0;
    const remaining = Math.max(bytesTotal - bytesDone, 0);
    const etaSeconds = remaining === 0 ? 0 : bytesPerSecond > 0 ? Math.ceil(remaining / bytesPerSecond) : null;
    this.emit({ jobId: this.jobId, phase, bytesDone, bytesTotal, bytesPerSecond, etaSeconds });
    return true;
  }
}
