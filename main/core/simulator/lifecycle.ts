/**
 * How devices and jobs move, planned as dated changes when something happens (registration,
 * a refusal, a job, a deletion). Every delay is given in real-world seconds and multiplied by
 * the simulator's timeScale, so tests run the same story a hundred times faster — the service's
 * monitoring period too (monitoringPeriodMs), so the lag it puts on the online status shrinks
 * with everything else.
 */
import type { ApplianceFailure, DeviceRecord, JobRecord, JobType, LogEvent, TimelinePoint, UpdateProgress } from './model';
import {
  archiveReusedScript,
  certificateExpiredScript,
  networkFailureScript,
  OTA_PHASES,
  REBOOT_PHASES,
  otaScript,
  rebootScript,
  registrationAcceptedScript,
  registrationPreamble,
  updateAvailableLine,
  type RegistrationScriptInput,
  type ScriptLine,
} from './logs';
import { iotEndpointPattern, MONITORING_INTERVAL_SECONDS } from './facts';
import type { ScenarioName } from './scenarios';
import { isJobActive } from './view';

/** Appliance software: what a new appliance runs, and the update offered in 'update-available'. */
export const SOFTWARE = { installed: '4.3.55', update: '4.3.57' } as const;

/** Real-world durations, in seconds, before timeScale. */
export const DELAYS = {
  /** Registration accepted → ProvisioningStatus SUCCEEDED. */
  registration: 20,
  slowRegistration: 180,
  /** Registration accepted → FAILED when the appliance cannot reach AWS. */
  networkFailure: 30,
  /**
   * SUCCEEDED → the appliance is connected (credentials delivered, TLS on 443 up: see facts.ts).
   * DescribeDevice says ONLINE at the monitoring job's next run after that.
   */
  credentials: 5,
  /** DeleteDevice → the device is gone (DELETING meanwhile). */
  deletion: 5,
} as const;

export function latestSoftwareOffered(scenario: ScenarioName): string {
  return scenario === 'update-available' ? SOFTWARE.update : SOFTWARE.installed;
}

export interface Clock {
  now: number;
  timeScale: number;
}

function at(clock: Clock, seconds: number): number {
  return Math.round(clock.now + seconds * 1000 * clock.timeScale);
}

/**
 * How often the service's monitoring job runs on this clock: every 30 s (facts.ts) × timeScale.
 * At timeScale 0 every delay is nothing, so the job runs all the time and DescribeDevice shows
 * the appliance's status with no lag.
 */
export function monitoringPeriodMs(clock: Pick<Clock, 'timeScale'>): number {
  return Math.round(MONITORING_INTERVAL_SECONDS * 1000 * clock.timeScale);
}

function datedLines(clock: Clock, script: readonly ScriptLine[]): LogEvent[] {
  return script.map(([seconds, source, message]) => ({ at: at(clock, seconds), source, message }));
}

export function addLog(device: DeviceRecord, clock: Clock, script: readonly ScriptLine[]): void {
  device.log.push(...datedLines(clock, script));
}

export interface RegistrationPlan extends Omit<RegistrationScriptInput, 'deviceId' | 'networking' | 'software' | 'certificateNotAfter'> {
  scenario: ScenarioName;
  region: string;
}

/**
 * The appliance was accepted: plan PENDING now, then SUCCEEDED and ONLINE (or, in
 * 'network-failure', FAILED and OFFLINE) at the scenario's pace.
 */
export function planRegistration(device: DeviceRecord, clock: Clock, plan: RegistrationPlan): void {
  const software = SOFTWARE.installed;
  device.registration = { at: clock.now, scenario: plan.scenario, archiveSha256: plan.archiveSha256, serialNumber: plan.serialNumber };
  addLog(device, clock, registrationPreamble({ ...plan, deviceId: device.deviceId, networking: device.networking, software, certificateNotAfter: new Date(device.certificateNotAfter) }));
  device.timeline.push({ at: clock.now, provisioningStatus: 'PENDING', connectionStatus: 'AWAITING_CREDENTIALS', currentSoftware: software, lights: 'blue-slow', failure: null });

  if (plan.scenario === 'network-failure') {
    const failure: ApplianceFailure = {
      code: 'NETWORK_FAILURE',
      // Port and host form: AWS Panorama Developer Guide, "Network security" (see facts.ts).
      message: `The appliance registered but cannot reach AWS IoT: its TLS connection on port 443 to ${iotEndpointPattern(plan.region)} is blocked (firewall), or there is no route. Fix the network, then delete the device and provision it again: the archive cannot be reused.`,
    };
    device.timeline.push({ at: at(clock, DELAYS.networkFailure), provisioningStatus: 'FAILED', connectionStatus: 'OFFLINE', lights: 'red-fast', failure });
    addLog(device, clock, networkFailureScript(plan.region, device.deviceId, DELAYS.networkFailure));
    return;
  }
  const pending = plan.scenario === 'slow-registration' ? DELAYS.slowRegistration : DELAYS.registration;
  device.timeline.push(
    { at: at(clock, pending), provisioningStatus: 'SUCCEEDED' },
    { at: at(clock, pending + DELAYS.credentials), connectionStatus: 'ONLINE', lights: 'green' },
  );
  addLog(device, clock, registrationAcceptedScript(plan.region, pending, DELAYS.credentials, device.deviceId, software));
  const latest = latestSoftwareOffered(plan.scenario);
  if (latest !== software) addLog(device, clock, [updateAvailableLine(pending + DELAYS.credentials, software, latest)]);
}

/**
 * Something happened now that overrides whatever was planned (a refusal, a deletion): planned
 * changes and log lines after `now` are dropped, the device's running jobs fail, and the new
 * state applies from now on.
 */
export function interrupt(device: DeviceRecord, jobs: Iterable<JobRecord>, now: number, point: Omit<TimelinePoint, 'at'>): void {
  device.timeline = device.timeline.filter((entry) => entry.at <= now);
  device.log = device.log.filter((entry) => entry.at <= now);
  device.timeline.push({ at: now, ...point });
  for (const job of jobs) {
    if (job.deviceId !== device.deviceId || !isJobActive(job, now)) continue;
    job.phases = job.phases.filter((phase) => phase.at <= now);
    job.phases.push({ at: now, status: 'FAILED' });
  }
}

/** The appliance presented an expired certificate: a device that never registered fails. */
export function refuseExpiredCertificate(device: DeviceRecord, jobs: Iterable<JobRecord>, clock: Clock, notAfter: Date, stillAwaiting: boolean): void {
  if (stillAwaiting) {
    interrupt(device, jobs, clock.now, {
      provisioningStatus: 'FAILED',
      lights: 'red-fast',
      failure: { code: 'CERTIFICATE_EXPIRED', message: 'The provisioning certificate has expired (it is valid for about 5 minutes). Delete the device and provision it again.' },
    });
  }
  addLog(device, clock, certificateExpiredScript(device.deviceId, notAfter, new Date(clock.now)));
}

/** The archive was used a second time: the device goes to ERROR, as AWS marks it. */
export function refuseReusedArchive(device: DeviceRecord, jobs: Iterable<JobRecord>, clock: Clock): void {
  interrupt(device, jobs, clock.now, {
    provisioningStatus: 'ERROR',
    connectionStatus: 'ERROR',
    lights: 'red-fast',
    failure: { code: 'ARCHIVE_REUSED', message: 'This configuration archive was already used. Archives cannot be reused: delete the device and provision it again.' },
  });
  addLog(device, clock, archiveReusedScript(device.deviceId));
}

export function planDeletion(device: DeviceRecord, jobs: Iterable<JobRecord>, clock: Clock): void {
  interrupt(device, jobs, clock.now, { provisioningStatus: 'DELETING' });
  device.removeAt = at(clock, DELAYS.deletion);
}

/** Plans a job's phases and what the device does meanwhile (offline while it reboots). */
export function planJob(job: Pick<JobRecord, 'jobId' | 'deviceId'> & { jobType: JobType; imageVersion?: string }, device: DeviceRecord, clock: Clock, currentSoftware: string): JobRecord {
  const table: readonly (readonly [number, UpdateProgress])[] = job.jobType === 'OTA' ? OTA_PHASES : REBOOT_PHASES;
  const phases = table.map(([seconds, status]) => ({ at: at(clock, seconds), status }));
  const startOf = (status: UpdateProgress): number => phases.find((phase) => phase.status === status)?.at ?? clock.now;
  if (job.jobType === 'OTA') {
    const target = job.imageVersion ?? currentSoftware;
    device.timeline.push(
      { at: startOf('IN_PROGRESS'), lights: 'blue-slow' },
      { at: startOf('REBOOTING'), connectionStatus: 'OFFLINE' },
      { at: startOf('COMPLETED'), connectionStatus: 'ONLINE', currentSoftware: target, lights: 'green' },
    );
    addLog(device, clock, otaScript(job.jobId, currentSoftware, target));
  } else {
    device.timeline.push({ at: startOf('REBOOTING'), connectionStatus: 'OFFLINE', lights: 'blue-slow' }, { at: startOf('COMPLETED'), connectionStatus: 'ONLINE', lights: 'green' });
    addLog(device, clock, rebootScript(job.jobId));
  }
  return { jobId: job.jobId, deviceId: job.deviceId, jobType: job.jobType, ...(job.imageVersion === undefined ? {} : { imageVersion: job.imageVersion }), createdAt: clock.now, phases };
}
