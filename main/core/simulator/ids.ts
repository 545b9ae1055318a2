/** Identifiers shaped like the service's own. */
import { randomInt, randomUUID } from 'node:crypto';

const ALPHANUMERIC = 'abcdefghijklmnopqrstuvwxyz0123456789';

export const DEVICE_ID_PATTERN = /^device-[a-z0-9]{26}$/;

/** `device-` + 26 lowercase alphanumerics, as Panorama's device IDs look. */
export function newDeviceId(): string {
  let suffix = '';
  for (let index = 0; index < 26; index += 1) suffix += ALPHANUMERIC.charAt(randomInt(ALPHANUMERIC.length));
  return `device-${suffix}`;
}

export function newJobId(): string {
  return randomUUID();
}

/** A serial number as the appliance reports it once registered (the model's `^[0-9]{1,20}$`). */
export function newSerialNumber(): string {
  let serial = String(randomInt(1, 10));
  for (let index = 0; index < 11; index += 1) serial += String(randomInt(10));
  return serial;
}

export function deviceArn(region: string, accountId: string, deviceId: string): string {
  return `arn:aws:panorama:${region}:${accountId}:device/${deviceId}`;
}
