/**
 * The simulator's state file: written atomically on every change (no temporary files left,
 * mode 0600), survives a restart (devices, their planned progress, registrations, the CA that
 * issued their archives), never holds a device private key, and is refused when damaged.
 */
import { DescribeDeviceCommand, ProvisionDeviceCommand } from '@aws-sdk/client-panorama';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PanoramaUsbError } from '../../main/core/errors';
import { startSimulator } from '../../main/core/simulator';
import { archiveParts, closeSimulatorsAfterEachTest, registerWith, sdkClient, testSimulator, waitFor } from '../support/simulator';

closeSimulatorsAfterEachTest();
const dir = mkdtempSync(path.join(tmpdir(), 'panorama-usb-simulator-state-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function startError(statePath: string): Promise<PanoramaUsbError> {
  try {
    const simulator = await startSimulator({ statePath });
    await simulator.close();
  } catch (error) {
    if (error instanceof PanoramaUsbError) return error;
    throw error;
  }
  throw new Error('expected the simulator to refuse the state file');
}

describe('simulator state', () => {
  it('survives a restart, keeps registrations and the CA, and never contains a private key', async () => {
    const statePath = path.join(dir, 'restart.json');
    const first = await testSimulator({ statePath, timeScale: 0.02 });
    const client = sdkClient(first);
    const output = await client.send(new ProvisionDeviceCommand({ Name: 'persist-cam', Tags: { site: 'hq' } }));
    const deviceId = output.DeviceId ?? '';
    const parts = await archiveParts(output.Certificates ?? new Uint8Array());
    expect((await registerWith(first, parts)).status).toBe(200);
    await first.close();
    client.destroy();

    const text = readFileSync(statePath, 'utf8');
    expect(text).toContain(deviceId);
    expect(text).not.toContain('PRIVATE KEY');
    // The secret itself (the P-256 scalar), in any encoding: PKCS#8 headers are the same for every key.
    const scalar = Buffer.from(String(createPrivateKey(parts.privateKeyPem).export({ format: 'jwk' }).d), 'base64url');
    for (const encoding of ['base64', 'base64url', 'hex'] as const) expect(text).not.toContain(scalar.toString(encoding).slice(0, 32));
    expect(statSync(statePath).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    const second = await testSimulator({ statePath, timeScale: 0.02 });
    const again = sdkClient(second);
    // The registration planned before the restart carries on.
    const online = await waitFor(() => again.send(new DescribeDeviceCommand({ DeviceId: deviceId })), (device) => device.DeviceConnectionStatus === 'ONLINE');
    expect(online).toMatchObject({ Name: 'persist-cam', Tags: { site: 'hq' }, ProvisioningStatus: 'SUCCEEDED' });
    // The CA was kept, so the old archive is still recognised — and still cannot be reused.
    expect(await registerWith(second, parts)).toMatchObject({ status: 409, body: { code: 'ARCHIVE_REUSED' } });
    const next = await archiveParts((await again.send(new ProvisionDeviceCommand({ Name: 'next-cam' }))).Certificates ?? new Uint8Array());
    expect(next.rootCaPem).toBe(parts.rootCaPem);
    again.destroy();
  });

  it('reset() empties the file too', async () => {
    const statePath = path.join(dir, 'reset.json');
    const simulator = await testSimulator({ statePath });
    const client = sdkClient(simulator);
    await client.send(new ProvisionDeviceCommand({ Name: 'gone-cam' }));
    simulator.reset();
    expect(JSON.parse(readFileSync(statePath, 'utf8'))).toMatchObject({ version: 1, devices: [], jobs: [] });
    client.destroy();
  });

  it('refuses a damaged state file and an unwritable location, with typed errors', async () => {
    const notJson = path.join(dir, 'not-json.json');
    writeFileSync(notJson, '{"version": 1, "devi');
    expect(await startError(notJson)).toMatchObject({ code: 'SIMULATOR_STATE_INVALID', outcome: 'refused' });
    const wrongShape = path.join(dir, 'wrong-shape.json');
    writeFileSync(wrongShape, JSON.stringify({ version: 1, ca: {}, devices: [], jobs: [] }));
    expect(await startError(wrongShape)).toMatchObject({ code: 'SIMULATOR_STATE_INVALID' });
    expect(readFileSync(wrongShape, 'utf8')).toContain('"version":1');
    expect(await startError(path.join(dir, 'missing-folder', 'state.json'))).toMatchObject({ code: 'SIMULATOR_STATE_UNWRITABLE', outcome: 'failed' });
  });
});
