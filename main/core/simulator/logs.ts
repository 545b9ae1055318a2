/**
 * What the appliance writes to its logs (the files a technician later finds under /panorama/ on
 * the drive: occ.log, ota_agent.log, syslog.log, kern.log) during each scenario. Scripts are
 * lists of (seconds after the event, source, message); lifecycle.ts dates and scales them.
 * Lines name devices, addresses and versions, never keys or certificate bodies.
 */
import { createHash } from 'node:crypto';
import { APPLIANCE_CLOUD_PORT, iotEndpointHost, iotEndpointPattern } from './facts';
import type { LogEvent, NetworkPayload } from './model';

export type ScriptLine = readonly [seconds: number, source: LogEvent['source'], message: string];

/** A stable, plausible DHCP lease for a device (the same each time its logs are read). */
export function dhcpAddressFor(deviceId: string): string {
  const byte = createHash('sha256').update(deviceId).digest()[0] ?? 0;
  return `192.168.1.${20 + (byte % 200)}`;
}

/**
 * The appliance setting up its ports and clock from network.json. Every setting comes from the
 * AWS Panorama API Reference, NetworkPayload: "Ethernet0"/"Ethernet1" by DHCP or static IP (with
 * DNS servers), and NTP servers — without them, the appliance uses its default ones, whose
 * names no page gives, so no line names one. Port 67 is DHCP's own (RFC 2131), as dhclient logs it.
 */
function networkLines(deviceId: string, networking: NetworkPayload): ScriptLine[] {
  const lines: ScriptLine[] = [];
  for (const [port, name] of [
    [networking.Ethernet0, 'eth0'],
    [networking.Ethernet1, 'eth1'],
  ] as const) {
    if (port === undefined) continue;
    const info = port.StaticIpConnectionInfo;
    if (port.ConnectionType === 'STATIC_IP' && info !== undefined) {
      lines.push([-2.5, 'occ', `${name}: static address ${info.IpAddress} mask ${info.Mask}, gateway ${info.DefaultGateway}, DNS ${info.Dns.join(', ') || 'none'}`]);
      lines.push([-2.4, 'kern', `IPv6: ADDRCONF(NETDEV_CHANGE): ${name}: link becomes ready`]);
    } else if (name === 'eth0') {
      const address = dhcpAddressFor(deviceId);
      lines.push([-2.8, 'syslog', `dhclient[1022]: DHCPDISCOVER on ${name} to 255.255.255.255 port 67 interval 3`]);
      lines.push([-2.2, 'syslog', `dhclient[1022]: DHCPACK of ${address} from 192.168.1.1`]);
      lines.push([-2.1, 'occ', `${name}: address ${address} from DHCP`]);
    } else {
      lines.push([-2.1, 'occ', `${name}: DHCP (no cable detected, skipped)`]);
    }
  }
  const ntp = networking.Ntp?.NtpServers[0];
  lines.push(ntp === undefined ? [-1.5, 'occ', 'NTP: no servers in network.json; using the appliance\'s default NTP servers'] : [-1.5, 'syslog', `chronyd[731]: Selected source ${ntp}`]);
  return lines;
}

export interface RegistrationScriptInput {
  deviceId: string;
  archiveName: string;
  archiveSha256: string;
  archiveMatches: boolean;
  networking: NetworkPayload;
  certificateNotAfter: Date;
  serialNumber: string;
  software: string;
}

/** The appliance finding the drive and the archive, configuring its network, and registering. */
export function registrationPreamble(input: RegistrationScriptInput): ScriptLine[] {
  return [
    [-6, 'kern', 'usb 2-1: new SuperSpeed USB device number 3 using xhci_hcd'],
    [-5.9, 'kern', 'usb-storage 2-1:1.0: USB Mass Storage device detected'],
    [-5.5, 'kern', 'sd 0:0:0:0: [sda] Attached SCSI removable disk'],
    [-5, 'syslog', 'systemd[1]: Mounting /media/usb (vfat, read-only)...'],
    [-4.5, 'occ', `Found configuration archive ${input.archiveName} at the root of the USB drive`],
    [-4.4, 'occ', `Archive sha256 ${input.archiveSha256.slice(0, 16)}…`],
    ...(input.archiveMatches ? [] : [[-4.3, 'occ', 'warning: the archive differs from the one the service issued (was it re-packed?); trying it anyway'] as const]),
    [-4, 'occ', 'Read network.json, certificate.pem, private_key.pem, root_ca.pem'],
    ...networkLines(input.deviceId, input.networking),
    [-1, 'occ', `Provisioning certificate CN=${input.deviceId}, valid until ${input.certificateNotAfter.toISOString()}`],
    [0, 'occ', `Registering ${input.deviceId} (appliance serial ${input.serialNumber}, software ${input.software})`],
  ];
}

export function registrationAcceptedScript(region: string, pendingSeconds: number, credentialsSeconds: number, deviceId: string, software: string): ScriptLine[] {
  const lines: ScriptLine[] = [
    [0.1, 'occ', 'Registration accepted; waiting for the service to issue device credentials'],
    [pendingSeconds * 0.3, 'occ', 'Provisioning in progress: creating the device identity'],
    [pendingSeconds * 0.7, 'occ', 'Provisioning in progress: attaching policies'],
  ];
  // During a slow registration the appliance keeps saying it is still waiting, as the real one does.
  for (let seconds = 30; seconds < pendingSeconds * 0.95; seconds += 30) lines.push([seconds, 'occ', `Still waiting for the service to confirm registration (${seconds} s)`]);
  lines.push(
    [pendingSeconds, 'occ', 'Provisioning succeeded; device credentials received'],
    // TLS on 443 to a *.iot.<region>.amazonaws.com host: AWS Panorama Developer Guide, "Network security" (facts.ts).
    [pendingSeconds + 0.5, 'occ', `Connecting to AWS IoT Core as ${deviceId}: ${iotEndpointHost(region, deviceId)} port ${APPLIANCE_CLOUD_PORT} (TLS)`],
    // Dated at the very instant the device turns ONLINE, so whoever sees ONLINE also sees them.
    [pendingSeconds + credentialsSeconds, 'occ', 'Connected; the device is online'],
    [pendingSeconds + credentialsSeconds, 'ota_agent', `OTA agent started; current software ${software}`],
  );
  return lines;
}

export function updateAvailableLine(seconds: number, current: string, latest: string): ScriptLine {
  return [seconds, 'ota_agent', `Software ${latest} is available (current ${current}); start it with an OTA job`];
}

/**
 * Registration went through, but a firewall blocks the appliance's TLS connection on 443 to the
 * AWS IoT endpoint — the one port AWS Panorama Developer Guide, "Network security", says it
 * "uses … to connect to the AWS Cloud", to hosts of the form *.iot.<aws_region>.amazonaws.com
 * (facts.ts). The advice names that wildcard: the host name is not fixed.
 */
export function networkFailureScript(region: string, deviceId: string, failSeconds: number): ScriptLine[] {
  const host = iotEndpointHost(region, deviceId);
  const port = APPLIANCE_CLOUD_PORT;
  return [
    [0.1, 'occ', 'Registration accepted; waiting for the service to issue device credentials'],
    [failSeconds * 0.2, 'occ', `Connecting to AWS IoT Core as ${deviceId}: ${host} port ${port} (TLS)`],
    [failSeconds * 0.45, 'occ', `connect ETIMEDOUT ${host}:${port} (attempt 1 of 3)`],
    [failSeconds * 0.7, 'occ', `connect ETIMEDOUT ${host}:${port} (attempt 2 of 3)`],
    [failSeconds * 0.95, 'occ', `connect ETIMEDOUT ${host}:${port} (attempt 3 of 3)`],
    [
      failSeconds,
      'occ',
      `Provisioning failed: the appliance cannot reach AWS. Check the cable, the DHCP or static settings, DNS, and that the firewall allows outbound TCP ${port} (TLS) to ${iotEndpointPattern(region)}`,
    ],
    [failSeconds + 0.1, 'syslog', 'occ.service: Main process exited, code=exited, status=1/FAILURE'],
  ];
}

export function certificateExpiredScript(deviceId: string, notAfter: Date, now: Date): ScriptLine[] {
  return [
    [0, 'occ', `TLS handshake refused: certificate CN=${deviceId} has expired (not after ${notAfter.toISOString()}, now ${now.toISOString()})`],
    [0.1, 'occ', 'Provisioning failed: the provisioning certificate has expired. An archive is only valid for about 5 minutes after it is created: delete the device and provision it again'],
  ];
}

export function archiveReusedScript(deviceId: string): ScriptLine[] {
  return [
    [0, 'occ', `Registration refused: this configuration archive was already used to register ${deviceId}`],
    [0.1, 'occ', 'Provisioning failed: archives cannot be reused. Delete the device and provision it again'],
  ];
}

export const OTA_PHASES = [
  [0, 'PENDING'],
  [3, 'DOWNLOADING'],
  [20, 'IN_PROGRESS'],
  [35, 'VERIFYING'],
  [45, 'REBOOTING'],
  [60, 'COMPLETED'],
] as const;

export function otaScript(jobId: string, from: string, to: string): ScriptLine[] {
  return [
    [0, 'ota_agent', `Job ${jobId}: update from ${from} to ${to} requested`],
    [3, 'ota_agent', `Downloading software ${to} (1.9 GB)`],
    [12, 'ota_agent', `Downloading software ${to}: 50%`],
    [20, 'ota_agent', `Download complete; installing ${to}`],
    [35, 'ota_agent', 'Verifying the image signature and checksums'],
    [45, 'ota_agent', 'Rebooting to finish the update'],
    [45.2, 'kern', 'reboot: Restarting system'],
    [50, 'kern', 'Booting Linux on physical CPU 0x0'],
    [55, 'syslog', 'systemd[1]: Started Panorama device agent (occ).'],
    [60, 'ota_agent', `Update to ${to} completed; current software ${to}`],
    [60.1, 'occ', 'Connected; the device is online'],
  ];
}

export const REBOOT_PHASES = [
  [0, 'PENDING'],
  [2, 'REBOOTING'],
  [30, 'COMPLETED'],
] as const;

export function rebootScript(jobId: string): ScriptLine[] {
  return [
    [0, 'occ', `Job ${jobId}: reboot requested`],
    [2, 'kern', 'reboot: Restarting system'],
    [10, 'kern', 'Booting Linux on physical CPU 0x0'],
    [25, 'syslog', 'systemd[1]: Started Panorama device agent (occ).'],
    [30, 'occ', 'Connected; the device is online'],
  ];
}
