/** Where a drive left unfinished is now: by its serial wherever it is plugged, else by path and size. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { locateDrive } from '../../main/core/records';

const dir = mkdtempSync(path.join(tmpdir(), 'whereabouts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stick = { path: '/dev/sdb', model: 'Ultra', serial: '4C53000123', size: 32_000_000_000 };

describe('locateDrive', () => {
  it('finds a drive with a serial wherever it is plugged now', () => {
    expect(locateDrive(stick, [{ path: '/dev/sdc', serial: '4C53000123', size: 32_000_000_000 }])).toEqual({ state: 'present', path: '/dev/sdc' });
  });

  it('tells a drive gone from another drive now at its path', () => {
    expect(locateDrive(stick, [])).toEqual({ state: 'absent' });
    expect(locateDrive(stick, [{ path: '/dev/sdb', serial: 'OTHER', size: 32_000_000_000 }])).toEqual({ state: 'other-drive' });
    expect(locateDrive({ ...stick, serial: null }, [{ path: '/dev/sdb', serial: null, size: 16_000_000_000 }])).toEqual({ state: 'other-drive' });
    expect(locateDrive({ ...stick, serial: null }, [{ path: '/dev/sdb', serial: null, size: 32_000_000_000 }])).toEqual({ state: 'present', path: '/dev/sdb' });
  });

  it('takes an image file for itself while it is where it was, with its size', () => {
    const image = path.join(dir, 'drive.img');
    const recorded = { path: image, model: null, serial: null, size: 4096 };
    expect(locateDrive(recorded, [])).toEqual({ state: 'absent' });
    writeFileSync(image, Buffer.alloc(4096));
    expect(locateDrive(recorded, [])).toEqual({ state: 'present', path: image });
    writeFileSync(image, Buffer.alloc(8192));
    expect(locateDrive(recorded, [])).toEqual({ state: 'other-drive' });
  });
});
