/** `provision`, `monitor`, `update`, `decommission` and `appliance`: talking to Panorama (or its simulator). */
import { deviceNameFromArchiveName } from '../../core/archive';
import { describeDrive } from '../../core/drives';
import { driveFacts, type Records } from '../../core/records';
import { failed, refused, toPanoramaUsbError } from '../../core/errors';
import {
  checkProvisionRequest,
  createPanoramaClient,
  decommissionDevice,
  describeUpdateStatus,
  findDevicesByName,
  followJob,
  monitorRegistration,
  pickDevice,
  provisionToDrive,
  registrationStateLine,
  softwareStatus,
  startSoftwareUpdate,
  type ClientOptions,
  type DeviceMatch,
  type ProvisionReport,
} from '../../core/registration';
import { runAppliance } from '../../core/simulator/appliance';
import { defaultDataDir } from '../../core/app/data-dir';
import { assertNotCounterfeit } from '../../core/capacity';
import { chooseDrive } from '../../core/target';
import { recordDriveWrite } from '../records';
import type { CliRuntime, CommandOutcome } from '../runtime';
import { withUnmounts } from '../unmount';
import { readNetworkFile } from '../network-file';

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function clientOptions(options: Record<string, unknown>, extra: Partial<ClientOptions> = {}): ClientOptions {
  const region = text(options['region']);
  const endpoint = text(options['endpoint']);
  const profile = text(options['profile']);
  return { ...(region === undefined ? {} : { region }), ...(endpoint === undefined ? {} : { endpoint }), ...(profile === undefined ? {} : { profile }), ...extra };
}

function endpointFlag(options: Record<string, unknown>): string {
  const endpoint = text(options['endpoint']);
  return endpoint === undefined ? '' : ` --endpoint ${endpoint}`;
}

export async function provisionCommand(runtime: CliRuntime, _args: string[], options: Record<string, unknown>): Promise<CommandOutcome> {
  const name = text(options['name']) ?? '';
  const description = text(options['description']);
  const request = { name, ...(description === undefined ? {} : { description }), networking: await readNetworkFile(text(options['network'])) };
  // Everything refusable is refused before AWS is called and before the drive is touched.
  const { warnings } = checkProvisionRequest(request);
  const chosen = await chooseDrive(text(options['target']) ?? '', 'provision', { unmount: options['unmount'] === true });
  // Never to a drive whose capacity check found it counterfeit (`check`), before the device is created.
  assertNotCounterfeit(defaultDataDir(), chosen.assessment.drive);
  for (const warning of [...warnings, ...chosen.assessment.warnings.map((reason) => reason.message)]) runtime.note(`warning: ${warning}`);
  await runtime.confirm(withUnmounts([chosen], `Create the Panorama device "${name}" and erase`), `${describeDrive(chosen.assessment.drive)} to write its configuration archive`);
  const client = createPanoramaClient(clientOptions(options));
  const drive = chosen.assessment.drive;
  const report = await recordDriveWrite(
    await runtime.records(),
    {
      action: 'provision',
      subject: { deviceName: name, drive: drive.path, model: drive.model, serial: drive.serial },
      // Write-ahead, as the wizard: from here on the drive may hold the new device's archive.
      session: { source: 'create', deviceName: name, drive: driveFacts(drive), endpoint: text(options['endpoint']) ?? null },
      onSuccess: (created: ProvisionReport) => ({
        subject: { deviceId: created.deviceId, sha256: created.write.sha256 },
        session: { deviceId: created.deviceId, archive: { fileName: created.write.fileName, sha256: created.write.sha256, size: created.write.size }, registration: 'not-started' },
      }),
    },
    (phaseSeen) =>
      provisionToDrive(client, request, chosen, {
        signal: runtime.signal,
        onPhase: (phase) => {
          phaseSeen(phase);
          runtime.note(`${phase}…`);
        },
      }),
  );
  const lines = [
    `Created ${report.deviceId} (${name}) and wrote its archive, verified, to ${describeDrive(chosen.assessment.drive)}.`,
    report.write.eject.detail.charAt(0).toUpperCase() + report.write.eject.detail.slice(1) + '.',
    report.certificateExpiresAt === null ? '' : `Plug the drive into the appliance's USB 3.0 port next to HDMI before ${report.certificateExpiresAt} (the provisioning certificate is valid for about 5 minutes).`,
    `Then watch it register: panorama-usb monitor --device-id ${report.deviceId}${endpointFlag(options)}`,
  ].filter((line) => line !== '');
  return { data: { device: { deviceId: report.deviceId, arn: report.arn, iotThingName: report.iotThingName, status: report.status }, certificateExpiresAt: report.certificateExpiresAt, write: report.write, warnings: report.warnings }, text: lines.join('\n') };
}

/** Several devices share the archive's name: let the person choose (scripts get AMBIGUOUS_DEVICE instead). */
async function askWhichDevice(runtime: CliRuntime, name: string, matches: readonly DeviceMatch[]): Promise<string> {
  runtime.note(`${matches.length} devices are named "${name}":`);
  matches.forEach((match, index) => runtime.note(`  ${index + 1}. ${match.deviceId}  ${match.provisioningStatus ?? '?'}  created ${match.createdTime ?? '?'}`));
  const answer = Number((await runtime.io.ask(`Which one? (1-${matches.length}) `)).trim());
  const chosen = Number.isInteger(answer) ? matches[answer - 1] : undefined;
  if (chosen === undefined) throw refused('NOT_CONFIRMED', 'No device was chosen.', 'Run again and type the number of the device, or pass --device-id.');
  return chosen.deviceId;
}

/**
 * A watched registration, recorded as the wizard records it: the journal's sessions for this
 * device say it is in progress while watched (a monitor killed meanwhile leaves it pending), then
 * registered or failed; stopping the watch (Ctrl+C, --timeout) is not a failed registration.
 */
async function recordRegistration<T extends { device: { name: string | null } }>(records: Records, deviceId: string, watch: () => Promise<T>): Promise<T> {
  const forDevice = (session: { deviceId: string | null }): boolean => session.deviceId === deviceId;
  await records.updateEach(forDevice, () => ({ registration: 'in-progress' }));
  try {
    const result = await watch();
    await records.record('registration', 'succeeded', { deviceId, deviceName: result.device.name });
    await records.updateEach(forDevice, () => ({ registration: 'registered' }));
    return result;
  } catch (error) {
    await records.recordFailure('registration', error, { deviceId, deviceName: null });
    const stoppedWatching = toPanoramaUsbError(error).outcome === 'cancelled';
    if (!stoppedWatching) await records.updateEach(forDevice, () => ({ registration: 'failed' }));
    throw error;
  }
}

export async function monitorCommand(runtime: CliRuntime, _args: string[], options: Record<string, unknown>): Promise<CommandOutcome> {
  const client = createPanoramaClient(clientOptions(options, { maxAttempts: 1 }));
  const archive = text(options['archive']);
  let deviceId = text(options['deviceId']);
  if (deviceId === undefined && archive !== undefined) {
    const name = deviceNameFromArchiveName(archive);
    const matches = await findDevicesByName(client, name);
    deviceId = matches.length > 1 && runtime.io.isInteractive && !runtime.globals.json ? await askWhichDevice(runtime, name, matches) : pickDevice(name, matches).deviceId;
  }
  if (deviceId === undefined) throw refused('MISSING_ARGUMENT', 'Give --device-id ID (or --archive FILE to look the device up by its name).', 'Run panorama-usb monitor --help.');
  const timeout = text(options['timeout']);
  const timeoutSeconds = timeout === undefined ? undefined : Number(timeout);
  if (timeoutSeconds !== undefined && !(Number.isFinite(timeoutSeconds) && timeoutSeconds > 0)) throw refused('INVALID_ARGUMENT', `--timeout must be a number of seconds, got "${timeout ?? ''}".`);
  // AWS Panorama Developer Guide, monitoring page: the service's monitoring job "runs every 30 seconds to determine whether your AWS Panorama Appliance is online".
  runtime.note(`Watching ${deviceId} (Ctrl+C to stop)… ONLINE can show up to 30 s after the light turns green: the service checks every 30 s.`);
  const watched = deviceId;
  const result = await recordRegistration(await runtime.records(), watched, () =>
    monitorRegistration(client, watched, {
      signal: runtime.signal,
      ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
      onChange: (entry) => runtime.note(registrationStateLine(entry.at, entry.provisioningStatus, entry.connectionStatus)),
    }),
  );
  const software = await softwareStatus(client, deviceId);
  const lines = [result.advice, software.updateAvailable ? `A software update is available (${software.current ?? '?'} → ${software.latest ?? '?'}): panorama-usb update --device-id ${deviceId}${endpointFlag(options)}` : `Software ${software.current ?? 'unknown'} is current.`];
  return { data: { device: result.device, timeline: result.timeline, requests: result.requests, transientErrors: result.transientErrors, software, advice: result.advice }, text: lines.join('\n') };
}

export async function updateCommand(runtime: CliRuntime, _args: string[], options: Record<string, unknown>): Promise<CommandOutcome> {
  const deviceId = text(options['deviceId']) ?? '';
  const client = createPanoramaClient(clientOptions(options));
  const software = await softwareStatus(client, deviceId);
  if (!software.updateAvailable || software.latest === null) return { data: { software, jobId: null }, text: `${deviceId} runs ${software.current ?? 'unknown'}: no update available.` };
  const imageVersion = software.latest;
  await runtime.confirm(`Update ${deviceId} from ${software.current ?? '?'} to`, imageVersion);
  const records = await runtime.records();
  // The same entry as the wizard's software update.
  const subject = { event: 'software-update', deviceId, imageVersion };
  let jobId: string | null = null;
  let status: string;
  try {
    jobId = await startSoftwareUpdate(client, deviceId, imageVersion);
    const awsJobId = jobId;
    runtime.note(`Update job ${awsJobId} started; the appliance downloads, verifies and reboots.`);
    status = await followJob(client, awsJobId, { signal: runtime.signal, onStatus: (next) => runtime.note(`job ${awsJobId}: ${describeUpdateStatus(next)} (${next})`) });
  } catch (error) {
    await records.recordFailure('registration', error, { ...subject, awsJobId: jobId });
    throw error;
  }
  await records.record('registration', 'succeeded', { ...subject, awsJobId: jobId });
  return { data: { software, jobId, status }, text: `Updated ${deviceId} to ${software.latest}.` };
}

export async function decommissionCommand(runtime: CliRuntime, _args: string[], options: Record<string, unknown>): Promise<CommandOutcome> {
  const deviceId = text(options['deviceId']) ?? '';
  await runtime.confirm('Delete the Panorama device', deviceId);
  const records = await runtime.records();
  let result: Awaited<ReturnType<typeof decommissionDevice>>;
  try {
    result = await decommissionDevice(createPanoramaClient(clientOptions(options)), deviceId);
  } catch (error) {
    await records.recordFailure('decommission', error, { deviceId });
    throw error;
  }
  await records.record('decommission', 'succeeded', { deviceId });
  return { data: result, text: result.instructions.join('\n') };
}

const LIGHT_WORDS = { off: 'off', 'blue-slow': 'slow-blinking blue', green: 'solid green', 'red-fast': 'fast-blinking red' } as const;

export async function applianceCommand(runtime: CliRuntime, _args: string[], options: Record<string, unknown>): Promise<CommandOutcome> {
  const result = await runAppliance({
    drivePath: text(options['drive']) ?? '',
    endpoint: text(options['endpoint']) ?? '',
    signal: runtime.signal,
    onLights: (lights, why) => runtime.note(`light: ${LIGHT_WORDS[lights]} (${why})`),
  });
  if (result.outcome === 'failed') {
    throw failed(result.problem?.code ?? 'APPLIANCE_FAILED', `The simulated appliance could not register: ${result.problem?.message ?? 'unknown problem'}`, 'Fix the drive (one certificates-omni_*.zip at the root of a FAT32 volume, written in time) or, after a failed registration, delete the device and provision again.');
  }
  return { data: { deviceId: result.deviceId, lights: result.lights, logsWritten: result.logsWritten }, text: `Registered ${result.deviceId ?? ''}: light ${LIGHT_WORDS[result.lights]}. Logs written to ${result.logsWritten.join(', ')}.` };
}
