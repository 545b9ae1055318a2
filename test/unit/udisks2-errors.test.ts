/**
 * How UDisks2's and D-Bus's error names become ours (the real daemons' answers are tested in
 * integration/access-udisks2; a dismissed password prompt needs a desktop agent, so its name is
 * given here as the daemon sends it).
 */
import { DBusError } from 'dbus-next';
import { describe, expect, it } from 'vitest';
import { classifyUDisks2Error } from '../../main/core/access/udisks2';
import { exitCodeFor } from '../../main/core/errors';

const error = (name: string, text = 'Not authorized to perform operation'): DBusError => new DBusError(name, text);

describe('classifyUDisks2Error', () => {
  it.each([
    ['org.freedesktop.UDisks2.Error.NotAuthorizedDismissed', 'AUTHORIZATION_DISMISSED', 3],
    ['org.freedesktop.UDisks2.Error.NotAuthorizedCanObtain', 'AUTHORIZATION_DENIED', 2],
    ['org.freedesktop.UDisks2.Error.NotAuthorized', 'AUTHORIZATION_DENIED', 2],
    ['org.freedesktop.DBus.Error.ServiceUnknown', 'DRIVE_ACCESS_UNAVAILABLE', 2],
    ['org.freedesktop.UDisks2.Error.DeviceBusy', 'DRIVE_BUSY', 2],
    ['org.freedesktop.UDisks2.Error.Failed', 'DRIVE_ACCESS_FAILED', 1],
  ])('%s is %s (exit %i), naming the device', (name, code, exit) => {
    const typed = classifyUDisks2Error(error(name), '/dev/sdb', 'open for writing');
    expect(typed.code).toBe(code);
    expect(exitCodeFor(typed)).toBe(exit);
    expect(typed.message).toContain('/dev/sdb');
    expect(typed.nextStep).toBeTruthy();
  });

  it('an error that only says "busy" in words is DRIVE_BUSY too', () => {
    expect(classifyUDisks2Error(error('org.freedesktop.UDisks2.Error.Failed', 'Error opening /dev/sdb: Device or resource busy'), '/dev/sdb', 'open').code).toBe('DRIVE_BUSY');
  });
});
