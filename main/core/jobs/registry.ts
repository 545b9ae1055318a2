import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { PanoramaUsbError, cancelled, refused, toPanoramaUsbError, type ErrorInfo } from '../errors';
import { ProgressReporter, type ProgressEvent } from './progress';

export interface JobContext {
  jobId: string;
  signal: AbortSignal;
  /** Throttled to at most 4 events a second; pass final: true for the last report of a phase. */
  progress: (phase: string, bytesDone: number, bytesTotal: number, options?: { final?: boolean }) => void;
}

export type JobEnd =
  | { jobId: string; kind: string; outcome: 'succeeded'; result: unknown }
  | { jobId: string; kind: string; outcome: 'failed' | 'cancelled'; error: ErrorInfo };

interface JobEvents {
  progress: [ProgressEvent];
  ended: [JobEnd];
}

interface RunningJob {
  kind: string;
  controller: AbortController;
}

/**
 * Runs long work as jobs with an id: progress events, cancellation through an AbortSignal,
 * and one `ended` event per job. The CLI's bars and the wizard's progress both listen here.
 */
export class JobRegistry {
  readonly events = new EventEmitter<JobEvents>();
  private readonly running = new Map<string, RunningJob>();

  start<T>(kind: string, work: (context: JobContext) => Promise<T>): { jobId: string; result: Promise<T> } {
    const jobId = randomUUID();
    const controller = new AbortController();
    this.running.set(jobId, { kind, controller });
    const reporter = new ProgressReporter({ jobId, emit: (event) => this.events.emit('progress', event) });
    const context: JobContext = {
      jobId,
      signal: controller.signal,
      progress: (phase, done, total, options) => {
        reporter.report(phase, done, total, options);
      },
    };
    const result = (async () => {
      try {
        const value = await work(context);
        await reporter.settle();
        this.events.emit('ended', { jobId, kind, outcome: 'succeeded', result: value });
        return value;
      } catch (error) {
        // Work that stops because of our abort may throw anything (AbortError, EBADF…): report it as the cancel it is.
        const typed = controller.signal.aborted && !(error instanceof PanoramaUsbError)
          ? cancelled('CANCELLED', `The ${kind} job was cancelled.`)
          : toPanoramaUsbError(error);
        await reporter.settle();
        this.events.emit('ended', { jobId, kind, outcome: typed.outcome === 'cancelled' ? 'cancelled' : 'failed', error: typed.toInfo() });
        throw typed;
      } finally {
        this.running.delete(jobId);
      }
    })();
    return { jobId, result };
  }

  cancel(jobId: string): void {
    const job = this.running.get(jobId);
    if (job === undefined) {
      throw refused('JOB_NOT_FOUND', `No running job has the id ${jobId}.`, 'It may have finished already; refresh the list of jobs.');
    }
    job.controller.abort();
  }

  list(): { jobId: string; kind: string }[] {
    return [...this.running].map(([jobId, job]) => ({ jobId, kind: job.kind }));
  }
}
