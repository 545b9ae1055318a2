/**
 * Creating a device (ProvisionDevice, its archive streamed straight to the drive), following
 * its registration, and the software-update check after it.
 */
import type { NetworkPayload } from '@aws-sdk/client-panorama';
import type { EthernetSettings } from '../../preload/contract';
import { archiveFileNameFor } from '../core/archive';
import { toPanoramaUsbError } from '../core/errors';
import { describeRegistrationState, describeUpdateStatus, findDevicesByName, followJob, monitorRegistration, pickDevice, provisionToDrive, softwareStatus, startSoftwareUpdate } from '../core/registration';
import type { CoreServices } from '../services';
import { chosenForRequest, detach, driveFacts, journal, record, recordFailure, type Handlers } from './support';

const PROVISION_PHASES = ['provision', 'check', 'format', 'write', 'verify', 'eject'];

/** The wizard's network form, in the shape ProvisionDevice takes. */
export function networkPayload(ethernet0: EthernetSettings, ntpServers: readonly string[]): NetworkPayload {
  const port =
    ethernet0.mode === 'dhcp'
      ? { ConnectionType: 'DHCP' as const }
      : { ConnectionType: 'STATIC_IP' as const, StaticIpConnectionInfo: { IpAddress: ethernet0.ipAddress, Mask: ethernet0.mask, DefaultGateway: ethernet0.gateway, Dns: [...ethernet0.dns] } };
  return { Ethernet0: port, ...(ntpServers.length > 0 ? { Ntp: { NtpServers: [...ntpServers] } } : {}) };
}

export function provisionHandlers(services: CoreServices): Handlers<'provision.create' | 'registration.monitor' | 'software.check' | 'software.update'> {
  return {
    'provision.create': async (request) => {
      const chosen = await chosenForRequest(services, request.drivePath, request.training, 'provision', request.unmount);
      const drive = chosen.assessment.drive;
      const client = await services.panoramaClient(request, request.training);
      const subject = { deviceName: request.name, drive: drive.path, model: drive.model, serial: drive.serial };
      // Write-ahead, as for archive.write: from here on the drive may hold the new device's archive.
      await journal(services, request.sessionId, () => ({ source: 'create', deviceName: request.name, drive: driveFacts(drive, chosen.assessment.displayName), driveHoldsArchive: true, driveSanitized: false }));
      const { jobId, result } = services.jobs.start('provision', async (context) => {
        const report = await provisionToDrive(
          client,
          { name: request.name, ...(request.description === undefined || request.description === '' ? {} : { description: request.description }), networking: networkPayload(request.ethernet0, request.ntpServers) },
          chosen,
          { signal: context.signal, writer: services.archiveWriter, onPhase: (phase) => context.progress(phase, Math.max(0, PROVISION_PHASES.indexOf(phase)), PROVISION_PHASES.length, { final: true }) },
        );
        context.progress('done', PROVISION_PHASES.length, PROVISION_PHASES.length, { final: true });
        return {
          deviceId: report.deviceId,
          deviceName: request.name,
          fileName: archiveFileNameFor(request.name),
          sha256: report.write.sha256,
          target: report.write.target,
          certificateExpiresAt: report.certificateExpiresAt,
          warnings: report.warnings,
        };
      });
      detach(
        result.then(
          async (created) => {
            await record(services, 'provision', 'succeeded', { ...subject, deviceId: created.deviceId, sha256: created.sha256 });
            await journal(services, request.sessionId, () => ({ deviceId: created.deviceId, registration: 'not-started' }));
          },
          (error: unknown) => recordFailure(services, 'provision', error, subject),
        ),
      );
      return { jobId };
    },
    'registration.monitor': async (request) => {
      const client = await services.panoramaClient(request, request.training, { maxAttempts: 1 });
      const { jobId, result } = services.jobs.start('monitor', async (context) => {
        let deviceId = request.deviceId;
        if (deviceId === undefined) {
          // An imported archive names the device, not its id: look it up as the console would.
          const name = request.deviceName ?? '';
          deviceId = pickDevice(name, await findDevicesByName(client, name)).deviceId;
        }
        await journal(services, request.sessionId, () => ({ deviceId, registration: 'in-progress' }));
        const monitored = await monitorRegistration(client, deviceId, {
          signal: context.signal,
          timeoutSeconds: request.timeoutSeconds,
          onChange: (entry) => services.events.emit('registration.changed', { jobId: context.jobId, ...entry, state: describeRegistrationState(entry.provisioningStatus, entry.connectionStatus) }),
        });
        return {
          deviceId: monitored.device.deviceId,
          deviceName: monitored.device.name,
          advice: monitored.advice,
          timeline: monitored.timeline,
          currentSoftware: monitored.device.currentSoftware,
          latestSoftware: monitored.device.latestSoftware,
        };
      });
      const subject = { deviceId: request.deviceId ?? null, deviceName: request.deviceName ?? null };
      detach(
        result.then(
          async (registered) => {
            await record(services, 'registration', 'succeeded', { ...subject, deviceId: registered.deviceId });
            await journal(services, request.sessionId, () => ({ registration: 'registered' }));
          },
          async (error: unknown) => {
            await recordFailure(services, 'registration', error, subject);
            // Stopping the watch (or its timeout) is not a failed registration: the appliance carries on.
            const cancelledWatch = toPanoramaUsbError(error).outcome === 'cancelled';
            await journal(services, request.sessionId, (session) => ({ registration: cancelledWatch ? session.registration : 'failed' }));
          },
        ),
      );
      return { jobId };
    },
    'software.check': async (request) => {
      const client = await services.panoramaClient(request, request.training);
      const status = await softwareStatus(client, request.deviceId);
      return { deviceId: request.deviceId, current: status.current, latest: status.latest, updateAvailable: status.updateAvailable };
    },
    'software.update': async (request) => {
      const client = await services.panoramaClient(request, request.training);
      const subject = { event: 'software-update', deviceId: request.deviceId, imageVersion: request.imageVersion };
      const { jobId, result } = services.jobs.start('update', async (context) => {
        const awsJobId = await startSoftwareUpdate(client, request.deviceId, request.imageVersion);
        // Each status of the OTA job is a phase of this one (no byte counts to report).
        const status = await followJob(client, awsJobId, { signal: context.signal, onStatus: (phase) => context.progress(describeUpdateStatus(phase), 0, 1, { final: true }) });
        return { awsJobId, status };
      });
      detach(
        result.then(
          ({ awsJobId }) => record(services, 'registration', 'succeeded', { ...subject, awsJobId }),
          (error: unknown) => recordFailure(services, 'registration', error, subject),
        ),
      );
      return { jobId };
    },
  };
}
