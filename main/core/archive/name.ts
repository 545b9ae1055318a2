/**
 * The archive's file name carries the device name: `certificates-omni_<device-name>.zip`, with
 * the device name under Panorama's rule `^[a-zA-Z0-9_-]{1,255}$`. The appliance looks for the
 * file under that name, so a renamed archive (a browser's "… (1).zip") is refused, not guessed.
 */
import path from 'node:path';
import { refused } from '../errors';

export const ARCHIVE_PREFIX = 'certificates-omni_';
export const DEVICE_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,255}$/;
const ARCHIVE_NAME_PATTERN = /^certificates-omni_(.+)\.zip$/;

export function isValidDeviceName(name: string): boolean {
  return DEVICE_NAME_PATTERN.test(name);
}

export function archiveFileNameFor(deviceName: string): string {
  if (!isValidDeviceName(deviceName)) {
    throw refused('INVALID_DEVICE_NAME', `"${deviceName}" is not a valid device name.`, 'Use 1 to 255 letters, digits, hyphens or underscores.');
  }
  return `${ARCHIVE_PREFIX}${deviceName}.zip`;
}

/** The device name in an archive's file name, or a BAD_ARCHIVE_NAME refusal saying how to fix it. */
export function deviceNameFromArchiveName(filePath: string): string {
  const fileName = path.basename(filePath);
  const match = ARCHIVE_NAME_PATTERN.exec(fileName);
  const copyOf = /^(certificates-omni_[a-zA-Z0-9_-]+) ?\(\d+\)\.zip$/.exec(fileName);
  if (copyOf !== null) {
    throw refused('BAD_ARCHIVE_NAME', `"${fileName}" looks like a second download of ${copyOf[1] ?? ''}.zip: the appliance only reads the original name.`, `Rename it to ${copyOf[1] ?? ''}.zip (and delete the other copy).`);
  }
  const deviceName = match?.[1];
  if (deviceName === undefined || !isValidDeviceName(deviceName)) {
    throw refused(
      'BAD_ARCHIVE_NAME',
      `"${fileName}" is not named like a configuration archive (certificates-omni_<device-name>.zip, device name of letters, digits, - and _).`,
      'Use the archive exactly as the Panorama console or `panorama-usb provision` produced it.',
    );
  }
  return deviceName;
}
