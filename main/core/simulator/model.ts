/**
 * What the simulator stores. Statuses are not stored as "the current value": a device keeps a
 * timeline of dated changes (some in the future, planned when the appliance registers) and its
 * status is read from the clock. That makes the state restart-safe (a persisted plan carries on
 * after a restart), needs no timers (nothing to leak or to clear on close), and lets tests
 * compute a status at any instant.
 *
 * Nothing here is secret: device private keys are never stored (AWS keeps no copy either); a
 * device keeps only the fingerprint of the certificate it was issued.
 */
import type { ScenarioName } from './scenarios';

export type DeviceStatus = 'AWAITING_PROVISIONING' | 'PENDING' | 'SUCCEEDED' | 'FAILED' | 'ERROR' | 'DELETING';
export type DeviceConnectionStatus = 'ONLINE' | 'OFFLINE' | 'AWAITING_CREDENTIALS' | 'NOT_AVAILABLE' | 'ERROR';
export type DeviceAggregatedStatus =
  | 'ERROR'
  | 'AWAITING_PROVISIONING'
  | 'PENDING'
  | 'FAILED'
  | 'DELETING'
  | 'ONLINE'
  | 'OFFLINE'
  | 'LEASE_EXPIRED'
  | 'UPDATE_NEEDED'
  | 'REBOOTING';
export type UpdateProgress = 'PENDING' | 'IN_PROGRESS' | 'VERIFYING' | 'REBOOTING' | 'DOWNLOADING' | 'COMPLETED' | 'FAILED';
export type JobType = 'OTA' | 'REBOOT';
/** The appliance's status light, as the technician sees it. */
export type Lights = 'blue-slow' | 'green' | 'red-fast' | 'off';

export const DEVICE_STATUSES: readonly DeviceStatus[] = ['AWAITING_PROVISIONING', 'PENDING', 'SUCCEEDED', 'FAILED', 'ERROR', 'DELETING'];
export const CONNECTION_STATUSES: readonly DeviceConnectionStatus[] = ['ONLINE', 'OFFLINE', 'AWAITING_CREDENTIALS', 'NOT_AVAILABLE', 'ERROR'];
export const AGGREGATED_STATUSES: readonly DeviceAggregatedStatus[] = [
  'ERROR',
  'AWAITING_PROVISIONING',
  'PENDING',
  'FAILED',
  'DELETING',
  'ONLINE',
  'OFFLINE',
  'LEASE_EXPIRED',
  'UPDATE_NEEDED',
  'REBOOTING',
];
export const UPDATE_PROGRESS: readonly UpdateProgress[] = ['PENDING', 'IN_PROGRESS', 'VERIFYING', 'REBOOTING', 'DOWNLOADING', 'COMPLETED', 'FAILED'];
export const LIGHTS: readonly Lights[] = ['blue-slow', 'green', 'red-fast', 'off'];

/** The API's NetworkPayload, as ProvisionDevice takes it and network.json holds it. */
export interface StaticIpConnectionInfo {
  IpAddress: string;
  Mask: string;
  DefaultGateway: string;
  Dns: string[];
}
export interface EthernetPayload {
  ConnectionType: 'STATIC_IP' | 'DHCP';
  StaticIpConnectionInfo?: StaticIpConnectionInfo;
}
export interface NetworkPayload {
  Ethernet0?: EthernetPayload;
  Ethernet1?: EthernetPayload;
  Ntp?: { NtpServers: string[] };
}

/** A refusal or failure the appliance reports, with the code the appliance endpoint uses. */
export interface ApplianceFailure {
  code: string;
  message: string;
}

/** One dated change; fields left out keep their previous value. */
export interface TimelinePoint {
  at: number;
  provisioningStatus?: DeviceStatus;
  connectionStatus?: DeviceConnectionStatus;
  currentSoftware?: string;
  lights?: Lights;
  failure?: ApplianceFailure | null;
}

/** A line of the appliance's logs (occ, ota_agent, syslog, kern). Never key material. */
export interface LogEvent {
  at: number;
  source: 'occ' | 'ota_agent' | 'syslog' | 'kern';
  message: string;
}

export interface DeviceRecord {
  deviceId: string;
  name: string;
  description?: string;
  tags: Record<string, string>;
  /** The effective configuration written to network.json (DHCP on Ethernet0 by default). */
  networking: NetworkPayload;
  createdAt: number;
  /** Last UpdateDeviceMetadata, folded into LastUpdatedTime. */
  metadataUpdatedAt: number;
  /** SHA-256 of the issued certificate (DER, hex): which certificate belongs to this device. */
  certificateSha256: string;
  certificateNotAfter: number;
  /** SHA-256 of the archive ProvisionDevice returned, to tell a re-packed archive in the logs. */
  archiveSha256: string;
  /** The scenario in force when the device was created and, later, when it registered. */
  provisionedUnder: ScenarioName;
  registration?: { at: number; scenario: ScenarioName; archiveSha256: string; serialNumber: string };
  timeline: TimelinePoint[];
  log: LogEvent[];
  /** Set by DeleteDevice: the device shows DELETING until then, and is gone after. */
  removeAt?: number;
}

export interface JobPhase {
  at: number;
  status: UpdateProgress;
}

export interface JobRecord {
  jobId: string;
  deviceId: string;
  jobType: JobType;
  imageVersion?: string;
  createdAt: number;
  phases: JobPhase[];
}

export interface CertificateAuthorityData {
  certificatePem: string;
  /**
   * The simulator's own CA key (PKCS#8 DER, base64), persisted with the state so archives issued
   * before a restart still register. Kept as bare base64 rather than PEM so that a search of the
   * state file for "PRIVATE KEY" can prove no device key ever lands there.
   */
  privateKeyPkcs8: string;
}

export interface SimulatorStateData {
  version: 1;
  ca: CertificateAuthorityData;
  devices: DeviceRecord[];
  jobs: JobRecord[];
}
