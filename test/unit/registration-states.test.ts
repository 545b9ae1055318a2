/**
 * The registration states in words (main/core/registration/states.ts), the one table the CLI's
 * monitor lines and the wizard's timeline read: every pair the API can report says something a
 * person understands, never the enum itself, and keeps the raw pair for support.
 */
import { describe, expect, it } from 'vitest';
import { describeRegistrationState, describeUpdateStatus, REGISTRATION_ADVICE, registrationStateLine } from '../../main/core/registration';

const PROVISIONING = ['AWAITING_PROVISIONING', 'PENDING', 'SUCCEEDED', 'FAILED', 'ERROR', 'DELETING'] as const;
const CONNECTION = ['ONLINE', 'OFFLINE', 'AWAITING_CREDENTIALS', 'NOT_AVAILABLE', 'ERROR'] as const;

describe('registration states in words', () => {
  it('says the states a technician meets in words', () => {
    expect(describeRegistrationState('AWAITING_PROVISIONING', 'NOT_AVAILABLE')).toEqual({ words: 'Waiting for the appliance to read the drive', advice: null, tone: 'waiting', raw: 'AWAITING_PROVISIONING / NOT_AVAILABLE' });
    expect(describeRegistrationState('PENDING', 'AWAITING_CREDENTIALS')).toMatchObject({ words: 'Credentials being exchanged', tone: 'working' });
    expect(describeRegistrationState('SUCCEEDED', 'ONLINE')).toMatchObject({ words: 'Registered and online', tone: 'done', advice: null });
    expect(describeRegistrationState('SUCCEEDED', 'NOT_AVAILABLE').words).toMatch(/checks every 30 seconds/);
  });

  it('gives each failure its advice and ends the watch on it', () => {
    expect(describeRegistrationState('FAILED', 'NOT_AVAILABLE')).toMatchObject({ words: 'Registration failed', tone: 'failed', advice: REGISTRATION_ADVICE.failed });
    expect(describeRegistrationState('ERROR', 'ERROR')).toMatchObject({ tone: 'failed', advice: REGISTRATION_ADVICE.error });
    expect(describeRegistrationState('DELETING', 'OFFLINE')).toMatchObject({ words: 'The device is being deleted', tone: 'failed', advice: REGISTRATION_ADVICE.deleting });
    // A connection error fails it whatever the provisioning says (the monitor stops on it).
    expect(describeRegistrationState('PENDING', 'ERROR')).toMatchObject({ tone: 'failed', advice: REGISTRATION_ADVICE.error });
    // Offline after registering may pass: watching goes on, with what to check.
    expect(describeRegistrationState('SUCCEEDED', 'OFFLINE')).toMatchObject({ tone: 'working', advice: REGISTRATION_ADVICE.offline });
  });

  it('words every pair the API defines without its enum, and keeps the raw pair', () => {
    for (const provisioning of PROVISIONING) {
      for (const connection of CONNECTION) {
        const state = describeRegistrationState(provisioning, connection);
        expect(state.raw).toBe(`${provisioning} / ${connection}`);
        expect(state.words).not.toMatch(/[A-Z]{2,}_|_[A-Z]{2,}|\b(PENDING|SUCCEEDED|FAILED|ONLINE|OFFLINE|DELETING|ERROR)\b/);
        if (state.tone === 'failed') expect(state.advice).not.toBeNull();
      }
    }
  });

  it('says plainly when a status is missing or unknown, rather than guessing', () => {
    expect(describeRegistrationState('UNKNOWN', 'UNKNOWN')).toMatchObject({ words: 'Status not reported yet', tone: 'waiting', advice: null });
    expect(describeRegistrationState('SOMETHING_NEW', 'ONLINE')).toMatchObject({ words: 'A status this app does not know', advice: REGISTRATION_ADVICE.unknown, raw: 'SOMETHING_NEW / ONLINE' });
  });

  it('gives the CLI its timeline line: time, words, then the raw pair', () => {
    expect(registrationStateLine('2026-12-05T10:00:00.000Z', 'PENDING', 'AWAITING_CREDENTIALS')).toBe('2026-12-05T10:00:00.000Z  Credentials being exchanged  (PENDING / AWAITING_CREDENTIALS)');
  });

  it('words an update job\'s status, and names an unknown one as it came', () => {
    expect(describeUpdateStatus('DOWNLOADING')).toBe('Downloading the new software');
    expect(describeUpdateStatus('COMPLETED')).toBe('Update completed');
    expect(describeUpdateStatus('PAUSED')).toBe('Update status PAUSED');
  });
});
