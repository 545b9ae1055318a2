import { describe, expect, it, vi } from 'vitest';
import { ProgressReporter, type ProgressEvent } from '../../main/core/jobs';

function reporterWithClock(): { reporter: ProgressReporter; events: ProgressEvent[]; clock: { now: number } } {
  const clock = { now: 0 };
  const events: ProgressEvent[] = [];
  const reporter = new ProgressReporter({ jobId: 'job-1', emit: (event) => events.push(event), now: () => clock.now });
  return { reporter, events, clock };
}

describe('ProgressReporter', () => {
  it('emits at most 4 events a second however often work reports', () => {
    const { reporter, events, clock } = reporterWithClock();
    // 10 seconds of reports every millisecond.
    for (let ms = 0; ms <= 10_000; ms += 1) {
      clock.now = ms;
      reporter.report('write', ms * 1000, 10_000_000);
    }
    expect(events.length).toBeLessThanOrEqual(41);
    expect(events.length).toBeGreaterThanOrEqual(39);
    for (let i = 1; i < events.length; i += 1) {
      // Consecutive events are at least 250 ms apart: measured through bytesDone (1 byte per µs here).
      expect((events[i]?.bytesDone ?? 0) - (events[i - 1]?.bytesDone ?? 0)).toBeGreaterThanOrEqual(250_000);
    }
  });

  it('never drops the final report of a phase, but holds it back to keep the 4 Hz ceiling', async () => {
    vi.useFakeTimers();
    try {
      const { reporter, events, clock } = reporterWithClock();
      reporter.report('verify', 0, 100);
      clock.now = 10;
      expect(reporter.report('verify', 50, 100)).toBe(false);
      expect(reporter.report('verify', 100, 100, { final: true })).toBe(false);
      expect(events).toHaveLength(1);
      const settled = reporter.settle();
      clock.now = 250;
      await vi.advanceTimersByTimeAsync(240);
      await settled;
      expect(events).toHaveLength(2);
      expect(events.at(-1)).toMatchObject({ phase: 'verify', bytesDone: 100, etaSeconds: 0 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps the ceiling when phases change faster than it: the latest state goes out at each turn', async () => {
    // The reporter's clock and its timers must agree: both come from the fake clock here.
    vi.useFakeTimers();
    try {
      const at: number[] = [];
      const events: ProgressEvent[] = [];
      const reporter = new ProgressReporter({
        jobId: 'job-2',
        emit: (event) => {
          at.push(Date.now());
          events.push(event);
        },
        now: () => Date.now(),
      });
      // A final report every 10 ms for 2 s, each in a phase of its own.
      for (let ms = 0; ms <= 2000; ms += 10) {
        reporter.report(`phase ${ms}`, ms, 2000, { final: true });
        await vi.advanceTimersByTimeAsync(10);
      }
      const settled = reporter.settle();
      await vi.advanceTimersByTimeAsync(250);
      await settled;
      expect(events.length).toBeGreaterThanOrEqual(8);
      for (let i = 1; i < at.length; i += 1) expect((at[i] ?? 0) - (at[i - 1] ?? 0)).toBeGreaterThanOrEqual(250);
      expect(events.at(-1)).toMatchObject({ phase: 'phase 2000', bytesDone: 2000 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('computes speed and time left per phase', () => {
    const { reporter, events, clock } = reporterWithClock();
    reporter.report('zero', 0, 1_000_000);
    clock.now = 1000;
    reporter.report('zero', 250_000, 1_000_000);
    expect(events.at(-1)).toMatchObject({ jobId: 'job-1', bytesPerSecond: 250_000, etaSeconds: 3 });
    clock.now = 2000;
    reporter.report('verify', 0, 1_000_000);
    expect(events.at(-1)).toMatchObject({ phase: 'verify', bytesPerSecond: 0, etaSeconds: null });
  });
});
