import { describe, expect, it } from 'vitest';
import { EXIT_CODES, PanoramaUsbError, cancelled, exitCodeFor, failed, notAvailableYet, refused, toPanoramaUsbError } from '../../main/core/errors';

describe('typed errors', () => {
  it('map outcomes to the exit codes of the CLI contract', () => {
    expect(exitCodeFor(refused('DRIVE_CHANGED', 'x'))).toBe(2);
    expect(exitCodeFor(failed('WRITE_FAILED', 'x'))).toBe(1);
    expect(exitCodeFor(cancelled('CANCELLED', 'x'))).toBe(3);
    expect(exitCodeFor(new Error('plain'))).toBe(1);
    expect(EXIT_CODES.ok).toBe(0);
  });

  it('refuse codes that are not UPPER_SNAKE_CASE', () => {
    expect(() => refused('driveChanged', 'x')).toThrow(TypeError);
    expect(() => refused('DRIVE__CHANGED', 'x')).toThrow(TypeError);
  });

  it('carry the next step only when there is one', () => {
    expect(refused('A_B', 'msg', 'do this').toInfo()).toEqual({ code: 'A_B', message: 'msg', nextStep: 'do this' });
    expect(failed('A_B', 'msg').toInfo()).toEqual({ code: 'A_B', message: 'msg' });
  });

  it('wrap unknown errors as INTERNAL_ERROR without their stack', () => {
    const wrapped = toPanoramaUsbError(new Error('boom'));
    expect(wrapped).toBeInstanceOf(PanoramaUsbError);
    expect(wrapped.code).toBe('INTERNAL_ERROR');
    expect(JSON.stringify(wrapped.toInfo())).not.toContain('at ');
    const typed = refused('KEEP_ME', 'x');
    expect(toPanoramaUsbError(typed)).toBe(typed);
  });

  it('say plainly when a feature is not available yet', () => {
    const error = notAvailableYet('Sanitizing');
    expect(error.code).toBe('NOT_AVAILABLE_YET');
    expect(error.message).toMatch(/not available yet/);
  });
});
