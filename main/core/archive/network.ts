/**
 * The appliance's network configuration (network.json in the archive; the same shape
 * ProvisionDevice takes as NetworkingConfiguration), described in words for the technician.
 */
import { z } from 'zod';

const StaticIpSchema = z.object({
  IpAddress: z.string(),
  Mask: z.string(),
  DefaultGateway: z.string().optional(),
  Gateway: z.string().optional(),
  Dns: z.array(z.string()).optional(),
});

const EthernetSchema = z.object({
  ConnectionType: z.string(),
  StaticIpConnectionInfo: StaticIpSchema.optional(),
});

export const NetworkConfigurationSchema = z.object({
  Ethernet0: EthernetSchema.optional(),
  Ethernet1: EthernetSchema.optional(),
  Ntp: z.object({ NtpServers: z.array(z.string()) }).optional(),
});
export type NetworkConfiguration = z.infer<typeof NetworkConfigurationSchema>;

export interface PortSummary {
  port: 'Ethernet0' | 'Ethernet1';
  mode: 'dhcp' | 'static' | 'unknown';
  ipAddress: string | null;
  mask: string | null;
  gateway: string | null;
  dns: string[];
  text: string;
}

export interface NetworkSummary {
  ports: PortSummary[];
  ntpServers: string[];
  /** One line a person reads: "Ethernet0: DHCP; Ethernet1: not configured; NTP: default". */
  text: string;
}

function describePort(port: 'Ethernet0' | 'Ethernet1', ethernet: z.infer<typeof EthernetSchema> | undefined): PortSummary {
  if (ethernet === undefined) return { port, mode: 'unknown', ipAddress: null, mask: null, gateway: null, dns: [], text: `${port}: not configured` };
  const type = ethernet.ConnectionType.toUpperCase();
  if (type === 'DHCP') return { port, mode: 'dhcp', ipAddress: null, mask: null, gateway: null, dns: [], text: `${port}: DHCP (address from the network)` };
  const info = ethernet.StaticIpConnectionInfo;
  if (type === 'STATIC_IP' && info !== undefined) {
    const gateway = info.DefaultGateway ?? info.Gateway ?? null;
    const dns = info.Dns ?? [];
    const text = `${port}: static IP ${info.IpAddress} mask ${info.Mask}${gateway === null ? '' : `, gateway ${gateway}`}${dns.length > 0 ? `, DNS ${dns.join(', ')}` : ''}`;
    return { port, mode: 'static', ipAddress: info.IpAddress, mask: info.Mask, gateway, dns, text };
  }
  return { port, mode: 'unknown', ipAddress: null, mask: null, gateway: null, dns: [], text: `${port}: ${ethernet.ConnectionType} (unrecognised connection type)` };
}

/** Finds the configuration at the top level or under one wrapping key; null if the shape is unknown. */
export function parseNetworkConfiguration(value: unknown): NetworkConfiguration | null {
  const candidates: unknown[] = [value];
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) candidates.push(...(Object.values(value) as unknown[]));
  for (const candidate of candidates) {
    const parsed = NetworkConfigurationSchema.safeParse(candidate);
    if (parsed.success && (parsed.data.Ethernet0 !== undefined || parsed.data.Ethernet1 !== undefined)) return parsed.data;
  }
  return null;
}

export function summarizeNetwork(configuration: NetworkConfiguration): NetworkSummary {
  const ports = [describePort('Ethernet0', configuration.Ethernet0), describePort('Ethernet1', configuration.Ethernet1)];
  const ntpServers = configuration.Ntp?.NtpServers ?? [];
  const ntp = ntpServers.length > 0 ? `NTP: ${ntpServers.join(', ')}` : 'NTP: the appliance default';
  return { ports, ntpServers, text: [...ports.map((port) => port.text), ntp].join('; ') };
}
