/**
 * The eight Panorama operations the product uses, answering with the model's JSON shapes:
 * timestamps in epoch seconds (the REST-JSON default), blobs in base64, absent members left out.
 */
import { createHash } from 'node:crypto';
import { conflict, resourceNotFound, serviceQuotaExceeded, validationError, type ApiError } from './api-errors';
import { buildConfigurationArchive } from './archive';
import { issueDeviceCredentials } from './certificates';
import { deviceArn, newDeviceId, newJobId } from './ids';
import { latestSoftwareOffered, monitoringPeriodMs, planDeletion, planJob, SOFTWARE, type Clock } from './lifecycle';
import { dhcpAddressFor } from './logs';
import type { DeviceRecord, JobRecord } from './model';
import type { ScenarioName } from './scenarios';
import type { SimulatorStore } from './store';
import {
  CreateJobForDevicesRequestSchema,
  DeviceIdSchema,
  effectiveNetworking,
  JobIdSchema,
  ListDevicesJobsQuerySchema,
  ListDevicesQuerySchema,
  parseRequest,
  ProvisionDeviceRequestSchema,
  queryObject,
  UpdateDeviceMetadataBodySchema,
  type ListDevicesQuery,
} from './validation';
import { aggregatedStatus, compareVersions, deviceStateAt, isGone, isJobActive, jobStatusAt, latestJobOf, serviceStateAt, type DeviceStateAt } from './view';

export interface ApiContext {
  store: SimulatorStore;
  region: string;
  accountId: string;
  clock: () => Clock;
  scenario: () => ScenarioName;
}

export interface ApiRequest {
  params: Readonly<Record<string, string>>;
  query: URLSearchParams;
  body: unknown;
}

export type ApiBody = Record<string, unknown>;
export type Operation = (context: ApiContext, request: ApiRequest) => Promise<ApiBody>;

const CERTIFICATE_LIFETIME_MS = 5 * 60_000;
const CERTIFICATE_BACKDATE_MS = 60_000;
/** In 'expired-certificate' the archive's certificate expired this long before it was issued. */
const EXPIRED_AGO_MS = 10 * 60_000;
const DEFAULT_PAGE_SIZE = 25;

function epochSeconds(ms: number): number {
  return ms / 1000;
}

function liveDevice(context: ApiContext, deviceId: string, now: number): DeviceRecord {
  const device = context.store.devices.get(deviceId);
  if (device === undefined || isGone(device, now)) throw resourceNotFound('device', deviceId, `Device ${deviceId} not found.`);
  return device;
}

function latestSoftwareFor(context: ApiContext, current: string | undefined): string {
  const offered = latestSoftwareOffered(context.scenario());
  return current !== undefined && compareVersions(current, offered) > 0 ? current : offered;
}

/**
 * What the service knows of the device now: its online status as the monitoring job last saw it
 * (facts.ts: every 30 s × timeScale), everything else as it happened.
 */
function serviceState(device: DeviceRecord, clock: Clock): DeviceStateAt {
  return serviceStateAt(device, clock.now, monitoringPeriodMs(clock));
}

function deviceSummary(context: ApiContext, device: DeviceRecord, clock: Clock) {
  const { now } = clock;
  const state = serviceState(device, clock);
  const latestJob = latestJobOf(context.store.jobs.values(), device.deviceId);
  const latestJobStatus = latestJob === undefined ? undefined : jobStatusAt(latestJob, now);
  const latestSoftware = latestSoftwareFor(context, state.currentSoftware);
  return {
    state,
    latestSoftware,
    aggregated: aggregatedStatus(state, latestJobStatus, latestSoftware),
    latestDeviceJob:
      latestJob === undefined ? undefined : { ...(latestJob.imageVersion === undefined ? {} : { ImageVersion: latestJob.imageVersion }), Status: latestJobStatus, JobType: latestJob.jobType },
  };
}

function hardwareAddress(deviceId: string, port: number): string {
  const bytes = createHash('sha256').update(`${deviceId}/${port}`).digest();
  return ['a4', 'bb', '6d', ...[...bytes.subarray(0, 3)].map((byte) => byte.toString(16).padStart(2, '0'))].join(':');
}

/** What the appliance reports about its network once it is online. */
function networkStatus(device: DeviceRecord, since: number) {
  const port = (index: 0 | 1) => {
    const payload = index === 0 ? device.networking.Ethernet0 : device.networking.Ethernet1;
    if (payload === undefined) return { ConnectionStatus: 'NOT_CONNECTED', HwAddress: hardwareAddress(device.deviceId, index) };
    const address = payload.ConnectionType === 'STATIC_IP' ? payload.StaticIpConnectionInfo?.IpAddress : index === 0 ? dhcpAddressFor(device.deviceId) : undefined;
    return address === undefined
      ? { ConnectionStatus: 'NOT_CONNECTED', HwAddress: hardwareAddress(device.deviceId, index) }
      : { IpAddress: address.replace(/:\d+$/, ''), ConnectionStatus: 'CONNECTED', HwAddress: hardwareAddress(device.deviceId, index) };
  };
  const ntpServer = device.networking.Ntp?.NtpServers[0];
  return {
    Ethernet0Status: port(0),
    Ethernet1Status: port(1),
    // Without NTP servers in its configuration the appliance uses default ones whose names no page gives (NetworkPayload): none is made up.
    NtpStatus: { ConnectionStatus: 'CONNECTED', ...(ntpServer === undefined ? {} : { NtpServerName: ntpServer }) },
    LastUpdatedTime: epochSeconds(since),
  };
}

export const provisionDevice: Operation = async (context, request) => {
  const input = parseRequest(ProvisionDeviceRequestSchema, request.body ?? {});
  const scenario = context.scenario();
  if (scenario === 'quota-exceeded') {
    throw serviceQuotaExceeded(
      `You have reached the maximum number of devices for account ${context.accountId} in ${context.region}. Delete unused devices or request a quota increase.`,
      'L-PANORAMA-DEVICES',
      'device',
    );
  }
  const ensureNameFree = (now: number): void => {
    for (const device of context.store.devices.values()) {
      if (device.name === input.Name && !isGone(device, now) && deviceStateAt(device, now).provisioningStatus !== 'DELETING') {
        throw conflict('device', device.deviceId, `A device named ${input.Name} already exists (${device.deviceId}). Device names must be unique: choose another name or delete that device.`);
      }
    }
  };
  ensureNameFree(context.clock().now);

  const issuedAt = Date.now();
  const deviceId = newDeviceId();
  // The certificate's validity is real time, never scaled: it is what the appliance checks.
  const validity =
    scenario === 'expired-certificate'
      ? { notBefore: new Date(issuedAt - EXPIRED_AGO_MS - CERTIFICATE_LIFETIME_MS), notAfter: new Date(issuedAt - EXPIRED_AGO_MS) }
      : { notBefore: new Date(issuedAt - CERTIFICATE_BACKDATE_MS), notAfter: new Date(issuedAt + CERTIFICATE_LIFETIME_MS) };
  const credentials = await issueDeviceCredentials(context.store.authority, deviceId, validity);
  const networking = effectiveNetworking(input.NetworkingConfiguration);
  const archive = await buildConfigurationArchive({
    networking,
    certificatePem: credentials.certificatePem,
    privateKeyPem: credentials.privateKeyPem,
    rootCaPem: context.store.authority.data.certificatePem,
  });
  // From here on the private key exists only inside the archive we hand back.
  credentials.privateKeyPem = '';

  const { now } = context.clock();
  ensureNameFree(now);
  const device: DeviceRecord = {
    deviceId,
    name: input.Name,
    ...(input.Description === undefined ? {} : { description: input.Description }),
    tags: input.Tags ?? {},
    networking,
    createdAt: now,
    metadataUpdatedAt: now,
    certificateSha256: credentials.certificateSha256,
    certificateNotAfter: credentials.notAfter.getTime(),
    archiveSha256: createHash('sha256').update(archive).digest('hex'),
    provisionedUnder: scenario,
    timeline: [{ at: now, provisioningStatus: 'AWAITING_PROVISIONING', connectionStatus: 'NOT_AVAILABLE', lights: 'off' }],
    log: [],
  };
  context.store.devices.set(deviceId, device);
  try {
    context.store.save();
  } catch (error) {
    context.store.devices.delete(deviceId);
    archive.fill(0);
    throw error;
  }
  const certificates = archive.toString('base64');
  archive.fill(0);
  return {
    Arn: deviceArn(context.region, context.accountId, deviceId),
    Status: 'AWAITING_PROVISIONING',
    DeviceId: deviceId,
    Certificates: certificates,
    IotThingName: deviceId,
  };
};

export const describeDevice: Operation = (context, request) => {
  const deviceId = parseRequest(DeviceIdSchema, request.params['DeviceId'], ['DeviceId']);
  const clock = context.clock();
  const device = liveDevice(context, deviceId, clock.now);
  const { state, latestSoftware, aggregated, latestDeviceJob } = deviceSummary(context, device, clock);
  return Promise.resolve({
    DeviceId: device.deviceId,
    Name: device.name,
    Arn: deviceArn(context.region, context.accountId, device.deviceId),
    Description: device.description,
    Type: 'PANORAMA_APPLIANCE',
    DeviceConnectionStatus: state.connectionStatus,
    CreatedTime: epochSeconds(device.createdAt),
    ProvisioningStatus: state.provisioningStatus,
    LatestSoftware: latestSoftware,
    CurrentSoftware: state.currentSoftware,
    SerialNumber: device.registration?.serialNumber,
    Tags: device.tags,
    NetworkingConfiguration: device.networking,
    CurrentNetworkingStatus: state.connectionStatus === 'ONLINE' ? networkStatus(device, state.lastUpdatedAt) : undefined,
    Brand: 'AWS_PANORAMA',
    LatestDeviceJob: latestDeviceJob,
    DeviceAggregatedStatus: aggregated,
  });
};

interface PageToken {
  offset: number;
  key: string;
}

function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(text: string | undefined, key: string): number {
  if (text === undefined) return 0;
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null && 'offset' in value && 'key' in value && Number.isInteger(value.offset) && value.key === key) return Number(value.offset);
  } catch {
    // Falls through to the refusal below.
  }
  throw validationError('Invalid NextToken: it was not issued for this request (same filters and sort order), or it is corrupt.', 'FIELD_VALIDATION_FAILED', [
    { Name: 'NextToken', Message: 'Member must be a token returned by the previous page of the same request' },
  ]);
}

function page<T>(items: readonly T[], query: { NextToken?: string; MaxResults?: number }, key: string): { items: T[]; nextToken: string | undefined } {
  const offset = decodeToken(query.NextToken, key);
  const size = query.MaxResults === undefined || query.MaxResults === 0 ? DEFAULT_PAGE_SIZE : query.MaxResults;
  const slice = items.slice(offset, offset + size);
  const next = offset + size < items.length ? encodeToken({ offset: offset + size, key }) : undefined;
  return { items: slice, nextToken: next };
}

function sortKey(query: ListDevicesQuery): string {
  return createHash('sha256').update(JSON.stringify([query.SortBy, query.SortOrder, query.NameFilter, query.DeviceAggregatedStatusFilter])).digest('hex').slice(0, 16);
}

export const listDevices: Operation = (context, request) => {
  const query = parseRequest(ListDevicesQuerySchema, queryObject(request.query, ['NextToken', 'MaxResults', 'SortBy', 'SortOrder', 'NameFilter', 'DeviceAggregatedStatusFilter'], ['MaxResults']));
  const clock = context.clock();
  const rows = [...context.store.devices.values()]
    .filter((device) => !isGone(device, clock.now))
    .map((device) => ({ device, ...deviceSummary(context, device, clock) }))
    .filter((row) => query.NameFilter === undefined || row.device.name.startsWith(query.NameFilter))
    .filter((row) => query.DeviceAggregatedStatusFilter === undefined || row.aggregated === query.DeviceAggregatedStatusFilter);
  const sortBy = query.SortBy ?? 'CREATED_TIME';
  // The model: DESCENDING by default when sorting by creation time, ASCENDING otherwise.
  const direction = (query.SortOrder ?? (sortBy === 'CREATED_TIME' ? 'DESCENDING' : 'ASCENDING')) === 'DESCENDING' ? -1 : 1;
  const value = (row: (typeof rows)[number]): string | number => {
    switch (sortBy) {
      case 'DEVICE_ID':
        return row.device.deviceId;
      case 'NAME':
        return row.device.name;
      case 'DEVICE_AGGREGATED_STATUS':
        return row.aggregated;
      case 'CREATED_TIME':
        return row.device.createdAt;
    }
  };
  rows.sort((a, b) => {
    const left = value(a);
    const right = value(b);
    const order = left < right ? -1 : left > right ? 1 : 0;
    return order !== 0 ? order * direction : a.device.deviceId.localeCompare(b.device.deviceId);
  });
  const { items, nextToken } = page(rows, query, sortKey(query));
  return Promise.resolve({
    Devices: items.map(({ device, state, aggregated, latestDeviceJob }) => ({
      DeviceId: device.deviceId,
      Name: device.name,
      CreatedTime: epochSeconds(device.createdAt),
      ProvisioningStatus: state.provisioningStatus,
      LastUpdatedTime: epochSeconds(state.lastUpdatedAt),
      Brand: 'AWS_PANORAMA',
      CurrentSoftware: state.currentSoftware,
      Description: device.description,
      Tags: device.tags,
      Type: 'PANORAMA_APPLIANCE',
      LatestDeviceJob: latestDeviceJob,
      DeviceAggregatedStatus: aggregated,
    })),
    ...(nextToken === undefined ? {} : { NextToken: nextToken }),
  });
};

export const deleteDevice: Operation = (context, request) => {
  const deviceId = parseRequest(DeviceIdSchema, request.params['DeviceId'], ['DeviceId']);
  const clock = context.clock();
  const device = liveDevice(context, deviceId, clock.now);
  // Deleting twice is harmless: the second call finds it already on its way out.
  if (deviceStateAt(device, clock.now).provisioningStatus !== 'DELETING') {
    planDeletion(device, context.store.jobs.values(), clock);
    context.store.save();
  }
  return Promise.resolve({ DeviceId: deviceId });
};

export const updateDeviceMetadata: Operation = (context, request) => {
  const deviceId = parseRequest(DeviceIdSchema, request.params['DeviceId'], ['DeviceId']);
  const body = parseRequest(UpdateDeviceMetadataBodySchema, request.body ?? {});
  const { now } = context.clock();
  const device = liveDevice(context, deviceId, now);
  if (deviceStateAt(device, now).provisioningStatus === 'DELETING') throw conflict('device', deviceId, `Device ${deviceId} is being deleted.`);
  if (body.Description !== undefined) device.description = body.Description;
  device.metadataUpdatedAt = now;
  context.store.save();
  return Promise.resolve({ DeviceId: deviceId });
};

function jobValidation(name: string, message: string): ApiError {
  return validationError(`1 validation error detected: Value at '${name}' failed to satisfy constraint: ${message}`, 'FIELD_VALIDATION_FAILED', [{ Name: name, Message: message }]);
}

export const createJobForDevices: Operation = (context, request) => {
  const input = parseRequest(CreateJobForDevicesRequestSchema, request.body ?? {});
  const clock = context.clock();
  const [deviceId = ''] = input.DeviceIds;
  const device = liveDevice(context, deviceId, clock.now);
  // The service refuses or accepts on what it knows: the online status its monitoring job last saw.
  const state = serviceState(device, clock);
  if (state.provisioningStatus !== 'SUCCEEDED' || state.connectionStatus !== 'ONLINE') {
    throw conflict('device', deviceId, `Device ${deviceId} is not online (provisioning ${state.provisioningStatus}, connection ${state.connectionStatus}). Jobs run on provisioned, online devices.`);
  }
  const running = [...context.store.jobs.values()].find((job) => job.deviceId === deviceId && isJobActive(job, clock.now));
  if (running !== undefined) throw conflict('device', deviceId, `Device ${deviceId} already has a job in progress (${running.jobId}, ${jobStatusAt(running, clock.now)}).`);
  const current = state.currentSoftware ?? SOFTWARE.installed;
  let imageVersion: string | undefined;
  if (input.JobType === 'OTA') {
    const ota = input.DeviceJobConfig?.OTAJobConfig;
    if (ota === undefined) throw jobValidation('DeviceJobConfig.OTAJobConfig', 'Member must not be null for OTA jobs');
    const latest = latestSoftwareFor(context, current);
    if (ota.ImageVersion !== latest && ota.ImageVersion !== current) {
      throw jobValidation('DeviceJobConfig.OTAJobConfig.ImageVersion', `Member must be an available software version (latest: ${latest})`);
    }
    if (compareVersions(ota.ImageVersion, current) <= 0) throw conflict('device', deviceId, `Device ${deviceId} already runs software ${current}.`);
    const major = (version: string): string => version.split('.')[0] ?? '';
    if (major(ota.ImageVersion) !== major(current) && ota.AllowMajorVersionUpdate !== true) {
      throw jobValidation('DeviceJobConfig.OTAJobConfig.AllowMajorVersionUpdate', `Member must be true to update from ${current} to ${ota.ImageVersion} (a major version change)`);
    }
    imageVersion = ota.ImageVersion;
  }
  const job: JobRecord = planJob({ jobId: newJobId(), deviceId, jobType: input.JobType, ...(imageVersion === undefined ? {} : { imageVersion }) }, device, clock, current);
  context.store.jobs.set(job.jobId, job);
  context.store.save();
  return Promise.resolve({ Jobs: [{ JobId: job.jobId, DeviceId: deviceId }] });
};

export const describeDeviceJob: Operation = (context, request) => {
  const jobId = parseRequest(JobIdSchema, request.params['JobId'], ['JobId']);
  const { now } = context.clock();
  const job = context.store.jobs.get(jobId);
  const device = job === undefined ? undefined : context.store.devices.get(job.deviceId);
  if (job === undefined || device === undefined || isGone(device, now)) throw resourceNotFound('job', jobId, `Job ${jobId} not found.`);
  return Promise.resolve({
    JobId: job.jobId,
    DeviceId: job.deviceId,
    DeviceArn: deviceArn(context.region, context.accountId, job.deviceId),
    DeviceName: device.name,
    DeviceType: 'PANORAMA_APPLIANCE',
    ImageVersion: job.imageVersion,
    Status: jobStatusAt(job, now),
    CreatedTime: epochSeconds(job.createdAt),
    JobType: job.jobType,
  });
};

export const listDevicesJobs: Operation = (context, request) => {
  const query = parseRequest(ListDevicesJobsQuerySchema, queryObject(request.query, ['DeviceId', 'NextToken', 'MaxResults'], ['MaxResults']));
  const { now } = context.clock();
  if (query.DeviceId !== undefined) liveDevice(context, query.DeviceId, now);
  const jobs = [...context.store.jobs.values()]
    .filter((job) => query.DeviceId === undefined || job.deviceId === query.DeviceId)
    .filter((job) => {
      const device = context.store.devices.get(job.deviceId);
      return device !== undefined && !isGone(device, now);
    })
    .sort((a, b) => b.createdAt - a.createdAt || a.jobId.localeCompare(b.jobId));
  const { items, nextToken } = page(jobs, query, query.DeviceId ?? '*');
  return Promise.resolve({
    DeviceJobs: items.map((job) => ({
      DeviceName: context.store.devices.get(job.deviceId)?.name,
      DeviceId: job.deviceId,
      JobId: job.jobId,
      CreatedTime: epochSeconds(job.createdAt),
      JobType: job.jobType,
    })),
    ...(nextToken === undefined ? {} : { NextToken: nextToken }),
  });
};

