import { describe, expect, it } from 'vitest';
import { wipeSteps, wipeTimeLeft } from '../../main/core/sanitize/wipe/time-left';

const GB = 1_000_000_000;

describe('wipe time left', () => {
  it('lists each pass, then its verification when it has one', () => {
    expect(wipeSteps(2, GB, (pass) => pass === 2)).toEqual([{ kind: 'write', bytes: GB }, { kind: 'write', bytes: GB }, { kind: 'read', bytes: GB }]);
    expect(wipeSteps(2, GB, () => true).map((step) => step.kind)).toEqual(['write', 'read', 'write', 'read']);
  });

  it('times each step left at its own kind of speed', () => {
    const steps = wipeSteps(2, GB, () => true);
    // Halfway through verifying pass 1 at 400 MB/s, pass 1 written at 100 MB/s: 0.5 GB read + 1 GB write + 1 GB read.
    expect(wipeTimeLeft({ steps, bytesDone: 1.5 * GB, current: { kind: 'read', bytesPerSecond: 400e6 }, finished: { write: 100e6, read: null } })).toBe(Math.ceil(0.5 * GB / 400e6 + GB / 100e6 + GB / 400e6));
    // The same moment at the old "rest at the current speed" would say 7 s; this says 14.
    expect(wipeTimeLeft({ steps, bytesDone: 1.5 * GB, current: { kind: 'read', bytesPerSecond: 400e6 }, finished: { write: 100e6, read: null } })).toBe(14);
  });

  it('takes a kind not measured yet at the current speed, erring long', () => {
    const steps = wipeSteps(1, GB, () => true);
    expect(wipeTimeLeft({ steps, bytesDone: 0.25 * GB, current: { kind: 'write', bytesPerSecond: 50e6 }, finished: { write: null, read: null } })).toBe(Math.ceil(1.75 * GB / 50e6));
  });

  it('says 0 at the end and null while no speed is known', () => {
    const steps = wipeSteps(1, GB, () => false);
    expect(wipeTimeLeft({ steps, bytesDone: GB, current: { kind: 'write', bytesPerSecond: 0 }, finished: { write: null, read: null } })).toBe(0);
    expect(wipeTimeLeft({ steps, bytesDone: 0, current: { kind: 'write', bytesPerSecond: 0 }, finished: { write: null, read: null } })).toBeNull();
  });
});
