/**
 * The simulator's timelines as pure functions of the clock: registration plans per scenario,
 * refusals that cancel what was planned, jobs and their effect on the device, the service's
 * 30-second monitoring job, the aggregated status, and the appliance's log — all at exact
 * instants, with no timers and no server.
 */
import { describe, expect, it } from 'vitest';
import { APPLIANCE_CLOUD_PORT, MONITORING_INTERVAL_SECONDS } from '../../main/core/simulator/facts';
import { DELAYS, SOFTWARE, interrupt, monitoringPeriodMs, planDeletion, planJob, planRegistration, refuseExpiredCertificate, refuseReusedArchive } from '../../main/core/simulator/lifecycle';
import type { DeviceConnectionStatus, DeviceRecord, JobRecord } from '../../main/core/simulator/model';
import { SCENARIOS, type ScenarioName } from '../../main/core/simulator/scenarios';
import { aggregatedStatus, compareVersions, deviceStateAt, isGone, jobStatusAt, lastMonitoringRun, logLinesAt, serviceStateAt } from '../../main/core/simulator/view';

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

/** A device whose appliance registered at `now` (T0 + 60 s by default: a run of the monitoring job, since T0 is a whole minute). */
function registered(scenario: ScenarioName, timeScale = 1, now = T0 + 60 * SECOND): DeviceRecord {
  const record = device();
  planRegistration(record, { now, timeScale }, { scenario, region: 'us-east-1', archiveName: 'certificates-omni_lobby-cam-01.zip', archiveSha256: 'b'.repeat(64), archiveMatches: true, serialNumber: '123456789012' });
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

describe("the service's monitoring job: DescribeDevice's online status changes only when it runs", () => {
  const PERIOD = MONITORING_INTERVAL_SECONDS * SECOND;
  const reported = (record: DeviceRecord, instant: number, periodMs = PERIOD): DeviceConnectionStatus => serviceStateAt(record, instant, periodMs).connectionStatus;

  /** Every instant (ms by ms) in [from, to) where the reported status differs from the instant before. */
  function changes(record: DeviceRecord, from: number, to: number, periodMs: number): { at: number; status: DeviceConnectionStatus }[] {
    const found: { at: number; status: DeviceConnectionStatus }[] = [];
    let previous = reported(record, from - 1, periodMs);
    for (let instant = from; instant < to; instant += 1) {
      const status = reported(record, instant, periodMs);
      if (status !== previous) found.push({ at: instant, status });
      previous = status;
    }
    return found;
  }

  it('runs every 30 s × timeScale; at timeScale 0 it runs all the time', () => {
    expect(MONITORING_INTERVAL_SECONDS).toBe(30);
    expect(monitoringPeriodMs({ timeScale: 1 })).toBe(30_000);
    expect(monitoringPeriodMs({ timeScale: 0.01 })).toBe(300);
    expect(monitoringPeriodMs({ timeScale: 0 })).toBe(0);
    expect(lastMonitoringRun(T0 + 29_999, 30_000)).toBe(T0);
    expect(lastMonitoringRun(T0 + 30_000, 30_000)).toBe(T0 + 30_000);
    expect(lastMonitoringRun(T0 + 12_345, 0)).toBe(T0 + 12_345);
  });

  it('success: the appliance connects at 25 s, DescribeDevice says ONLINE at the next run (30 s); what the service sets itself shows at once', () => {
    const record = registered('success');
    // Registration accepted: AWAITING_CREDENTIALS is the service's own doing, shown at once.
    expect(reported(record, at(0))).toBe('AWAITING_CREDENTIALS');
    // Connected (green light) from 25 s, but the job last ran at 0 s.
    for (const seconds of [25, 27.5, 29.999]) {
      expect(deviceStateAt(record, at(seconds))).toMatchObject({ connectionStatus: 'ONLINE', lights: 'green' });
      expect(serviceStateAt(record, at(seconds), PERIOD)).toMatchObject({ provisioningStatus: 'SUCCEEDED', connectionStatus: 'AWAITING_CREDENTIALS' });
    }
    expect(reported(record, at(30))).toBe('ONLINE');
    expect(aggregatedStatus(serviceStateAt(record, at(29), PERIOD), undefined, SOFTWARE.installed)).toBe('PENDING');
    expect(aggregatedStatus(serviceStateAt(record, at(30), PERIOD), undefined, SOFTWARE.installed)).toBe('ONLINE');
    // Millisecond by millisecond over two minutes: two changes, the second exactly on a run.
    expect(changes(record, at(-1), at(120), PERIOD)).toEqual([
      { at: at(0), status: 'AWAITING_CREDENTIALS' },
      { at: at(30), status: 'ONLINE' },
    ]);
  });

  it.each([
    ['just after a run: nearly 30 s late', 5001, 29_999],
    ['a few seconds before a run', 1000, 4000],
    ['on a run: no lag', 5000, 0],
  ])('the appliance connecting %s (registered at +%i ms, lag %i ms)', (_label, offsetMs, lagMs) => {
    // Registered at T0 + 60 s + offset: connected 25 s later; the next run is the first multiple of 30 s at or after that.
    const registeredAt = at(0) + offsetMs;
    const record = registered('success', 1, registeredAt);
    const connectedAt = registeredAt + (DELAYS.registration + DELAYS.credentials) * SECOND;
    const online = changes(record, registeredAt, registeredAt + 90 * SECOND, PERIOD).find((change) => change.status === 'ONLINE');
    expect(online?.at).toBe(connectedAt + lagMs);
    expect((online?.at ?? 0) % PERIOD).toBe(0);
    expect((online?.at ?? 0) - connectedAt).toBeLessThan(PERIOD);
  });

  it('timeScale shrinks the lag with every other delay (× 0.01: a run every 300 ms), and timeScale 0 has none', () => {
    const scaled = registered('success', 0.01, at(0.06));
    const period = monitoringPeriodMs({ timeScale: 0.01 });
    // Connected 250 ms after registering, at +310 ms; the next run is at +600 ms.
    expect(deviceStateAt(scaled, at(0.31)).connectionStatus).toBe('ONLINE');
    expect(changes(scaled, at(0.06), at(2), period)).toEqual([
      { at: at(0.06), status: 'AWAITING_CREDENTIALS' },
      { at: at(0.6), status: 'ONLINE' },
    ]);
    const instant = registered('success', 0, at(0.06));
    expect(reported(instant, at(0.06), monitoringPeriodMs({ timeScale: 0 }))).toBe('ONLINE');
  });

  it('a reboot: OFFLINE shows from the first run that finds it, ONLINE from the first run after; a reboot between two runs never shows', () => {
    const record = registered('success');
    // A REBOOT job at 45 s: offline from 47 s to 75 s; the run at 60 s finds it, the run at 90 s finds it back.
    planJob({ jobId: 'job-seen', deviceId: record.deviceId, jobType: 'REBOOT' }, record, { now: at(45), timeScale: 1 }, SOFTWARE.installed);
    expect(changes(record, at(40), at(120), PERIOD)).toEqual([
      { at: at(60), status: 'OFFLINE' },
      { at: at(90), status: 'ONLINE' },
    ]);
    // Another at 120 s: offline from 122 s to 150 s, back by the run at 150 s — the service never saw it go.
    const quick = registered('success');
    planJob({ jobId: 'job-missed', deviceId: quick.deviceId, jobType: 'REBOOT' }, quick, { now: at(120), timeScale: 1 }, SOFTWARE.installed);
    expect(deviceStateAt(quick, at(130)).connectionStatus).toBe('OFFLINE');
    expect(changes(quick, at(110), at(200), PERIOD)).toEqual([]);
  });

  it('network-failure: FAILED at once, OFFLINE at the next run; a reused archive is ERROR at once', () => {
    const record = registered('network-failure', 1, at(10));
    // FAILED 30 s after registering, at 40 s; the service sees the appliance offline at its run at 60 s.
    expect(serviceStateAt(record, at(40), PERIOD)).toMatchObject({ provisioningStatus: 'FAILED', connectionStatus: 'AWAITING_CREDENTIALS', failure: { code: 'NETWORK_FAILURE' } });
    expect(changes(record, at(10), at(100), PERIOD)).toEqual([
      { at: at(10), status: 'AWAITING_CREDENTIALS' },
      { at: at(60), status: 'OFFLINE' },
    ]);
    const reused = registered('success');
    refuseReusedArchive(reused, [], { now: at(7), timeScale: 1 });
    expect(reported(reused, at(7))).toBe('ERROR');
  });
});

describe('what the appliance says about its network comes from the pages', () => {
  const logOf = (record: DeviceRecord): string => [...logLinesAt(record.log, at(600)), deviceStateAt(record, at(600)).failure?.message ?? ''].join('\n');

  it('connects with TLS on port 443 to a *.iot.<region>.amazonaws.com host, never 8883', () => {
    expect(APPLIANCE_CLOUD_PORT).toBe(443);
    const log = logOf(registered('success'));
    expect(log).toMatch(/Connecting to AWS IoT Core as device-a+: [0-9a-f]{14}\.iot\.us-east-1\.amazonaws\.com port 443 \(TLS\)/);
    expect(log).not.toMatch(/MQTT|8883/);
  });

  it('network-failure: the firewall blocks 443 to the IoT endpoint, and the advice names the wildcard host', () => {
    const record = registered('network-failure');
    const log = logOf(record);
    expect(log.match(/connect ETIMEDOUT [0-9a-f]{14}\.iot\.us-east-1\.amazonaws\.com:443 \(attempt \d of 3\)/g)).toHaveLength(3);
    expect(log).toContain('allows outbound TCP 443 (TLS) to *.iot.us-east-1.amazonaws.com');
    expect(deviceStateAt(record, at(30)).failure?.message).toContain('port 443 to *.iot.us-east-1.amazonaws.com is blocked');
    expect(SCENARIOS.find((scenario) => scenario.name === 'network-failure')?.summary).toContain('port 443');
  });

  it('no scenario, refusal or job mentions 8883, MQTT or an NTP server nobody configured', () => {
    const logs = (['success', 'slow-registration', 'network-failure', 'update-available'] as const).map((scenario) => logOf(registered(scenario)));
    const reused = registered('success');
    refuseReusedArchive(reused, [], { now: at(5), timeScale: 1 });
    const expired = device();
    refuseExpiredCertificate(expired, [], { now: at(0), timeScale: 1 }, new Date(T0), true);
    const rebooted = registered('update-available');
    planJob({ jobId: 'job-ota', deviceId: rebooted.deviceId, jobType: 'OTA', imageVersion: SOFTWARE.update }, rebooted, { now: at(40), timeScale: 1 }, SOFTWARE.installed);
    for (const log of [...logs, logOf(reused), logOf(expired), logOf(rebooted), ...SCENARIOS.map((scenario) => scenario.summary)]) {
      expect(log).not.toMatch(/8883|MQTT|pool\.ntp\.org/);
    }
    expect(logs[0]).toContain("NTP: no servers in network.json; using the appliance's default NTP servers");
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
