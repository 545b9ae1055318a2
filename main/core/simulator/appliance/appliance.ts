/**
 * The simulated appliance: what Training mode plugs a (virtual) drive into, and what
 * `panorama-usb appliance` runs. It reads the drive as the real appliance does, proves it holds
 * the archive's private key to the simulator (signing a one-time challenge), then follows its own
 * registration, showing the appliance's lights, and leaves its logs on the drive.
 */
import { sign, X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { readZip } from '../../archive';
import { sha256 } from '../../disk';
import { cancelled, failed, refused } from '../../errors';
import { resolveEndpoint } from '../../registration';
import { prepareDrive, readDriveAsAppliance, type DriveProblem } from './drive';
import { ApplianceLog } from './logs';

/** The appliance's status light: slow blue while registering, green when done, fast red on error. */
export type Lights = 'off' | 'blue-slow' | 'green' | 'red-fast';

export interface ApplianceOptions {
  drivePath: string;
  endpoint: string;
  signal?: AbortSignal;
  timeoutSeconds?: number;
  /** How often the appliance checks its registration (the simulator's time scale applies to it too). */
  pollMs?: number;
  onLights?: (lights: Lights, why: string) => void;
}

export interface ApplianceResult {
  outcome: 'registered' | 'failed';
  deviceId: string | null;
  lights: Lights;
  problem: { code: string; message: string } | null;
  logsWritten: string[];
}

const ScenarioSchema = z.object({ name: z.string(), drivePreparation: z.enum(['none', 'remove-archive', 'move-archive-into-folder', 'duplicate-archive', 'wipe-filesystem']) });
const ChallengeSchema = z.object({ nonce: z.string() });
const RegistrationSchema = z.object({ deviceId: z.string().optional(), code: z.string().optional(), message: z.string().optional() });
const StatusSchema = z.object({ provisioningStatus: z.string(), connectionStatus: z.string(), logLines: z.array(z.string()).optional() });

async function call<T>(endpoint: string, path: string, schema: z.ZodType<T>, body?: unknown): Promise<{ status: number; body: T }> {
  let response: Response;
  try {
    response = await fetch(`${endpoint}${path}`, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  } catch (error) {
    throw failed('ENDPOINT_UNREACHABLE', `The simulator at ${endpoint} did not answer (${error instanceof Error ? error.message : String(error)}).`, 'Start it with `panorama-usb simulate` and pass its endpoint.');
  }
  const parsed = schema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw failed('SIMULATOR_PROTOCOL', `The simulator answered ${path} with something unexpected (HTTP ${response.status}).`, 'Use the simulator of the same panorama-usb version.');
  return { status: response.status, body: parsed.data };
}

/** The device certificate (the one that is not a CA) and its private key, from the archive's PEM blocks. */
function credentialsFrom(entries: readonly { data: Buffer }[]): { certificatePem: string; privateKeyPem: string } | null {
  let certificatePem: string | null = null;
  let privateKeyPem: string | null = null;
  for (const entry of entries) {
    for (const match of entry.data.toString('latin1').matchAll(/-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g)) {
      const label = match[1] ?? '';
      if (label.endsWith('PRIVATE KEY')) privateKeyPem ??= match[0];
      else if (label === 'CERTIFICATE' && certificatePem === null) {
        try {
          if (!new X509Certificate(match[0]).ca) certificatePem = match[0];
        } catch {
          // Not a certificate we can read: the registration will say so.
        }
      }
    }
  }
  return certificatePem === null || privateKeyPem === null ? null : { certificatePem, privateKeyPem };
}

const wait = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve) => {
    // The listener goes when the timer fires: one per poll would pile up over a long registration.
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export async function runAppliance(options: ApplianceOptions): Promise<ApplianceResult> {
  const endpoint = resolveEndpoint(options.endpoint);
  if (endpoint.url === undefined || !endpoint.loopback) {
    throw refused('NOT_A_SIMULATOR', 'The simulated appliance registers with the local simulator only.', 'Pass the endpoint `panorama-usb simulate` printed (http://127.0.0.1:PORT).');
  }
  const base = endpoint.url;
  const log = new ApplianceLog();
  let lights: Lights = 'off';
  const setLights = (next: Lights, why: string): void => {
    lights = next;
    options.onLights?.(next, why);
  };
  const finish = async (outcome: ApplianceResult['outcome'], deviceId: string | null, problem: ApplianceResult['problem']): Promise<ApplianceResult> => {
    let logsWritten: string[] = [];
    try {
      logsWritten = await log.writeTo(options.drivePath);
    } catch {
      // A drive that is not FAT32 cannot take the logs: the real appliance cannot write them either.
    }
    return { outcome, deviceId, lights, problem, logsWritten };
  };
  const fail = (problem: DriveProblem | { code: string; message: string }, deviceId: string | null = null): Promise<ApplianceResult> => {
    log.add('occ.log', `ERROR provisioning failed: ${problem.code}: ${problem.message}`);
    setLights('red-fast', problem.message);
    return finish('failed', deviceId, problem);
  };

  const scenario = (await call(base, '/_appliance/scenario', ScenarioSchema)).body;
  await prepareDrive(options.drivePath, scenario.drivePreparation);

  setLights('blue-slow', 'reading the USB drive');
  log.add('kern.log', 'usb 2-1: new SuperSpeed USB device number 2 using xhci_hcd');
  log.add('kern.log', 'sd 0:0:0:0: [sda] Attached SCSI removable disk');
  const reading = await readDriveAsAppliance(options.drivePath);
  if (!reading.ok) return fail(reading.problem);
  log.add('syslog.log', `usb-provisioning: found ${reading.fileName} on /dev/sda1 (vfat)`);

  const archiveSha256 = sha256(reading.bytes);
  let entries;
  try {
    ({ entries } = await readZip(reading.bytes));
  } catch (error) {
    reading.bytes.fill(0);
    return fail({ code: 'ARCHIVE_UNREADABLE', message: error instanceof Error ? error.message : String(error) });
  }
  reading.bytes.fill(0);
  const credentials = credentialsFrom(entries);
  for (const entry of entries) entry.data.fill(0);
  if (credentials === null) return fail({ code: 'ARCHIVE_INCOMPLETE', message: 'The archive holds no device certificate and key.' });
  log.add('occ.log', `INFO loaded provisioning configuration (archive sha256 ${archiveSha256.slice(0, 16)}…)`);

  const { body: challenge } = await call(base, '/_appliance/challenge', ChallengeSchema);
  const signature = sign('sha256', Buffer.from(challenge.nonce, 'utf8'), credentials.privateKeyPem).toString('base64');
  log.add('occ.log', 'INFO connecting to the Panorama service to register');
  const registration = await call(base, '/_appliance/register', RegistrationSchema, { nonce: challenge.nonce, certificatePem: credentials.certificatePem, signature, archiveSha256 });
  if (registration.status !== 200 || registration.body.deviceId === undefined) {
    return fail({ code: registration.body.code ?? 'REGISTRATION_REFUSED', message: registration.body.message ?? `registration refused (HTTP ${registration.status})` });
  }
  const { deviceId } = registration.body;
  log.add('occ.log', `INFO registration accepted for ${deviceId}`);

  const deadline = Date.now() + (options.timeoutSeconds ?? 15 * 60) * 1000;
  let lastState = '';
  let seenLines = 0;
  for (;;) {
    if (options.signal?.aborted === true) throw cancelled('CANCELLED', 'The simulated appliance was stopped.');
    if (Date.now() > deadline) return fail({ code: 'REGISTRATION_TIMEOUT', message: 'Registration did not finish in time.' }, deviceId);
    const { body: status } = await call(base, `/_appliance/status?deviceId=${encodeURIComponent(deviceId)}`, StatusSchema);
    for (const line of (status.logLines ?? []).slice(seenLines)) log.add('occ.log', line);
    seenLines = Math.max(seenLines, status.logLines?.length ?? 0);
    const state = `${status.provisioningStatus}/${status.connectionStatus}`;
    if (state !== lastState) {
      lastState = state;
      log.add('syslog.log', `occ: status ${state}`);
    }
    if (status.provisioningStatus === 'SUCCEEDED' && status.connectionStatus === 'ONLINE') {
      log.add('ota_agent.log', 'INFO agent started; checking for software updates');
      setLights('green', 'registered and online');
      return finish('registered', deviceId, null);
    }
    if (['FAILED', 'ERROR'].includes(status.provisioningStatus) || status.connectionStatus === 'ERROR') {
      return fail({ code: `REGISTRATION_${status.provisioningStatus}`, message: `The service reports ${state}.` }, deviceId);
    }
    await wait(options.pollMs ?? 1000, options.signal);
  }
}
