/**
 * A device's registration state in words, from the pair of values DescribeDevice reports
 * (ProvisioningStatus, DeviceConnectionStatus). One table for the CLI's text output and the
 * wizard: people read "Credentials being exchanged", support reads the raw pair, kept beside it.
 *
 * The values are the API's (AWS Panorama API Reference, DescribeDevice):
 * ProvisioningStatus AWAITING_PROVISIONING | PENDING | SUCCEEDED | FAILED | ERROR | DELETING,
 * DeviceConnectionStatus ONLINE | OFFLINE | AWAITING_CREDENTIALS | NOT_AVAILABLE | ERROR.
 */

/** waiting: nothing happened yet; working: under way; done: registered and online; failed: it will not get there by itself (watching stops). */
export type RegistrationTone = 'waiting' | 'working' | 'done' | 'failed';

export interface RegistrationState {
  /** What a person reads: "Waiting for the appliance to read the drive". */
  words: string;
  /** What to do about it, for states that need a person; null while things take their course. */
  advice: string | null;
  tone: RegistrationTone;
  /** The API's own values, for support calls: "PENDING / AWAITING_CREDENTIALS". */
  raw: string;
}

export const REGISTRATION_ADVICE = {
  failed:
    'Registration failed: the light blinks red quickly. Archives cannot be reused: delete the device and provision it again. Before you do, check the drive was in the USB 3.0 port next to HDMI, held only the one certificates-omni_*.zip at the root of a FAT32 volume, and that the appliance reached the network (cable, DHCP or static settings, firewall).',
  error: 'The service reports an error for this device: note the status codes shown with the timeline for AWS Support, then delete the device and provision it again.',
  deleting: 'The device is being deleted (in the console or with decommission): it will not register. Provision a new device to use this appliance.',
  offline: 'The appliance registered but the service cannot reach it now: check its network cable, power and the site firewall (see the site checklist).',
  unknown: 'This status is not one this app knows: note the status codes shown with the timeline for support, and check the device in the AWS Panorama console.',
} as const;

type Words = Omit<RegistrationState, 'raw'>;

const BY_PROVISIONING: Readonly<Record<string, (connection: string) => Words>> = {
  AWAITING_PROVISIONING: () => ({ words: 'Waiting for the appliance to read the drive', advice: null, tone: 'waiting' }),
  PENDING: (connection) =>
    connection === 'AWAITING_CREDENTIALS'
      ? { words: 'Credentials being exchanged', advice: null, tone: 'working' }
      : { words: 'The appliance is registering', advice: null, tone: 'working' },
  SUCCEEDED: (connection) => {
    if (connection === 'ONLINE') return { words: 'Registered and online', advice: null, tone: 'done' };
    // Offline may pass (a cable, a reboot): watching goes on, with what to check meanwhile.
    if (connection === 'OFFLINE') return { words: 'Registered, but offline for now', advice: REGISTRATION_ADVICE.offline, tone: 'working' };
    // The service's monitoring job checks every 30 seconds (AWS Panorama Developer Guide, monitoring page).
    return { words: 'Registered; waiting for the service to see it online (it checks every 30 seconds)', advice: null, tone: 'working' };
  },
  FAILED: () => ({ words: 'Registration failed', advice: REGISTRATION_ADVICE.failed, tone: 'failed' }),
  ERROR: () => ({ words: 'The device reports an error', advice: REGISTRATION_ADVICE.error, tone: 'failed' }),
  DELETING: () => ({ words: 'The device is being deleted', advice: REGISTRATION_ADVICE.deleting, tone: 'failed' }),
};

/** The state in words; an unknown value is said to be unknown, never guessed at. */
export function describeRegistrationState(provisioningStatus: string, connectionStatus: string): RegistrationState {
  const raw = `${provisioningStatus} / ${connectionStatus}`;
  const byProvisioning = BY_PROVISIONING[provisioningStatus];
  if (byProvisioning !== undefined) {
    const words = byProvisioning(connectionStatus);
    // A connection error fails the registration whatever the provisioning says (the monitor stops on it).
    if (connectionStatus === 'ERROR' && words.tone !== 'failed') return { words: 'The appliance\u2019s connection reports an error', advice: REGISTRATION_ADVICE.error, tone: 'failed', raw };
    return { ...words, raw };
  }
  // The monitor says UNKNOWN when DescribeDevice left the field out.
  if (provisioningStatus === 'UNKNOWN') return { words: 'Status not reported yet', advice: null, tone: 'waiting', raw };
  return { words: 'A status this app does not know', advice: REGISTRATION_ADVICE.unknown, tone: 'working', raw };
}

/** One line of the CLI's timeline: "12:00:03  Credentials being exchanged  (PENDING / AWAITING_CREDENTIALS)". */
export function registrationStateLine(at: string, provisioningStatus: string, connectionStatus: string): string {
  const state = describeRegistrationState(provisioningStatus, connectionStatus);
  return `${at}  ${state.words}  (${state.raw})`;
}

/** An over-the-air update job's Status (DescribeDeviceJob) in words; an unknown one as it came. */
const UPDATE_WORDS: Readonly<Record<string, string>> = {
  PENDING: 'Waiting for the appliance to pick the update up',
  IN_PROGRESS: 'Update under way',
  DOWNLOADING: 'Downloading the new software',
  VERIFYING: 'Checking the downloaded software',
  REBOOTING: 'Restarting the appliance',
  COMPLETED: 'Update completed',
  FAILED: 'Update failed',
};

export function describeUpdateStatus(status: string): string {
  return UPDATE_WORDS[status] ?? `Update status ${status}`;
}
