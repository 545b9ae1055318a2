/**
 * The simulator's state: devices, jobs and its certificate authority, in memory, optionally
 * persisted to one JSON file. Every change is written before the request that made it is
 * answered, atomically (a temporary file, fsync, rename), so a crash never leaves half a file
 * and a restart finds what clients were told. The file holds the simulator's own CA key (mode
 * 0600) and never a device private key.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { failed, refused } from '../errors';
import { createCertificateAuthority, loadCertificateAuthority, type CertificateAuthority } from './certificates';
import { CONNECTION_STATUSES, DEVICE_STATUSES, LIGHTS, UPDATE_PROGRESS, type DeviceRecord, type JobRecord, type SimulatorStateData } from './model';
import { SCENARIOS, type ScenarioName } from './scenarios';
import { isGone } from './view';
import { NetworkPayloadSchema } from './validation';

const scenarioNames = SCENARIOS.map((scenario) => scenario.name) as [ScenarioName, ...ScenarioName[]];
const FailureSchema = z.object({ code: z.string(), message: z.string() });

const DeviceRecordSchema = z.object({
  deviceId: z.string(),
  name: z.string(),
  description: z.string().optional(),
  tags: z.record(z.string(), z.string()),
  networking: NetworkPayloadSchema,
  createdAt: z.number(),
  metadataUpdatedAt: z.number(),
  certificateSha256: z.string().regex(/^[0-9a-f]{64}$/),
  certificateNotAfter: z.number(),
  archiveSha256: z.string().regex(/^[0-9a-f]{64}$/),
  provisionedUnder: z.enum(scenarioNames),
  registration: z.object({ at: z.number(), scenario: z.enum(scenarioNames), archiveSha256: z.string(), serialNumber: z.string() }).optional(),
  timeline: z.array(
    z.object({
      at: z.number(),
      provisioningStatus: z.enum(DEVICE_STATUSES).optional(),
      connectionStatus: z.enum(CONNECTION_STATUSES).optional(),
      currentSoftware: z.string().optional(),
      lights: z.enum(LIGHTS).optional(),
      failure: FailureSchema.nullable().optional(),
    }),
  ),
  log: z.array(z.object({ at: z.number(), source: z.enum(['occ', 'ota_agent', 'syslog', 'kern']), message: z.string() })),
  removeAt: z.number().optional(),
});

const JobRecordSchema = z.object({
  jobId: z.string(),
  deviceId: z.string(),
  jobType: z.enum(['OTA', 'REBOOT']),
  imageVersion: z.string().optional(),
  createdAt: z.number(),
  phases: z.array(z.object({ at: z.number(), status: z.enum(UPDATE_PROGRESS) })),
});

const StateSchema = z.object({
  version: z.literal(1),
  ca: z.object({ certificatePem: z.string(), privateKeyPkcs8: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/) }),
  devices: z.array(DeviceRecordSchema),
  jobs: z.array(JobRecordSchema),
});

export class SimulatorStore {
  readonly devices = new Map<string, DeviceRecord>();
  readonly jobs = new Map<string, JobRecord>();

  private constructor(
    readonly authority: CertificateAuthority,
    private readonly statePath: string | undefined,
    data: Pick<SimulatorStateData, 'devices' | 'jobs'>,
  ) {
    for (const device of data.devices) this.devices.set(device.deviceId, device);
    for (const job of data.jobs) this.jobs.set(job.jobId, job);
  }

  /** Loads the state file (creating it with a new CA if it does not exist), or starts in memory. */
  static async open(statePath: string | undefined): Promise<SimulatorStore> {
    if (statePath === undefined) return new SimulatorStore(await createCertificateAuthority(), undefined, { devices: [], jobs: [] });
    const data = readState(statePath);
    if (data === null) {
      const store = new SimulatorStore(await createCertificateAuthority(), statePath, { devices: [], jobs: [] });
      store.save();
      return store;
    }
    let authority: CertificateAuthority;
    try {
      authority = await loadCertificateAuthority(data.ca);
    } catch (error) {
      throw refused('SIMULATOR_STATE_INVALID', `${statePath} holds a certificate authority that cannot be used (${error instanceof Error ? error.message : String(error)}).`, 'Delete the file (the simulator starts afresh) or give another --state path.');
    }
    return new SimulatorStore(authority, statePath, data);
  }

  snapshot(): SimulatorStateData {
    return { version: 1, ca: this.authority.data, devices: [...this.devices.values()], jobs: [...this.jobs.values()] };
  }

  /** Drops devices whose deletion has completed, with their jobs. Returns whether anything went. */
  purge(now: number): boolean {
    let changed = false;
    for (const [deviceId, device] of this.devices) {
      if (!isGone(device, now)) continue;
      this.devices.delete(deviceId);
      for (const [jobId, job] of this.jobs) if (job.deviceId === deviceId) this.jobs.delete(jobId);
      changed = true;
    }
    return changed;
  }

  /** Forgets every device and job; the CA stays, so the state keeps its identity. */
  clear(): void {
    this.devices.clear();
    this.jobs.clear();
    this.save();
  }

  /** Writes the state file atomically; a no-op in memory. Throws a typed error if it cannot. */
  save(): void {
    if (this.statePath === undefined) return;
    const temporary = `${this.statePath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    const text = `${JSON.stringify(this.snapshot(), null, 1)}\n`;
    try {
      const fd = openSync(temporary, 'wx', 0o600);
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(temporary, this.statePath);
    } catch (error) {
      rmSync(temporary, { force: true });
      const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unknown error';
      throw failed('SIMULATOR_STATE_UNWRITABLE', `The simulator cannot save its state to ${this.statePath} (${code}).`, 'Check that the folder exists and is writable, or run without --state.', error);
    }
  }
}

function readState(statePath: string): SimulatorStateData | null {
  let text: string;
  try {
    text = readFileSync(statePath, 'utf8');
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unknown error';
    if (code === 'ENOENT') return null;
    throw refused('SIMULATOR_STATE_UNREADABLE', `${statePath} cannot be read (${code}).`, 'Check its permissions, or give another --state path.');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw refused('SIMULATOR_STATE_INVALID', `${statePath} is not a simulator state file (not JSON).`, 'Delete the file (the simulator starts afresh) or give another --state path.');
  }
  const parsed = StateSchema.safeParse(value);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') ?? '';
    throw refused('SIMULATOR_STATE_INVALID', `${statePath} is not a simulator state file this version understands (at "${where}").`, 'Delete the file (the simulator starts afresh) or give another --state path.');
  }
  return parsed.data;
}
