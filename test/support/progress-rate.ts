import { expect } from 'vitest';
import { MAX_PROGRESS_HZ } from '../../main/core/jobs/progress';

/**
 * Checks times (ms) at which progress events reached a listener against the 4 Hz ceiling.
 * A listener's clock reading trails the reporter's by whatever ran in between (a GC pause, a
 * busy loop on a loaded machine), so one gap can look a few ms short of 250 while the reporter
 * kept to it; what must hold is the ceiling itself: no second holds more than four events, and
 * no two events come close together. The exact 250 ms spacing is tested with the reporter's
 * own clock in test/unit/progress.test.ts.
 */
export function expectAtMostFourPerSecond(times: readonly number[], jitterMs = 25): void {
  const interval = 1000 / MAX_PROGRESS_HZ;
  for (let index = 1; index < times.length; index += 1) expect((times[index] ?? 0) - (times[index - 1] ?? 0)).toBeGreaterThanOrEqual(interval - jitterMs);
  for (let index = MAX_PROGRESS_HZ; index < times.length; index += 1) {
    expect((times[index] ?? 0) - (times[index - MAX_PROGRESS_HZ] ?? 0)).toBeGreaterThanOrEqual(1000 - jitterMs);
  }
}
