/**
 * The whole loop on image files, in every scenario: provision (ProvisionDevice through the real
 * SDK client against the simulator, archive streamed to the drive) -> the simulated appliance
 * reads the drive and registers -> the monitor follows DescribeDevice to the end. Also: no copy
 * of the provisioned archive is left on the local disk.
 */
import { homedir, tmpdir } from 'node:os';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { readZip } from '../../main/core/archive';
import { withVolume } from '../../main/core/disk';
import { createPanoramaClient, followJob, monitorRegistration, provisionToDrive, softwareStatus, startSoftwareUpdate, type MonitorResult } from '../../main/core/registration';
import { runAppliance, type ApplianceResult } from '../../main/core/simulator/appliance';
import { startSimulator, type ScenarioName, type Simulator } from '../../main/core/simulator';
import { chooseDrive } from '../../main/core/target';
import { GiB, imageDir, imageFingerprint, sparseImage } from '../support/images';
import { markTime, recentFilesContaining } from '../support/no-copies';

const { dir, cleanup } = imageDir('registration-loop');
afterAll(cleanup);

let simulator: Simulator | null = null;
afterEach(async () => {
  await simulator?.close();
  simulator = null;
});

interface Loop {
  image: string;
  deviceId: string;
  appliance: ApplianceResult;
  monitor: MonitorResult | { error: { code: string; message: string } };
}

async function runLoop(scenario: ScenarioName, name: string, monitorTimeoutSeconds = 20, timeScale = 0.02): Promise<Loop> {
  simulator = await startSimulator({ scenario, timeScale, rateLimitPerSecond: 0 });
  const client = createPanoramaClient({ endpoint: simulator.endpoint, maxAttempts: 1 });
  const image = sparseImage(dir, `${name}.img`, GiB);
  const report = await provisionToDrive(client, { name }, await chooseDrive(image));
  const [appliance, monitor] = await Promise.all([
    runAppliance({ drivePath: image, endpoint: simulator.endpoint, pollMs: 50, timeoutSeconds: 30 }),
    monitorRegistration(client, report.deviceId, { timeoutSeconds: monitorTimeoutSeconds }).catch((error: unknown) => ({
      error: { code: (error as { code: string }).code, message: (error as Error).message },
    })),
  ]);
  return { image, deviceId: report.deviceId, appliance, monitor };
}

async function driveFiles(image: string): Promise<string[]> {
  return withVolume(image, { access: 'read' }, (volume) => volume.walk().map((entry) => entry.path));
}

describe('provision -> appliance -> monitor, per scenario', () => {
  it('success: registers, the light turns green, the monitor ends on SUCCEEDED + ONLINE, logs on the drive', async () => {
    // A time scale at which PENDING lasts a few seconds, so the monitor (≤ 1 request/s) sees it.
    const loop = await runLoop('success', 'loop-success', 30, 0.15);
    expect(loop.appliance).toMatchObject({ outcome: 'registered', lights: 'green', deviceId: loop.deviceId });
    expect('timeline' in loop.monitor).toBe(true);
    if (!('timeline' in loop.monitor)) return;
    expect(loop.monitor.timeline.at(-1)).toMatchObject({ provisioningStatus: 'SUCCEEDED', connectionStatus: 'ONLINE' });
    expect(loop.monitor.timeline.map((entry) => entry.provisioningStatus)).toContain('PENDING');
    expect(await driveFiles(loop.image)).toEqual(expect.arrayContaining(['/panorama/occ.log', '/panorama/ota_agent.log', '/panorama/syslog.log', '/panorama/kern.log']));
  });

  it('slow registration still ends registered', async () => {
    const loop = await runLoop('slow-registration', 'loop-slow', 60);
    expect(loop.appliance.outcome).toBe('registered');
    expect(loop.monitor).toMatchObject({ timeline: expect.arrayContaining([expect.objectContaining({ provisioningStatus: 'SUCCEEDED' })]) as unknown });
  });

  it('expired certificate: the appliance shows fast red and the monitor reports the failure with advice', async () => {
    const loop = await runLoop('expired-certificate', 'loop-expired');
    expect(loop.appliance).toMatchObject({ outcome: 'failed', lights: 'red-fast', problem: { code: 'CERTIFICATE_EXPIRED' } });
    expect(loop.monitor).toMatchObject({ error: { code: 'REGISTRATION_FAILED' } });
  });

  it.each([
    ['no-archive', 'NO_ARCHIVE'],
    ['archive-in-folder', 'ARCHIVE_IN_FOLDER'],
    ['two-archives', 'TWO_ARCHIVES'],
    ['drive-not-fat32', 'NOT_FAT32'],
  ] as const)('%s: the appliance detects it on the drive (%s) and never registers', async (scenario, code) => {
    const loop = await runLoop(scenario, `loop-${scenario}`, 3);
    expect(loop.appliance).toMatchObject({ outcome: 'failed', lights: 'red-fast', problem: { code } });
    expect(loop.monitor).toMatchObject({ error: { code: 'MONITOR_TIMEOUT' } });
  });

  it('network failure during registration ends in a reported failure', async () => {
    const loop = await runLoop('network-failure', 'loop-network');
    expect(loop.appliance.outcome).toBe('failed');
    expect(loop.monitor).toMatchObject({ error: { code: 'REGISTRATION_FAILED' } });
  });

  // The monitor is allowed 60 s, and waits out a Retry-After of 1 s on 2 to 4 calls in every 10:
  // ~14 s here, nearly all of it those waits (the same on any machine). The test must not stop first.
  it('bursts of 500 with Retry-After: the monitor backs off and still sees the registration', { timeout: 90_000 }, async () => {
    const loop = await runLoop('server-errors', 'loop-500', 60);
    expect(loop.appliance.outcome).toBe('registered');
    expect('timeline' in loop.monitor).toBe(true);
    if ('timeline' in loop.monitor) expect(loop.monitor.transientErrors).toBeGreaterThan(0);
  });

  it('update available: an OTA job runs to COMPLETED and the software becomes current', async () => {
    const loop = await runLoop('update-available', 'loop-ota');
    expect(loop.appliance.outcome).toBe('registered');
    const client = createPanoramaClient({ endpoint: simulator?.endpoint ?? '' });
    const before = await softwareStatus(client, loop.deviceId);
    expect(before.updateAvailable).toBe(true);
    const statuses: string[] = [];
    const jobId = await startSoftwareUpdate(client, loop.deviceId, before.latest ?? '');
    await expect(followJob(client, jobId, { onStatus: (status) => statuses.push(status), timeoutSeconds: 60 })).resolves.toBe('COMPLETED');
    expect(statuses.length).toBeGreaterThan(1);
    expect(await softwareStatus(client, loop.deviceId)).toMatchObject({ updateAvailable: false, current: before.latest });
  });
});

describe('refusals from the service leave the drive as it was', () => {
  it.each([
    ['access-denied', 'ACCESS_DENIED', /panorama:ProvisionDevice\. `panorama-usb iam-policy --role technician` prints the policy/],
    ['quota-exceeded', 'DEVICE_QUOTA_EXCEEDED', /quota/],
  ] as const)('%s -> %s', async (scenario, code, next) => {
    simulator = await startSimulator({ scenario, timeScale: 0.02, rateLimitPerSecond: 0 });
    const client = createPanoramaClient({ endpoint: simulator.endpoint, maxAttempts: 1 });
    const image = sparseImage(dir, `${scenario}.img`, GiB);
    const before = await imageFingerprint(image);
    await expect(provisionToDrive(client, { name: `refused-${scenario}` }, await chooseDrive(image))).rejects.toMatchObject({ code, nextStep: expect.stringMatching(next) as unknown });
    expect(await imageFingerprint(image)).toBe(before);
  });
});

describe('the provisioned archive never lands on the local disk', () => {
  it('leaves no copy of its private key anywhere but the drive', async () => {
    simulator = await startSimulator({ scenario: 'success', timeScale: 0.02, rateLimitPerSecond: 0 });
    const client = createPanoramaClient({ endpoint: simulator.endpoint });
    const image = sparseImage(dir, 'no-copy.img', GiB);
    const since = markTime(dir);
    const report = await provisionToDrive(client, { name: 'no-copy' }, await chooseDrive(image));
    const keyLine = await withVolume(image, { access: 'read' }, async (volume) => {
      const { entries } = await readZip(volume.readFile(`/${report.write.fileName}`));
      const key = entries.find((entry) => entry.data.toString('latin1').includes('PRIVATE KEY'));
      return key?.data.toString('latin1').split('\n')[1] ?? '';
    });
    expect(keyLine.length).toBeGreaterThan(40);
    // The archive on the drive is deflated, so not even the image holds the key line in clear.
    expect(recentFilesContaining([tmpdir(), process.cwd(), homedir()], since, keyLine)).toEqual([]);
  });
});
