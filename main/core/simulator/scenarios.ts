/**
 * The simulator's scenarios: each one is a situation a trainer wants a technician to meet, from
 * a clean provisioning to the mistakes and outages seen in the field. Drive preparations are
 * carried out by the simulated appliance (main/core/simulator/appliance) before it reads the
 * drive; everything else is the service's behaviour, implemented here.
 */
export type ScenarioName =
  | 'success'
  | 'slow-registration'
  | 'expired-certificate'
  | 'no-archive'
  | 'archive-in-folder'
  | 'two-archives'
  | 'drive-not-fat32'
  | 'network-failure'
  | 'server-errors'
  | 'access-denied'
  | 'quota-exceeded'
  | 'update-available';

export type DrivePreparation = 'none' | 'remove-archive' | 'move-archive-into-folder' | 'duplicate-archive' | 'wipe-filesystem';

export interface ScenarioInfo {
  name: ScenarioName;
  summary: string;
  drivePreparation: DrivePreparation;
}

export const SCENARIOS: readonly ScenarioInfo[] = [
  { name: 'success', summary: 'Everything works: the appliance registers in about 20 s and comes online.', drivePreparation: 'none' },
  { name: 'slow-registration', summary: 'Registration works but takes about 3 minutes: patience, the light keeps blinking blue.', drivePreparation: 'none' },
  {
    name: 'expired-certificate',
    summary: 'The archive\'s certificate is already expired (as if the drive sat for more than 5 minutes): the appliance refuses it.',
    drivePreparation: 'none',
  },
  { name: 'no-archive', summary: 'The drive reaches the appliance without the archive (deleted, or never copied).', drivePreparation: 'remove-archive' },
  { name: 'archive-in-folder', summary: 'The archive sits in a folder instead of the root of the drive.', drivePreparation: 'move-archive-into-folder' },
  { name: 'two-archives', summary: 'Two configuration archives sit at the root of the drive.', drivePreparation: 'duplicate-archive' },
  { name: 'drive-not-fat32', summary: 'The drive is not FAT32 (formatted as something the appliance cannot read).', drivePreparation: 'wipe-filesystem' },
  {
    name: 'network-failure',
    // The port and host form the appliance needs: AWS Panorama Developer Guide, "Network security" (facts.ts).
    summary: 'The appliance reads the archive, but a firewall blocks its TLS connection on port 443 to the AWS IoT endpoint (*.iot.<region>.amazonaws.com): provisioning fails after about 30 s.',
    drivePreparation: 'none',
  },
  { name: 'server-errors', summary: 'The API fails in bursts: of every 10 calls, calls 2 to 4 get HTTP 500 with Retry-After: 1. Clients must back off and retry.', drivePreparation: 'none' },
  { name: 'access-denied', summary: 'The credentials lack Panorama permissions: every API call is refused (AccessDeniedException).', drivePreparation: 'none' },
  { name: 'quota-exceeded', summary: 'The account is at its device quota: ProvisionDevice is refused (ServiceQuotaExceededException).', drivePreparation: 'none' },
  {
    name: 'update-available',
    summary: 'Registration works and a newer appliance software is available: an OTA job installs it in about a minute.',
    drivePreparation: 'none',
  },
];

const NAMES = new Set<string>(SCENARIOS.map((scenario) => scenario.name));

export function isScenarioName(value: string): value is ScenarioName {
  return NAMES.has(value);
}

export function scenarioInfo(name: ScenarioName): ScenarioInfo {
  const info = SCENARIOS.find((scenario) => scenario.name === name);
  if (info === undefined) throw new TypeError(`unknown scenario ${name}`);
  return info;
}
