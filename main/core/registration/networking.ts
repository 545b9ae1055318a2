/**
 * The appliance's network settings, checked before ProvisionDevice is called: Ethernet0/1 by
 * DHCP or static IP (address, mask, gateway, DNS), and up to 5 NTP servers. The shape is the
 * API's NetworkPayload, which is also what network.json in the archive holds.
 */
import { isIPv4 } from 'node:net';
import type { NetworkPayload } from '@aws-sdk/client-panorama';
import { z } from 'zod';
import { refused } from '../errors';

const MAX_NTP_SERVERS = 5;
const HOSTNAME = /^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

export function ipv4ToNumber(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

function isNetmask(mask: string): boolean {
  if (!isIPv4(mask)) return false;
  const bits = ipv4ToNumber(mask);
  // A mask is ones then zeros: inverting gives 2^k − 1, so adding one gives a power of two.
  const inverted = ~bits >>> 0;
  return bits !== 0 && ((inverted + 1) & inverted) === 0;
}

const ipv4 = z.string().refine(isIPv4, 'must be an IPv4 address such as 192.168.1.20');

const StaticIpSchema = z.strictObject({
  IpAddress: ipv4,
  Mask: z.string().refine(isNetmask, 'must be a netmask such as 255.255.255.0'),
  DefaultGateway: ipv4,
  Dns: z.array(ipv4).min(1, 'needs at least one DNS server'),
});

const EthernetSchema = z.discriminatedUnion('ConnectionType', [
  z.strictObject({ ConnectionType: z.literal('DHCP') }),
  z.strictObject({ ConnectionType: z.literal('STATIC_IP'), StaticIpConnectionInfo: StaticIpSchema }),
]);

export const NetworkPayloadSchema = z.strictObject({
  Ethernet0: EthernetSchema.optional(),
  Ethernet1: EthernetSchema.optional(),
  Ntp: z
    .strictObject({
      NtpServers: z
        .array(z.string().refine((server) => isIPv4(server) || HOSTNAME.test(server), 'must be a host name or IPv4 address'))
        .max(MAX_NTP_SERVERS, `at most ${MAX_NTP_SERVERS} NTP servers`),
    })
    .optional(),
});

/** Checks a networking configuration; refuses with INVALID_NETWORK_CONFIG naming the field. */
export function validateNetworking(value: unknown): NetworkPayload {
  const parsed = NetworkPayloadSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'configuration'}: ${issue.message}`).join('; ');
    throw refused('INVALID_NETWORK_CONFIG', `The network configuration is not valid: ${problems}.`, 'Fix the field named (see the README for the format) and try again; nothing was sent to AWS.');
  }
  const config = parsed.data;
  for (const port of ['Ethernet0', 'Ethernet1'] as const) {
    const ethernet = config[port];
    if (ethernet?.ConnectionType !== 'STATIC_IP') continue;
    const { IpAddress, Mask, DefaultGateway } = ethernet.StaticIpConnectionInfo;
    const mask = ipv4ToNumber(Mask);
    if ((ipv4ToNumber(IpAddress) & mask) !== (ipv4ToNumber(DefaultGateway) & mask)) {
      throw refused('INVALID_NETWORK_CONFIG', `${port}: the gateway ${DefaultGateway} is not in the network of ${IpAddress}/${Mask}.`, 'Check the address, mask and gateway with the site\'s network administrator.');
    }
  }
  return config;
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
const PHONE = /(\+\d[\d ()-]{7,}\d)|(\b\d{3}[ .-]\d{3}[ .-]\d{4}\b)/;

/** AWS advises against personal data in names, descriptions and tags: warn, do not refuse. */
export function personalDataWarnings(fields: Readonly<Record<string, string | undefined>>): string[] {
  const warnings: string[] = [];
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (EMAIL.test(value)) warnings.push(`The ${field} looks like it contains an e-mail address: AWS advises keeping personal data out of device names, descriptions and tags.`);
    else if (PHONE.test(value)) warnings.push(`The ${field} looks like it contains a phone number: AWS advises keeping personal data out of device names, descriptions and tags.`);
  }
  return warnings;
}
