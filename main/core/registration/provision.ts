/**
 * Provision: create the device with ProvisionDevice and stream its archive straight onto the
 * chosen drive through the verified write path. The archive exists only in memory — it is never
 * written to the local disk — and its buffer is overwritten once it is on the drive. AWS keeps
 * no copy, so a failure after the call says exactly what to do with the half-made device.
 */
import { ProvisionDeviceCommand, type NetworkPayload, type PanoramaClient } from '@aws-sdk/client-panorama';
import { archiveFileNameFor, writeArchive, type ArchiveWriter, type WriteArchiveReport } from '../archive';
import { failed, PanoramaUsbError, refused } from '../errors';
import type { ChosenDrive } from '../target';
import { toRegistrationError } from './errors';
import { personalDataWarnings, validateNetworking } from './networking';

export interface ProvisionRequest {
  name: string;
  description?: string;
  networking?: unknown;
  tags?: Record<string, string>;
}

export interface ProvisionReport {
  deviceId: string;
  arn: string;
  iotThingName: string | null;
  status: string;
  /** When the provisioning certificate stops being valid (about 5 minutes after the call). */
  certificateExpiresAt: string | null;
  write: Omit<WriteArchiveReport, 'archive'>;
  warnings: string[];
}

/** Everything that can be refused before AWS is called; returns the warnings to show. */
export function checkProvisionRequest(request: ProvisionRequest): { networking: NetworkPayload | undefined; warnings: string[] } {
  archiveFileNameFor(request.name);
  if (request.description !== undefined && request.description.length > 255) {
    throw refused('INVALID_DESCRIPTION', 'The description is longer than 255 characters.', 'Shorten it.');
  }
  const networking = request.networking === undefined ? undefined : validateNetworking(request.networking);
  const warnings = personalDataWarnings({ name: request.name, description: request.description, ...Object.fromEntries(Object.entries(request.tags ?? {}).map(([key, value]) => [`tag ${key}`, `${key} ${value}`])) });
  return { networking, warnings };
}

export async function provisionToDrive(
  client: PanoramaClient,
  request: ProvisionRequest,
  chosen: ChosenDrive,
  options: { signal?: AbortSignal; onPhase?: (phase: string) => void; writer?: ArchiveWriter } = {},
): Promise<ProvisionReport> {
  const { networking, warnings } = checkProvisionRequest(request);
  options.onPhase?.('provision');
  let response;
  try {
    response = await client.send(
      new ProvisionDeviceCommand({
        Name: request.name,
        ...(request.description === undefined ? {} : { Description: request.description }),
        ...(request.tags === undefined ? {} : { Tags: request.tags }),
        ...(networking === undefined ? {} : { NetworkingConfiguration: networking }),
      }),
      options.signal === undefined ? {} : { abortSignal: options.signal },
    );
  } catch (error) {
    throw toRegistrationError(error, 'ProvisionDevice');
  }
  const certificates = response.Certificates;
  const deviceId = response.DeviceId ?? '';
  if (certificates === undefined || certificates.length === 0) {
    throw failed('NO_ARCHIVE_RETURNED', `ProvisionDevice created ${deviceId} but returned no configuration archive.`, `Delete the device (panorama-usb decommission --device-id ${deviceId}) and provision again.`);
  }
  // A Buffer over the SDK's own bytes (no copy), so overwriting it clears the only copy.
  const bytes = Buffer.from(certificates.buffer, certificates.byteOffset, certificates.byteLength);
  try {
    const report = await (options.writer ?? writeArchive)({ bytes, fileName: archiveFileNameFor(request.name) }, chosen, { format: true, ...(options.signal === undefined ? {} : { signal: options.signal }), onPhase: (phase) => options.onPhase?.(phase) });
    const { archive, ...write } = report;
    return {
      deviceId,
      arn: response.Arn ?? '',
      iotThingName: response.IotThingName ?? null,
      status: response.Status ?? 'AWAITING_PROVISIONING',
      certificateExpiresAt: archive.certificateExpiresAt,
      write,
      warnings: [...warnings, ...archive.warnings],
    };
  } catch (error) {
    const typed = error instanceof PanoramaUsbError ? error : toRegistrationError(error, 'write');
    // The device exists in AWS but its only archive is gone: say what to do about it.
    throw failed(
      typed.code,
      `${typed.message} The device ${deviceId} was created but its archive could not be put on the drive, and AWS keeps no copy.`,
      `Delete the device (panorama-usb decommission --device-id ${deviceId}), fix the problem above, and provision again.`,
      error,
    );
  } finally {
    bytes.fill(0);
  }
}
