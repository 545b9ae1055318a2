/**
 * The simulator's timelines as pure functions of the clock: registration plans per scenario,
 * refusals that cancel what was planned, jobs and their effect on the device, the aggregated
 * status, and the appliance's log — all at exact instants, with no timers and no server.
 */
import { describe, expect, it } from 'vitest';
import { DELAYS, SOFTWARE, interrupt, planDeletion, planJob, planRegistration, refuseExpiredCertificate, refuseReusedArchive } from '../../main/core/simulator/lifecycle';
import type { DeviceRecord, JobRecord } from '../../main/core/simulator/model';
import type { ScenarioName } from '../../main/core/simulator/scenarios';
import { aggregatedStatus, compareVersions, deviceStateAt, isGone, jobStatusAt, logLinesAt } from '../../main/core/simulator/view';

const T0 = Date.UTC(2026, 10, 22, 10, 0, 0);
const SECOND = 1000;

function device(overrides: Partial<DeviceRecord> = {}): DeviceRecord {
  return {
    deviceId: 'device-aaaaaaaaaaaaaaaaaaaaaaaaaa',
    name: 'lobby-cam-01',
    tags: {},
    networking: { Ethernet0: { ConnectionType: 'DHCP' } },
    createdAt: T0,
    metadataUpdatedAt: T0,
    certificateSha256: 'a'.repeat(64),
    certificateNotAfter: T0 + 300 * SECOND,
    archiveSha256: 'b'.repeat(64),
    provisionedUnder: 'success',
    timeline: [{ at: T0, provisioningStatus: 'AWAITING_PROVISIONING', connectionStatus: 'NOT_AVAILABLE', lights: 'off' }],
    log: [],
    ...overrides,
  };
}

function registered(scenario: ScenarioName, timeScale = 1): DeviceRecord {
  const record = device();
  planRegistration(record, { now: T0 + 60 * SECOND, timeScale }, { scenario, region: 'us-east-1', archiveName: 'certificates-omni_lobby-cam-01.zip', archiveSha256: 'b'.repeat(64), archiveMatches: true, serialNumber: '123456789012' });
  return record;
}

const at = (seconds: number): number => T0 + 60 * SECOND + seconds * SECOND;

describe('registration timelines', () => {
  it('success: PENDING for 20 s, SUCCEEDED, then ONLINE 5 s later', () => {
    const record = registered('success');
    expect(deviceStateAt(record, at(-1))).toMatchObject({ provisioningStatus: 'AWAITING_PROVISIONING', connectionStatus: 'NOT_AVAILABLE', lights: 'off' });
    expect(deviceStateAt(record, at(0))).toMatchObject({ provisioningStatus: 'PENDING', connectionStatus: 'AWAITING_CREDENTIALS', lights: 'blue-slow', currentSoftware: SOFTWARE.installed });
    expect(deviceStateAt(record, at(19.9)).provisioningStatus).toBe('PENDING');
    expect(deviceStateAt(record, at(20))).toMatchObject({ provisioningStatus: 'SUCCEEDED', connectionStatus: 'AWAITING_CREDENTIALS', lights: 'blue-slow' });
    expect(deviceStateAt(record, at(25))).toMatchObject({ provisioningStatus: 'SUCCEEDED', connectionStatus: 'ONLINE', lights: 'green', failure: null, lastUpdatedAt: at(25) });
    expect(DELAYS).toMatchObject({ registration: 20, credentials: 5, slowRegistration: 180, networkFailure: 30 });
  });

  it('slow-registration takes 3 minutes; timeScale shrinks every delay', () => {
    expect(deviceStateAt(registered('slow-registration'), at(179)).provisioningStatus).toBe('PENDING');
    expect(deviceStateAt(registered('slow-registration'), at(185)).connectionStatus).toBe('ONLINE');
    expect(deviceStateAt(registered('success', 0.01), at(0.25)).connectionStatus).toBe('ONLINE');
  });

  it('network-failure: FAILED and OFFLINE with a red light and NETWORK_FAILURE after 30 s', () => {
    const record = registered('network-failure');
    expect(deviceStateAt(record, at(29)).provisioningStatus).toBe('PENDING');
    expect(deviceStateAt(record, at(30))).toMatchObject({ provisioningStatus: 'FAILED', connectionStatus: 'OFFLINE', lights: 'red-fast', failure: { code: 'NETWORK_FAILURE' } });
    expect(logLinesAt(record.log, at(30)).join('\n')).toContain('ETIMEDOUT');
  });

  it('logs appear as time passes, in order, dated', () => {
    const record = registered('success');
    const early = logLinesAt(record.log, at(0));
    const late = logLinesAt(record.log, at(60));
    expect(early.length).toBeGreaterThan(5);
    expect(late.length).toBeGreaterThan(early.length);
    expect(late.slice(0, early.length)).toEqual(early);
    expect(early[0]).toMatch(/^2026-11-22T10:00:54\.000Z kern: usb 2-1: new SuperSpeed USB device/);
    expect(late.join('\n')).toContain('Connected; the device is online');
  });
});

describe('refusals and deletion cancel what was planned', () => {
  it('an expired certificate fails a device that never registered, with a red light', () => {
    const record = device();
    refuseExpiredCertificate(record, [], { now: T0 + 10 * SECOND, timeScale: 1 }, new Date(T0 - SECOND), true);
    expect(deviceStateAt(record, T0 + 10 * SECOND)).toMatchObject({ provisioningStatus: 'FAILED', lights: 'red-fast', failure: { code: 'CERTIFICATE_EXPIRED' } });
  });

  it('a reused archive puts the device in ERROR and its planned progress never happens', () => {
    const record = registered('success');
    refuseReusedArchive(record, [], { now: at(5), timeScale: 1 });
    expect(deviceStateAt(record, at(60))).toMatchObject({ provisioningStatus: 'ERROR', connectionStatus: 'ERROR', lights: 'red-fast', failure: { code: 'ARCHIVE_REUSED' } });
    expect(logLinesAt(record.log, at(60)).join('\n')).not.toContain('Provisioning succeeded');
  });

  it('interrupting fails the device\'s running jobs', () => {
    const record = registered('success');
    const job = planJob({ jobId: 'job-1', deviceId: record.deviceId, jobType: 'REBOOT' }, record, { now: at(30), timeScale: 1 }, SOFTWARE.installed);
    interrupt(record, [job], at(35), { provisioningStatus: 'ERROR' });
    expect(jobStatusAt(job, at(100))).toBe('FAILED');
  });

  it('deletion shows DELETING, then the device is gone', () => {
    const record = registered('success');
    planDeletion(record, [], { now: at(40), timeScale: 1 });
    expect(deviceStateAt(record, at(41)).provisioningStatus).toBe('DELETING');
    expect(isGone(record, at(44))).toBe(false);
    expect(isGone(record, at(45))).toBe(true);
  });
});

describe('jobs', () => {
  it('OTA: PENDING → DOWNLOADING → IN_PROGRESS → VERIFYING → REBOOTING → COMPLETED over a minute, then the new software', () => {
    const record = registered('update-available');
    const start = at(30);
    const job: JobRecord = planJob({ jobId: 'job-ota', deviceId: record.deviceId, jobType: 'OTA', imageVersion: SOFTWARE.update }, record, { now: start, timeScale: 1 }, SOFTWARE.installed);
    const statusAt = (seconds: number): string => jobStatusAt(job, start + seconds * SECOND);
    expect([0, 3, 20, 35, 45, 60].map(statusAt)).toEqual(['PENDING', 'DOWNLOADING', 'IN_PROGRESS', 'VERIFYING', 'REBOOTING', 'COMPLETED']);
    expect(deviceStateAt(record, start + 50 * SECOND)).toMatchObject({ connectionStatus: 'OFFLINE', currentSoftware: SOFTWARE.installed });
    expect(deviceStateAt(record, start + 60 * SECOND)).toMatchObject({ connectionStatus: 'ONLINE', currentSoftware: SOFTWARE.update, lights: 'green' });
  });
});

describe('aggregated status', () => {
  const state = (provisioningStatus: 'SUCCEEDED' | 'PENDING', connectionStatus: 'ONLINE' | 'OFFLINE' | 'AWAITING_CREDENTIALS', currentSoftware = SOFTWARE.installed) => ({
    provisioningStatus,
    connectionStatus,
    currentSoftware,
    lights: 'green' as const,
    failure: null,
    lastUpdatedAt: T0,
  });

  it.each([
    [state('PENDING', 'AWAITING_CREDENTIALS'), undefined, SOFTWARE.installed, 'PENDING'],
    [state('SUCCEEDED', 'AWAITING_CREDENTIALS'), undefined, SOFTWARE.installed, 'PENDING'],
    [state('SUCCEEDED', 'ONLINE'), undefined, SOFTWARE.installed, 'ONLINE'],
    [state('SUCCEEDED', 'ONLINE'), undefined, SOFTWARE.update, 'UPDATE_NEEDED'],
    [state('SUCCEEDED', 'OFFLINE'), 'REBOOTING' as const, SOFTWARE.update, 'REBOOTING'],
    [state('SUCCEEDED', 'OFFLINE'), 'COMPLETED' as const, SOFTWARE.installed, 'OFFLINE'],
  ])('%j with job %s and latest %s is %s', (deviceState, jobStatus, latest, expected) => {
    expect(aggregatedStatus(deviceState, jobStatus, latest)).toBe(expected);
  });

  it('compares versions numerically', () => {
    expect(compareVersions('4.3.100', '4.3.99')).toBe(1);
    expect(compareVersions('4.3.55', '4.3.57')).toBe(-1);
    expect(compareVersions('4.3', '4.3.0')).toBe(0);
  });
});
