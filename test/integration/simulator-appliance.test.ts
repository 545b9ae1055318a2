/**
 * Registration through the appliance endpoint, end to end: the archive from ProvisionDevice is
 * read with our strict zip reader, the simulator's nonce is signed with the archive's key, and
 * the device then moves as a technician would watch it (DescribeDevice through the real SDK,
 * the appliance's lights and logs) — for success, a reused archive, an expired certificate, a
 * forged one, a network failure, a slow registration and an OTA update — and the service's
 * monitoring job, which puts DescribeDevice's online status up to one run (30 s × the time
 * scale) behind the appliance's. Delays run × 0.01.
 */
import {
  ConflictException,
  CreateJobForDevicesCommand,
  DeleteDeviceCommand,
  DescribeDeviceCommand,
  DescribeDeviceJobCommand,
  ListDevicesCommand,
  ListDevicesJobsCommand,
  ProvisionDeviceCommand,
  ValidationException,
  type DescribeDeviceCommandOutput,
  type PanoramaClient,
} from '@aws-sdk/client-panorama';
import { webcrypto } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { archiveFileNameFor, inspectArchiveBytes } from '../../main/core/archive';
import { monitoringPeriodMs, SCENARIOS, type Simulator } from '../../main/core/simulator';
import { x509 } from '../../main/core/simulator/x509';
import { applianceStatus, archiveParts, closeSimulatorsAfterEachTest, rawRequest, registerWith, sdkClient, stepUntil, testSimulator, waitFor, withStoppedClock, type ArchiveParts, type StoppedClock } from '../support/simulator';

closeSimulatorsAfterEachTest();

async function provisioned(client: PanoramaClient, name: string): Promise<{ deviceId: string; archive: Uint8Array; parts: ArchiveParts }> {
  const output = await client.send(new ProvisionDeviceCommand({ Name: name }));
  if (output.DeviceId === undefined || output.Certificates === undefined) throw new Error('no device');
  return { deviceId: output.DeviceId, archive: output.Certificates, parts: await archiveParts(output.Certificates) };
}

function describeDevice(client: PanoramaClient, deviceId: string): () => Promise<DescribeDeviceCommandOutput> {
  return () => client.send(new DescribeDeviceCommand({ DeviceId: deviceId }));
}

/** Moves the stopped clock on to the next instant that is `offsetMs` past a multiple of `periodMs` (the monitoring job runs on those multiples). */
function moveToPhase(clock: StoppedClock, periodMs: number, offsetMs: number): void {
  const now = Date.now();
  clock.advance((((offsetMs - now) % periodMs) + periodMs) % periodMs || periodMs);
}

async function otherCaCertificate(deviceId: string): Promise<{ certificatePem: string; privateKeyPem: string }> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({ name: `CN=${deviceId}`, keys, signingAlgorithm: algorithm, notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 300_000) });
  const der = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certificatePem: certificate.toString('pem'), privateKeyPem: x509.PemConverter.encode(der, 'PRIVATE KEY') };
}

describe('the appliance endpoint', () => {
  it('tells the appliance the scenario and how to prepare the drive', async () => {
    const simulator = await testSimulator({ scenario: 'archive-in-folder' });
    expect((await rawRequest(simulator, 'GET', '/_appliance/scenario')).body).toEqual({ name: 'archive-in-folder', drivePreparation: 'move-archive-into-folder' });
    for (const scenario of SCENARIOS) {
      simulator.setScenario(scenario.name);
      expect((await rawRequest(simulator, 'GET', '/_appliance/scenario')).body).toEqual({ name: scenario.name, drivePreparation: scenario.drivePreparation });
    }
  });

  it('issues single-use nonces valid for 60 s', async () => {
    const simulator = await testSimulator();
    // The clock stopped: the nonce's lifetime is read exactly, however long the request took.
    const expiresIn = await withStoppedClock(async () => {
      const { body } = await rawRequest(simulator, 'GET', '/_appliance/challenge');
      expect(Buffer.from(String(body['nonce']), 'base64')).toHaveLength(32);
      return Date.parse(String(body['expiresAt'])) - Date.now();
    });
    expect(expiresIn).toBe(60_000);
  });

  it('success: PENDING with blue light, then SUCCEEDED and ONLINE with green light, logs without secrets', async () => {
    const simulator = await testSimulator();
    const client = sdkClient(simulator);
    const { deviceId, parts } = await provisioned(client, 'lobby-cam-01');
    expect(await applianceStatus(simulator, deviceId)).toMatchObject({ provisioningStatus: 'AWAITING_PROVISIONING', connectionStatus: 'NOT_AVAILABLE', lights: 'off', logLines: [], failure: null });

    // PENDING lasts 200 ms here: the simulator's clock is stopped while we look at it.
    await withStoppedClock(async () => {
      const registration = await registerWith(simulator, parts);
      expect(registration).toEqual({ status: 200, body: { deviceId, status: 'accepted' } });
      const pending = await describeDevice(client, deviceId)();
      expect(pending).toMatchObject({ ProvisioningStatus: 'PENDING', DeviceConnectionStatus: 'AWAITING_CREDENTIALS', DeviceAggregatedStatus: 'PENDING', CurrentSoftware: '4.3.55' });
      expect((await applianceStatus(simulator, deviceId)).lights).toBe('blue-slow');
    });

    const online = await waitFor(describeDevice(client, deviceId), (device) => device.DeviceConnectionStatus === 'ONLINE');
    expect(online).toMatchObject({ ProvisioningStatus: 'SUCCEEDED', DeviceAggregatedStatus: 'ONLINE', CurrentSoftware: '4.3.55', LatestSoftware: '4.3.55', SerialNumber: expect.stringMatching(/^\d{12}$/) as string });
    expect(online.CurrentNetworkingStatus?.Ethernet0Status).toMatchObject({ ConnectionStatus: 'CONNECTED', IpAddress: expect.stringMatching(/^192\.168\.1\.\d+$/) as string });
    const status = await applianceStatus(simulator, deviceId);
    expect(status).toMatchObject({ provisioningStatus: 'SUCCEEDED', connectionStatus: 'ONLINE', lights: 'green', failure: null });
    const log = status.logLines.join('\n');
    expect(log).toContain(`Found configuration archive ${archiveFileNameFor('lobby-cam-01')}`);
    expect(log).toContain('Provisioning succeeded');
    for (const source of ['kern', 'syslog', 'occ', 'ota_agent']) expect(log).toContain(` ${source}: `);
    expect(log).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE/);
    expect(log).not.toContain(parts.privateKeyPem.split('\n')[1]);
    for (const line of status.logLines) expect(line).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z (kern|syslog|occ|ota_agent): /);
    client.destroy();
  });

  it('an archive registers once: a second use is ARCHIVE_REUSED (409) and the device shows ERROR', async () => {
    const simulator = await testSimulator();
    const client = sdkClient(simulator);
    const { deviceId, parts } = await provisioned(client, 'reused-cam');
    expect((await registerWith(simulator, parts)).status).toBe(200);
    const again = await registerWith(simulator, parts);
    expect(again).toMatchObject({ status: 409, body: { code: 'ARCHIVE_REUSED' } });
    expect(await describeDevice(client, deviceId)()).toMatchObject({ ProvisioningStatus: 'ERROR', DeviceConnectionStatus: 'ERROR', DeviceAggregatedStatus: 'ERROR' });
    // Planned progress was cancelled: it stays in ERROR.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await applianceStatus(simulator, deviceId)).toMatchObject({ provisioningStatus: 'ERROR', lights: 'red-fast', failure: { code: 'ARCHIVE_REUSED' } });
    client.destroy();
  });

  it('"expired-certificate": the archive is already expired; registration is refused and the device FAILED', async () => {
    const simulator = await testSimulator({ scenario: 'expired-certificate' });
    const client = sdkClient(simulator);
    const { deviceId, archive, parts } = await provisioned(client, 'late-cam');
    const report = await inspectArchiveBytes(Buffer.from(archive), archiveFileNameFor('late-cam'));
    expect(report.warnings.join(' ')).toContain('expired 10 min ago');
    const registration = await registerWith(simulator, parts);
    expect(registration).toMatchObject({ status: 403, body: { code: 'CERTIFICATE_EXPIRED' } });
    expect(await describeDevice(client, deviceId)()).toMatchObject({ ProvisioningStatus: 'FAILED', DeviceAggregatedStatus: 'FAILED' });
    const status = await applianceStatus(simulator, deviceId);
    expect(status).toMatchObject({ lights: 'red-fast', failure: { code: 'CERTIFICATE_EXPIRED' } });
    expect(status.logLines.join('\n')).toContain('has expired');
    client.destroy();
  });

  it('refuses a certificate from another CA (UNKNOWN_CERTIFICATE), a bad signature, a reused nonce, and a deleted device', async () => {
    const simulator = await testSimulator();
    const client = sdkClient(simulator);
    const { deviceId, parts } = await provisioned(client, 'target-cam');

    const forged = await otherCaCertificate(deviceId);
    expect(await registerWith(simulator, { ...forged, sha256: parts.sha256 })).toMatchObject({ status: 403, body: { code: 'UNKNOWN_CERTIFICATE' } });

    const impostor = await otherCaCertificate(deviceId);
    expect(await registerWith(simulator, { ...parts, privateKeyPem: impostor.privateKeyPem })).toMatchObject({ status: 401, body: { code: 'BAD_SIGNATURE' } });

    const { body } = await rawRequest(simulator, 'GET', '/_appliance/challenge');
    const nonce = String(body['nonce']);
    await registerWith(simulator, { ...parts, privateKeyPem: impostor.privateKeyPem }, { nonce });
    expect(await registerWith(simulator, parts, { nonce })).toMatchObject({ status: 401, body: { code: 'UNKNOWN_NONCE' } });
    expect(await registerWith(simulator, parts, { nonce: Buffer.alloc(32, 7).toString('base64') })).toMatchObject({ status: 401, body: { code: 'UNKNOWN_NONCE' } });

    const malformed = await rawRequest(simulator, 'POST', '/_appliance/register', { body: JSON.stringify({ nonce: 'x' }) });
    expect(malformed).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST' } });

    // None of the refusals changed the device.
    expect(await describeDevice(client, deviceId)()).toMatchObject({ ProvisioningStatus: 'AWAITING_PROVISIONING' });
    await client.send(new DeleteDeviceCommand({ DeviceId: deviceId }));
    expect(await registerWith(simulator, parts)).toMatchObject({ status: 403, body: { code: 'UNKNOWN_CERTIFICATE' } });
    client.destroy();
  });

  it('reports unknown devices on the status endpoint', async () => {
    const simulator = await testSimulator();
    expect(await rawRequest(simulator, 'GET', '/_appliance/status?deviceId=device-eeeeeeeeeeeeeeeeeeeeeeeeee')).toMatchObject({ status: 404, body: { code: 'UNKNOWN_DEVICE' } });
    expect(await rawRequest(simulator, 'GET', '/_appliance/status')).toMatchObject({ status: 400, body: { code: 'BAD_REQUEST' } });
  });

  it('"network-failure": accepted, PENDING with blue light, then FAILED and OFFLINE with fast red and NETWORK_FAILURE', async () => {
    const simulator = await testSimulator({ scenario: 'network-failure', timeScale: 0.03 });
    const client = sdkClient(simulator);
    const { deviceId, parts } = await provisioned(client, 'firewalled-cam');
    await withStoppedClock(async () => {
      expect(await registerWith(simulator, parts)).toMatchObject({ status: 200, body: { status: 'accepted' } });
      expect(await describeDevice(client, deviceId)()).toMatchObject({ ProvisioningStatus: 'PENDING' });
    });
    const failedDevice = await waitFor(describeDevice(client, deviceId), (device) => device.ProvisioningStatus !== 'PENDING');
    expect(failedDevice).toMatchObject({ ProvisioningStatus: 'FAILED', DeviceAggregatedStatus: 'FAILED' });
    // FAILED is the service's own; OFFLINE waits for the monitoring job's next run (900 ms here).
    expect(['AWAITING_CREDENTIALS', 'OFFLINE']).toContain(failedDevice.DeviceConnectionStatus);
    expect(await waitFor(describeDevice(client, deviceId), (device) => device.DeviceConnectionStatus === 'OFFLINE')).toMatchObject({ ProvisioningStatus: 'FAILED', DeviceAggregatedStatus: 'FAILED' });
    const status = await applianceStatus(simulator, deviceId);
    expect(status).toMatchObject({ lights: 'red-fast', failure: { code: 'NETWORK_FAILURE' } });
    // The firewall blocks TLS on 443 to the IoT endpoint (AWS Panorama Developer Guide, "Network security").
    expect(status.logLines.join('\n')).toMatch(/connect ETIMEDOUT [0-9a-f]+\.iot\.us-east-1\.amazonaws\.com:443 /);
    expect(status.failure?.message).toContain('port 443 to *.iot.us-east-1.amazonaws.com');
    expect(status.logLines.join('\n')).not.toContain('8883');
    client.destroy();
  });

  it('"slow-registration": still PENDING well after a normal registration would have finished', async () => {
    const simulator = await testSimulator({ scenario: 'slow-registration', timeScale: 0.005 });
    const client = sdkClient(simulator);
    const { deviceId, parts } = await provisioned(client, 'slow-cam');
    // The clock stopped, then moved on exactly 40 s of simulated time (200 ms × 200): twice a
    // normal registration, still well inside the slow one (180 s), however long the calls take.
    await withStoppedClock(async (clock) => {
      await registerWith(simulator, parts);
      clock.advance(200);
      expect(await describeDevice(client, deviceId)()).toMatchObject({ ProvisioningStatus: 'PENDING' });
      expect((await applianceStatus(simulator, deviceId)).logLines.join('\n')).toContain('Still waiting for the service to confirm registration (30 s)');
    });
    await waitFor(describeDevice(client, deviceId), (device) => device.DeviceAggregatedStatus === 'ONLINE');
    client.destroy();
  });

  it('"update-available": UPDATE_NEEDED once online; an OTA job goes through its phases and installs the new version', async () => {
    // × 0.03: the shortest phase (VERIFYING) lasts 300 ms of the simulator's clock. The clock is
    // stopped and moved on 100 ms between reads, so every phase is read at least 3 times however
    // slow the reads are (polling a running clock could step over it on a busy machine).
    const simulator = await testSimulator({ scenario: 'update-available', timeScale: 0.03 });
    const client = sdkClient(simulator);
    const { deviceId, parts } = await provisioned(client, 'update-cam');
    await withStoppedClock(async (clock) => {
      await registerWith(simulator, parts);
      const online = await stepUntil(clock, describeDevice(client, deviceId), (device) => device.DeviceConnectionStatus === 'ONLINE', 100);
      expect(online).toMatchObject({ DeviceAggregatedStatus: 'UPDATE_NEEDED', CurrentSoftware: '4.3.55', LatestSoftware: '4.3.57' });
      expect((await client.send(new ListDevicesCommand({ DeviceAggregatedStatusFilter: 'UPDATE_NEEDED' }))).Devices?.map((device) => device.DeviceId)).toEqual([deviceId]);

      const wrongVersion = await client.send(new CreateJobForDevicesCommand({ DeviceIds: [deviceId], JobType: 'OTA', DeviceJobConfig: { OTAJobConfig: { ImageVersion: '9.9.9' } } })).catch((error: unknown) => error);
      expect(wrongVersion).toBeInstanceOf(ValidationException);
      expect((wrongVersion as ValidationException).Fields?.[0]?.Name).toBe('DeviceJobConfig.OTAJobConfig.ImageVersion');
      const noConfig = await client.send(new CreateJobForDevicesCommand({ DeviceIds: [deviceId], JobType: 'OTA' })).catch((error: unknown) => error);
      expect((noConfig as ValidationException).Fields?.[0]?.Name).toBe('DeviceJobConfig.OTAJobConfig');

      const created = await client.send(new CreateJobForDevicesCommand({ DeviceIds: [deviceId], JobType: 'OTA', DeviceJobConfig: { OTAJobConfig: { ImageVersion: '4.3.57' } } }));
      const jobId = created.Jobs?.[0]?.JobId ?? '';
      expect(created.Jobs).toEqual([{ JobId: jobId, DeviceId: deviceId }]);
      const busy = await client.send(new CreateJobForDevicesCommand({ DeviceIds: [deviceId], JobType: 'REBOOT' })).catch((error: unknown) => error);
      expect(busy).toBeInstanceOf(ConflictException);

      const statuses = new Set<string>();
      const aggregated = new Set<string>();
      await stepUntil(
        clock,
        async () => {
          const job = await client.send(new DescribeDeviceJobCommand({ JobId: jobId }));
          statuses.add(job.Status ?? '');
          aggregated.add((await describeDevice(client, deviceId)()).DeviceAggregatedStatus ?? '');
          return job;
        },
        (job) => job.Status === 'COMPLETED',
        100,
      );
      expect([...statuses].filter((status) => status !== 'PENDING')).toEqual(['DOWNLOADING', 'IN_PROGRESS', 'VERIFYING', 'REBOOTING', 'COMPLETED']);
      expect(aggregated).toContain('REBOOTING');
      // The reboot (450 ms here) may have been seen offline by a run of the monitoring job: back ONLINE by the next one.
      await stepUntil(clock, describeDevice(client, deviceId), (device) => device.DeviceConnectionStatus === 'ONLINE', 100);
      const job = await client.send(new DescribeDeviceJobCommand({ JobId: jobId }));
      expect(job).toMatchObject({ JobId: jobId, DeviceId: deviceId, DeviceName: 'update-cam', DeviceType: 'PANORAMA_APPLIANCE', ImageVersion: '4.3.57', JobType: 'OTA', Status: 'COMPLETED' });
      expect(job.CreatedTime).toBeInstanceOf(Date);
      expect(await describeDevice(client, deviceId)()).toMatchObject({
        CurrentSoftware: '4.3.57',
        LatestSoftware: '4.3.57',
        DeviceAggregatedStatus: 'ONLINE',
        LatestDeviceJob: { ImageVersion: '4.3.57', Status: 'COMPLETED', JobType: 'OTA' },
      });
      expect((await applianceStatus(simulator, deviceId)).logLines.join('\n')).toContain('Update to 4.3.57 completed');
      const jobs = await client.send(new ListDevicesJobsCommand({ DeviceId: deviceId }));
      expect(jobs.DeviceJobs).toEqual([{ DeviceName: 'update-cam', DeviceId: deviceId, JobId: jobId, CreatedTime: job.CreatedTime, JobType: 'OTA' }]);
      const again = await client.send(new CreateJobForDevicesCommand({ DeviceIds: [deviceId], JobType: 'OTA', DeviceJobConfig: { OTAJobConfig: { ImageVersion: '4.3.57' } } })).catch((error: unknown) => error);
      expect(again).toBeInstanceOf(ConflictException);
    });
    client.destroy();
  });

  it('a REBOOT job takes the device offline and back, as the monitoring job sees it', async () => {
    // × 0.03: the monitoring job runs every 900 ms; the reboot keeps the appliance offline 840 ms
    // (from +60 ms to +900 ms). The job starts 450 ms before a run, so that run finds the appliance
    // offline. The clock is stopped and moves in 50 ms steps, on a 50 ms grid the runs fall on too.
    const simulator = await testSimulator({ timeScale: 0.03 });
    const period = monitoringPeriodMs({ timeScale: 0.03 });
    expect(period).toBe(900);
    const client = sdkClient(simulator);
    const { deviceId, parts } = await provisioned(client, 'reboot-cam');
    await withStoppedClock(async (clock) => {
      await registerWith(simulator, parts);
      await stepUntil(clock, describeDevice(client, deviceId), (device) => device.DeviceConnectionStatus === 'ONLINE', 50);
      moveToPhase(clock, period, period - 450);
      const run = Date.now() + 450;
      const created = await client.send(new CreateJobForDevicesCommand({ DeviceIds: [deviceId], JobType: 'REBOOT' }));
      const jobId = created.Jobs?.[0]?.JobId ?? '';
      const rebooting = await stepUntil(clock, describeDevice(client, deviceId), (device) => device.DeviceAggregatedStatus === 'REBOOTING', 50);
      // The job says REBOOTING at once; the service has not run its check since the appliance went down.
      expect(rebooting.DeviceConnectionStatus).toBe('ONLINE');
      expect((await applianceStatus(simulator, deviceId)).connectionStatus).toBe('OFFLINE');
      const offline = await stepUntil(clock, describeDevice(client, deviceId), (device) => device.DeviceConnectionStatus === 'OFFLINE', 50);
      expect(Date.now()).toBe(run);
      expect(offline.DeviceAggregatedStatus).toBe('REBOOTING');
      await stepUntil(clock, () => client.send(new DescribeDeviceJobCommand({ JobId: jobId })), (job) => job.Status === 'COMPLETED', 50);
      // The appliance is back; the service says so at its next run.
      expect(await describeDevice(client, deviceId)()).toMatchObject({ DeviceConnectionStatus: 'OFFLINE', DeviceAggregatedStatus: 'OFFLINE' });
      await stepUntil(clock, describeDevice(client, deviceId), (device) => device.DeviceConnectionStatus === 'ONLINE', 50);
      expect(Date.now()).toBe(run + period);
      expect(await describeDevice(client, deviceId)()).toMatchObject({ DeviceConnectionStatus: 'ONLINE', DeviceAggregatedStatus: 'ONLINE', LatestDeviceJob: { JobType: 'REBOOT', Status: 'COMPLETED' } });
    });
    client.destroy();
  });

  it("DescribeDevice says ONLINE only when the monitoring job runs: up to 30 s × timeScale after the appliance's light turns green", async () => {
    // × 0.01: connected 250 ms after registering, runs every 300 ms. Registering 60 ms past a run
    // puts the connection 10 ms past the next one: the service says ONLINE 290 ms (29 s) later.
    const simulator = await testSimulator({ timeScale: 0.01 });
    const period = monitoringPeriodMs({ timeScale: 0.01 });
    expect(period).toBe(300);
    const client = sdkClient(simulator);
    const { deviceId, parts } = await provisioned(client, 'lagging-cam');
    await withStoppedClock(async (clock) => {
      moveToPhase(clock, period, 60);
      const registeredAt = Date.now();
      expect((await registerWith(simulator, parts)).status).toBe(200);
      await stepUntil(clock, () => applianceStatus(simulator, deviceId), (status) => status.connectionStatus === 'ONLINE', 10);
      const connectedAt = Date.now();
      expect(connectedAt - registeredAt).toBe(250);
      expect((await applianceStatus(simulator, deviceId)).lights).toBe('green');
      const seen: string[] = [];
      const online = await stepUntil(
        clock,
        async () => {
          const device = await describeDevice(client, deviceId)();
          seen.push(`${device.ProvisioningStatus ?? ''}/${device.DeviceConnectionStatus ?? ''}/${device.DeviceAggregatedStatus ?? ''}`);
          return device;
        },
        (device) => device.DeviceConnectionStatus === 'ONLINE',
        10,
      );
      const reportedAt = Date.now();
      expect(reportedAt % period).toBe(0);
      expect(reportedAt - connectedAt).toBe(290);
      expect(reportedAt - connectedAt).toBeLessThan(period);
      // Meanwhile the service said what it knew: registered, awaiting the appliance.
      expect(new Set(seen.slice(0, -1))).toEqual(new Set(['SUCCEEDED/AWAITING_CREDENTIALS/PENDING']));
      expect(online).toMatchObject({ ProvisioningStatus: 'SUCCEEDED', DeviceAggregatedStatus: 'ONLINE' });
      expect((await applianceStatus(simulator, deviceId)).logLines.join('\n')).toMatch(/Connecting to AWS IoT Core as device-\w+: [0-9a-f]+\.iot\.us-east-1\.amazonaws\.com port 443 \(TLS\)/);
    });
    client.destroy();
  });

  it('reset() forgets devices and jobs but keeps the CA', async () => {
    const simulator: Simulator = await testSimulator();
    const client = sdkClient(simulator);
    const first = await provisioned(client, 'forget-me');
    simulator.reset();
    expect((await client.send(new ListDevicesCommand({}))).Devices).toEqual([]);
    expect(await registerWith(simulator, first.parts)).toMatchObject({ status: 403, body: { code: 'UNKNOWN_CERTIFICATE' } });
    const second = await provisioned(client, 'forget-me');
    expect(second.parts.rootCaPem).toBe(first.parts.rootCaPem);
    client.destroy();
  });
});
