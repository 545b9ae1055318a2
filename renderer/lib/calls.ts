/**
 * The wizard's way to call the app: `call` unwraps the contract's Result (errors become a
 * BridgeError carrying code, message and next step), and a small store keeps every job's and
 * event's latest state, subscribed once, so an event that arrives before its invoke answers is
 * never lost.
 */
import type { ErrorInfo, EventChannel, EventPayloadOf, InvokeChannel, JobEnd, JobProgress, RequestOf, ResponseOf } from '../../preload/contract';
import { getProvisioner } from '../bridge';

export class BridgeError extends Error {
  readonly code: string;
  readonly nextStep: string | undefined;

  constructor(info: ErrorInfo) {
    super(info.message);
    this.code = info.code;
    this.nextStep = info.nextStep;
  }

  get info(): ErrorInfo {
    return { code: this.code, message: this.message, ...(this.nextStep === undefined ? {} : { nextStep: this.nextStep }) };
  }
}

const NO_BRIDGE: ErrorInfo = { code: 'BRIDGE_UNAVAILABLE', message: "This page is not connected to the app's backend.", nextStep: 'Open it from the desktop app or from the URL printed by `npm run preview`.' };

export async function call<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const provisioner = getProvisioner();
  if (provisioner === null) throw new BridgeError(NO_BRIDGE);
  const result = await provisioner.invoke(channel, request);
  if (!result.ok) throw new BridgeError(result.error);
  return result.value;
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof BridgeError) return error.info;
  return { code: 'UNEXPECTED', message: error instanceof Error ? error.message : String(error) };
}

export function subscribe<E extends EventChannel>(channel: E, listener: (payload: EventPayloadOf<E>) => void): () => void {
  const provisioner = getProvisioner();
  if (provisioner === null) return () => undefined;
  return provisioner.on(channel, listener);
}

export interface JobState {
  progress: JobProgress | null;
  end: JobEnd | null;
}

type Listener = () => void;

/** One shared empty state: React's store snapshots must stay the same object until something changes. */
const NO_JOB_STATE: JobState = Object.freeze({ progress: null, end: null });

/** Every job's latest progress and its end, by job id. */
class JobStore {
  private readonly jobs = new Map<string, JobState>();
  private readonly listeners = new Set<Listener>();
  private subscribed = false;

  private ensureSubscribed(): void {
    if (this.subscribed) return;
    this.subscribed = true;
    subscribe('job.progress', (progress) => this.update(progress.jobId, { progress }));
    subscribe('job.ended', (end) => this.update(end.jobId, { end }));
  }

  private update(jobId: string, patch: Partial<JobState>): void {
    const previous = this.jobs.get(jobId) ?? { progress: null, end: null };
    this.jobs.set(jobId, { ...previous, ...patch });
    for (const listener of this.listeners) listener();
  }

  get(jobId: string): JobState {
    return this.jobs.get(jobId) ?? NO_JOB_STATE;
  }

  listen(listener: Listener): () => void {
    this.ensureSubscribed();
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export const jobStore = new JobStore();
