/** React hooks over the bridge: a job's life, events, polling, and time passing. */
import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { ErrorInfo, EventChannel, EventPayloadOf } from '../../preload/contract';
import { call, jobStore, subscribe, toErrorInfo, type JobState } from './calls';

export type JobStatus = 'idle' | 'starting' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface JobHandle extends JobState {
  jobId: string | null;
  status: JobStatus;
  /** The error of a refused start, or of a failed/cancelled job. */
  error: ErrorInfo | null;
  start: (begin: () => Promise<{ jobId: string }>) => Promise<void>;
  cancel: () => void;
  reset: () => void;
}

export function useJob(): JobHandle {
  const [jobId, setJobId] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<ErrorInfo | null>(null);
  const state = useSyncExternalStore(
    (listener) => jobStore.listen(listener),
    () => (jobId === null ? null : jobStore.get(jobId)),
  );
  const start = useCallback(async (begin: () => Promise<{ jobId: string }>) => {
    setStarting(true);
    setStartError(null);
    try {
      setJobId((await begin()).jobId);
    } catch (error) {
      setStartError(toErrorInfo(error));
    } finally {
      setStarting(false);
    }
  }, []);
  const cancel = useCallback(() => {
    if (jobId !== null) void call('job.cancel', { jobId }).catch(() => undefined);
  }, [jobId]);
  const reset = useCallback(() => {
    setJobId(null);
    setStartError(null);
  }, []);
  const end = state?.end ?? null;
  const status: JobStatus = starting ? 'starting' : startError !== null ? 'failed' : jobId === null ? 'idle' : end === null ? 'running' : end.outcome;
  const error = startError ?? (end !== null && end.outcome !== 'succeeded' ? end.error : null);
  return { jobId, status, error, progress: state?.progress ?? null, end, start, cancel, reset };
}

/** Listens to an event channel for the component's lifetime. */
export function useBridgeEvent<E extends EventChannel>(channel: E, listener: (payload: EventPayloadOf<E>) => void): void {
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => subscribe(channel, (payload) => latest.current(payload)), [channel]);
}

/** Calls `load` now and every `intervalMs` (drives plugged and unplugged show up live). */
export function usePolling<T>(load: () => Promise<T>, intervalMs: number): { value: T | null; error: ErrorInfo | null; refresh: () => void } {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [tick, setTick] = useState(0);
  const loader = useRef(load);
  useEffect(() => {
    loader.current = load;
  });
  useEffect(() => {
    let live = true;
    const run = (): void => {
      loader.current().then(
        (next) => {
          if (!live) return;
          setValue(next);
          setError(null);
        },
        (failure: unknown) => {
          if (live) setError(toErrorInfo(failure));
        },
      );
    };
    run();
    const timer = window.setInterval(run, intervalMs);
    return () => {
      live = false;
      window.clearInterval(timer);
    };
  }, [intervalMs, tick]);
  return { value, error, refresh: useCallback(() => setTick((count) => count + 1), []) };
}

/** The current time, updated every `intervalMs` (countdowns). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), intervalMs);
    return () => window.clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export interface Action {
  busy: boolean;
  error: ErrorInfo | null;
  /** Shows a problem found before any call (a dropped file without a path…). */
  setError: (error: ErrorInfo | null) => void;
  /** Runs one user action: busy while it runs, its error (if any) kept for an ErrorNotice. */
  run: (work: () => Promise<unknown>) => void;
}

/** A button's work: one action at a time, with its error shown, never an unhandled rejection. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const run = useCallback((work: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    work()
      .catch((failure: unknown) => setError(toErrorInfo(failure)))
      .finally(() => setBusy(false));
  }, []);
  return { busy, error, setError, run };
}
