import { describe, expect, it } from 'vitest';
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

  it('always lets the final report of a phase through', () => {
    const { reporter, events, clock } = reporterWithClock();
    reporter.report('verify', 0, 100);
    clock.now = 10;
    expect(reporter.report('verify', 50, 100)).toBe(false);
    expect(reporter.report('verify', 100, 100, { final: true })).toBe(true);
    expect(events.at(-1)).toMatchObject({ phase: 'verify', bytesDone: 100, etaSeconds: 0 });
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
