/**
 * Finding a device from an archive's name, the software check after registration with its OTA
 * update, and decommissioning.
 */
import { CreateJobForDevicesCommand, DeleteDeviceCommand, DescribeDeviceCommand, DescribeDeviceJobCommand, ListDevicesCommand, type PanoramaClient } from '@aws-sdk/client-panorama';
import { cancelled, failed, refused } from '../errors';
import { toRegistrationError } from './errors';
import { MIN_POLL_MS } from './monitor';

export interface DeviceMatch {
  deviceId: string;
  name: string;
  provisioningStatus: string | null;
  createdTime: string | null;
}

/** Every device with exactly this name (ListDevices filters by prefix, and pages). */
export async function findDevicesByName(client: PanoramaClient, name: string): Promise<DeviceMatch[]> {
  const matches: DeviceMatch[] = [];
  let nextToken: string | undefined;
  do {
    let page;
    try {
      page = await client.send(new ListDevicesCommand({ NameFilter: name, MaxResults: 25, ...(nextToken === undefined ? {} : { NextToken: nextToken }) }));
    } catch (error) {
      throw toRegistrationError(error, 'ListDevices');
    }
    for (const device of page.Devices ?? []) {
      if (device.Name === name && device.DeviceId !== undefined) {
        matches.push({ deviceId: device.DeviceId, name: device.Name, provisioningStatus: device.ProvisioningStatus ?? null, createdTime: device.CreatedTime?.toISOString() ?? null });
      }
    }
    nextToken = page.NextToken;
  } while (nextToken !== undefined && nextToken !== '');
  return matches;
}

/** The one device for an archive's name; refuses when there is none, or when several need a choice. */
export function pickDevice(name: string, matches: readonly DeviceMatch[]): DeviceMatch {
  if (matches.length === 0) throw refused('DEVICE_NOT_FOUND', `No device is named "${name}" in this account and region.`, 'Check the region (--region) and the account (--profile), or provision the device.');
  if (matches.length > 1) {
    throw refused('AMBIGUOUS_DEVICE', `${matches.length} devices are named "${name}": ${matches.map((match) => `${match.deviceId} (${match.provisioningStatus ?? '?'}, created ${match.createdTime ?? '?'})`).join(', ')}.`, 'Choose one and pass --device-id.');
  }
  const [only] = matches;
  if (only === undefined) throw new Error('unreachable');
  return only;
}

export interface SoftwareStatus {
  current: string | null;
  latest: string | null;
  updateAvailable: boolean;
}

/** Compares dotted versions numerically ("4.3.100" > "4.3.55"). */
export function isNewerVersion(latest: string, current: string): boolean {
  const a = latest.split('.').map(Number);
  const b = current.split('.').map(Number);
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const difference = (a[index] ?? 0) - (b[index] ?? 0);
    if (difference !== 0) return difference > 0;
  }
  return false;
}

export async function softwareStatus(client: PanoramaClient, deviceId: string): Promise<SoftwareStatus> {
  try {
    const device = await client.send(new DescribeDeviceCommand({ DeviceId: deviceId }));
    const current = device.CurrentSoftware ?? null;
    const latest = device.LatestSoftware ?? null;
    return { current, latest, updateAvailable: current !== null && latest !== null && isNewerVersion(latest, current) };
  } catch (error) {
    throw toRegistrationError(error, 'DescribeDevice');
  }
}

export async function startSoftwareUpdate(client: PanoramaClient, deviceId: string, imageVersion: string): Promise<string> {
  try {
    const response = await client.send(new CreateJobForDevicesCommand({ DeviceIds: [deviceId], JobType: 'OTA', DeviceJobConfig: { OTAJobConfig: { ImageVersion: imageVersion, AllowMajorVersionUpdate: false } } }));
    const jobId = response.Jobs?.[0]?.JobId;
    if (jobId === undefined) throw failed('NO_JOB_RETURNED', 'CreateJobForDevices did not return a job.', 'Check the device in the console.');
    return jobId;
  } catch (error) {
    throw toRegistrationError(error, 'CreateJobForDevices');
  }
}

const FINAL_JOB_STATES = new Set(['COMPLETED', 'FAILED']);

/** Follows an OTA job to its end (about every 2 s), reporting each new status. */
export async function followJob(client: PanoramaClient, jobId: string, options: { signal?: AbortSignal; timeoutSeconds?: number; onStatus?: (status: string) => void } = {}): Promise<string> {
  const deadline = Date.now() + (options.timeoutSeconds ?? 60 * 60) * 1000;
  let last = '';
  for (;;) {
    if (options.signal?.aborted === true) throw cancelled('CANCELLED', `Stopped following job ${jobId}; the update carries on on the appliance.`);
    if (Date.now() > deadline) throw cancelled('JOB_TIMEOUT', `Job ${jobId} did not finish in time (last status ${last || 'unknown'}).`, 'Check the device in the console; updates can take a while.');
    let status: string;
    try {
      status = (await client.send(new DescribeDeviceJobCommand({ JobId: jobId }))).Status ?? 'UNKNOWN';
    } catch (error) {
      throw toRegistrationError(error, 'DescribeDeviceJob');
    }
    if (status !== last) {
      last = status;
      options.onStatus?.(status);
    }
    if (FINAL_JOB_STATES.has(status)) {
      if (status === 'FAILED') throw failed('UPDATE_FAILED', `The software update job ${jobId} failed.`, 'Check the appliance is online and try the update again from the console.');
      return status;
    }
    await new Promise((resolve) => setTimeout(resolve, 2 * MIN_POLL_MS));
  }
}

export const RESET_INSTRUCTIONS = [
  'The device was deleted from your account; the appliance itself still holds its configuration.',
  'To reuse the appliance: with it powered on, press and hold its reset button until the lights change (see the appliance guide), which erases its configuration.',
  'Then provision it again with a new configuration archive: archives cannot be reused.',
];

export async function decommissionDevice(client: PanoramaClient, deviceId: string): Promise<{ deviceId: string; instructions: string[] }> {
  try {
    await client.send(new DeleteDeviceCommand({ DeviceId: deviceId }));
  } catch (error) {
    throw toRegistrationError(error, 'DeleteDevice');
  }
  return { deviceId, instructions: RESET_INSTRUCTIONS };
}
