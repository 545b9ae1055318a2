/**
 * Reading a device or job at an instant: fold its dated changes up to `now`. Pure functions of
 * the stored records and the clock, so API responses, the appliance's status and tests all agree.
 */
import type {
  ApplianceFailure,
  DeviceAggregatedStatus,
  DeviceConnectionStatus,
  DeviceRecord,
  DeviceStatus,
  JobRecord,
  Lights,
  LogEvent,
  UpdateProgress,
} from './model';

export interface DeviceStateAt {
  provisioningStatus: DeviceStatus;
  connectionStatus: DeviceConnectionStatus;
  /** Reported by the appliance once it registered; absent before. */
  currentSoftware: string | undefined;
  lights: Lights;
  failure: ApplianceFailure | null;
  /** The most recent change at or before `now` (status, metadata). */
  lastUpdatedAt: number;
}

export function deviceStateAt(device: DeviceRecord, now: number): DeviceStateAt {
  const state: DeviceStateAt = {
    provisioningStatus: 'AWAITING_PROVISIONING',
    connectionStatus: 'NOT_AVAILABLE',
    currentSoftware: undefined,
    lights: 'off',
    failure: null,
    lastUpdatedAt: Math.max(device.createdAt, device.metadataUpdatedAt),
  };
  // In date order: a job planned later may still add changes before ones planned earlier.
  const points = [...device.timeline].sort((a, b) => a.at - b.at);
  for (const point of points) {
    if (point.at > now) break;
    if (point.provisioningStatus !== undefined) state.provisioningStatus = point.provisioningStatus;
    if (point.connectionStatus !== undefined) state.connectionStatus = point.connectionStatus;
    if (point.currentSoftware !== undefined) state.currentSoftware = point.currentSoftware;
    if (point.lights !== undefined) state.lights = point.lights;
    if (point.failure !== undefined) state.failure = point.failure;
    state.lastUpdatedAt = Math.max(state.lastUpdatedAt, point.at);
  }
  return state;
}

/**
 * Whether a connection status is one only the service's monitoring job finds out: the appliance
 * connected, or stopped answering. The others the service sets itself as things happen (it
 * accepted a registration and awaits credentials, it refused a reused archive).
 */
function foundByMonitoring(status: DeviceConnectionStatus): boolean {
  return status === 'ONLINE' || status === 'OFFLINE';
}

/**
 * When the service's monitoring job last ran at or before `now`. It runs every `periodMs` of the
 * clock for every device at once, on the clock's own multiples, so the schedule needs no state
 * and survives a restart. A period of 0 (timeScale 0: no delay lasts any time) means it runs
 * all the time.
 */
export function lastMonitoringRun(now: number, periodMs: number): number {
  return periodMs > 0 ? Math.floor(now / periodMs) * periodMs : now;
}

/** The last connection status the service set itself (see foundByMonitoring) at or before `now`. */
function statusSetByService(device: DeviceRecord, now: number): DeviceConnectionStatus {
  let status: DeviceConnectionStatus = 'NOT_AVAILABLE';
  for (const point of [...device.timeline].sort((a, b) => a.at - b.at)) {
    if (point.at > now) break;
    if (point.connectionStatus !== undefined && !foundByMonitoring(point.connectionStatus)) status = point.connectionStatus;
  }
  return status;
}

/**
 * The device as the service reports it (DescribeDevice, ListDevices, the checks before a job):
 * what the appliance is doing now, except that its coming online or going offline shows only
 * once the monitoring job has run since — up to one period late, and a change shorter than a
 * period between two runs may never show. The appliance's own view (its lights, its logs) is
 * deviceStateAt: it knows at once.
 */
export function serviceStateAt(device: DeviceRecord, now: number, monitoringPeriodMs: number): DeviceStateAt {
  const state = deviceStateAt(device, now);
  if (!foundByMonitoring(state.connectionStatus)) return state;
  const seen = deviceStateAt(device, lastMonitoringRun(now, monitoringPeriodMs)).connectionStatus;
  // The job last ran before the appliance first connected: the service still says what it knew then.
  return { ...state, connectionStatus: foundByMonitoring(seen) ? seen : statusSetByService(device, now) };
}

export function isGone(device: DeviceRecord, now: number): boolean {
  return device.removeAt !== undefined && now >= device.removeAt;
}

export function jobStatusAt(job: JobRecord, now: number): UpdateProgress {
  let status: UpdateProgress = 'PENDING';
  for (const phase of job.phases) if (phase.at <= now) status = phase.status;
  return status;
}

export function isJobActive(job: JobRecord, now: number): boolean {
  const status = jobStatusAt(job, now);
  return status !== 'COMPLETED' && status !== 'FAILED';
}

/** The device's most recent job (the model's LatestDeviceJob), if any. */
export function latestJobOf(jobs: Iterable<JobRecord>, deviceId: string): JobRecord | undefined {
  let latest: JobRecord | undefined;
  for (const job of jobs) {
    if (job.deviceId === deviceId && (latest === undefined || job.createdAt >= latest.createdAt)) latest = job;
  }
  return latest;
}

/** Orders dotted versions numerically ("4.3.100" is newer than "4.3.99"). */
export function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

/**
 * One status summing up provisioning, connection and updates, as the console shows it: before
 * the device is provisioned its provisioning status says it all; after, the connection does,
 * with REBOOTING during a job's reboot and UPDATE_NEEDED when newer software is available.
 */
export function aggregatedStatus(state: DeviceStateAt, latestJobStatus: UpdateProgress | undefined, latestSoftware: string): DeviceAggregatedStatus {
  if (state.provisioningStatus !== 'SUCCEEDED') return state.provisioningStatus;
  if (latestJobStatus === 'REBOOTING') return 'REBOOTING';
  switch (state.connectionStatus) {
    case 'ONLINE':
      return state.currentSoftware !== undefined && compareVersions(state.currentSoftware, latestSoftware) < 0 ? 'UPDATE_NEEDED' : 'ONLINE';
    case 'OFFLINE':
      return 'OFFLINE';
    case 'ERROR':
      return 'ERROR';
    case 'AWAITING_CREDENTIALS':
    case 'NOT_AVAILABLE':
      return 'PENDING';
  }
}

/** The appliance's log so far, one line each: "<ISO time> <source>: <message>". */
export function logLinesAt(log: readonly LogEvent[], now: number): string[] {
  return log
    .filter((event) => event.at <= now)
    .sort((a, b) => a.at - b.at)
    .map((event) => `${new Date(event.at).toISOString()} ${event.source}: ${event.message}`);
}
