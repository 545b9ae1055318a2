/**
 * Progress reporting for long work (write, wipe, verify, monitor).
 *
 * Work reports raw byte counts as often as it likes; the reporter turns them into events of
 * the contract's shape and lets at most one through per interval (4 Hz by default), so neither
 * the CLI's bar nor the wizard is flooded. The first report passes at once; a final one (a
 * phase's end) is never dropped but, inside the interval, waits for its turn, so the ceiling
 * holds even when phases change quickly.
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
  /** A final report waiting for the interval to pass, and its timer. */
  private pending: ProgressEvent | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private settled: (() => void)[] = [];

  constructor(options: ProgressReporterOptions) {
    this.jobId = options.jobId;
    this.emit = options.emit;
    this.intervalMs = Math.max(options.intervalMs ?? 1000 / MAX_PROGRESS_HZ, 1000 / MAX_PROGRESS_HZ);
    this.now = options.now ?? (() => performance.now());
  }

  /** Reports progress; returns true when an event was emitted now. */
  report(phase: string, bytesDone: number, bytesTotal: number, options: { final?: boolean } = {}): boolean {
    const at = this.now();
    if (phase !== this.phase) {
      this.phase = phase;
      this.phaseStartedAt = at;
      this.phaseStartBytes = bytesDone;
    }
    const event = this.eventAt(at, phase, bytesDone, bytesTotal);
    if (at - this.lastEmitAt >= this.intervalMs) {
      this.send(event, at);
      return true;
    }
    // Too soon: a final report (or a newer state while one waits) goes out when the interval ends.
    if (options.final === true || this.pending !== null) {
      this.pending = event;
      this.timer ??= this.arm(at);
    }
    return false;
  }

  /**
   * Sends the waiting report when the interval is over. Node's timers count from the event
   * loop's cached clock, which lags while the thread is busy (a keystream being made), so a
   * timer can fire early by that lag: then it waits again for the rest.
   * Not unref'd: work that waits in settle() for this report must keep the process alive (the CLI).
   */
  private arm(at: number): ReturnType<typeof setTimeout> {
    return setTimeout(() => {
      this.timer = null;
      const now = this.now();
      if (now - this.lastEmitAt < this.intervalMs) {
        this.timer = this.arm(now);
        return;
      }
      const waiting = this.pending;
      if (waiting !== null) this.send(waiting, now);
    }, Math.max(1, this.lastEmitAt + this.intervalMs - at));
  }

  /**
   * Resolves once no report is waiting (at most one interval): callers announce the end of the
   * work after it, so the last progress event still comes before the end, and in order.
   */
  settle(): Promise<void> {
    if (this.pending === null) return Promise.resolve();
    return new Promise((resolve) => {
      this.settled.push(resolve);
    });
  }

  private send(event: ProgressEvent, at: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
    this.lastEmitAt = at;
    this.emit(event);
    for (const resolve of this.settled.splice(0)) resolve();
  }

  private eventAt(at: number, phase: string, bytesDone: number, bytesTotal: number): ProgressEvent {
    const elapsedSeconds = (at - this.phaseStartedAt) / 1000;
    const bytesPerSecond = elapsedSeconds > 0 ? Math.round((bytesDone - this.phaseStartBytes) / elapsedSeconds) : 0;
    const remaining = Math.max(bytesTotal - bytesDone, 0);
    const etaSeconds = remaining === 0 ? 0 : bytesPerSecond > 0 ? Math.ceil(remaining / bytesPerSecond) : null;
    return { jobId: this.jobId, phase, bytesDone, bytesTotal, bytesPerSecond, etaSeconds };
  }
}
