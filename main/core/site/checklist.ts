/**
 * The site network checklist: the router and firewall rules an appliance needs, derived from its
 * network configuration (the archive's network.json, or the form's) and the region, for the
 * site's network team. Every fact comes from AWS Panorama Developer Guide pages, named beside it
 * (REFERENCES); nothing here reads or returns key material.
 */
import { refused } from '../errors';
import type { NetworkSummary, PortSummary } from '../archive/network';
import { ipv4ToNumber } from '../registration/networking';

/** The pages each rule and recommendation comes from, with the sentence it rests on. */
export const REFERENCES = {
  networkTls443: 'AWS Panorama Developer Guide, "Network security" (Infrastructure security): the appliance "uses TLS on port 443 to connect to the AWS Cloud"; endpoints have the form *.iot.<aws_region>.amazonaws.com (the host name is not fixed).',
  networkRtsp554: 'AWS Panorama Developer Guide, "Network security": cameras are reached over RTSP, port 554 for initial setup; RTSP is not encrypted, so cameras belong on an isolated subnet or VLAN.',
  bestPracticeRouter: 'AWS Panorama Developer Guide, "Security best practices": "Connect the appliance to a router that limits access to internal and external resources … configure the router to allow only required traffic."',
  bestPracticeSecondPort: 'AWS Panorama Developer Guide, "Security best practices": "use the second Ethernet port only for physical redundancy".',
  networkLayouts: 'AWS Panorama Developer Guide, "Network security": an isolated subnet for non-production data; a separate VLAN plus a firewall limited to the AWS endpoints for production data.',
  inboundNone: 'AWS Panorama Developer Guide, "Serving inbound traffic": "By default, the AWS Panorama Appliance does not accept incoming traffic on any ports."',
  apiEndpoint: 'AWS General Reference, AWS Panorama endpoints: panorama.<region>.amazonaws.com over HTTPS (this app calls ProvisionDevice and DescribeDevice there from the technician\'s computer).',
  ntpDhcpDns: 'AWS Panorama API Reference, NetworkPayload: Ethernet0/Ethernet1 by DHCP or static IP with DNS servers, and up to 5 NTP servers; without NTP servers the appliance uses its default ones.',
} as const;
export type ReferenceKey = keyof typeof REFERENCES;

/** One firewall or router rule; the bridge contract's SiteChecklistSchema is its published shape (`--json`). */
export interface SiteRule {
  /** Stable id a network team's tooling can key on. */
  id: 'aws-iot' | 'panorama-api' | 'dns' | 'ntp' | 'dhcp' | 'rtsp-cameras' | 'inbound';
  direction: 'outbound' | 'inbound';
  protocol: 'tcp' | 'udp' | 'tcp+udp' | 'any';
  /** Destination ports; empty for "any". */
  ports: number[];
  action: 'allow' | 'deny';
  from: string;
  /** Host names, addresses or a description of the destination. */
  to: string[];
  why: string;
  reference: string;
}

export interface SiteChecklist {
  region: string;
  rules: SiteRule[];
  ports: { port: 'Ethernet0' | 'Ethernet1'; configuration: string; carries: string }[];
  layouts: { production: string; nonProduction: string; reference: string };
  warnings: { code: string; message: string; reference: string }[];
}

/** An AWS Region's name (us-east-1, us-gov-west-1, cn-north-1…); iam-policy checks --region with it too. */
export const AWS_REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

/** The region's DNS suffix: the China regions live under amazonaws.com.cn. */
function dnsSuffix(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}

export function checkRegion(region: string): string {
  if (!AWS_REGION_PATTERN.test(region)) throw refused('INVALID_REGION', `"${region}" is not an AWS Region.`, 'Give the region the appliance is registered in, such as us-east-1 (--region).');
  return region;
}

function addressOf(port: PortSummary): string {
  return port.mode === 'static' && port.ipAddress !== null ? `${port.port}, ${port.ipAddress}` : port.mode === 'dhcp' ? `${port.port}, address from DHCP` : port.port;
}

/** The subnet a static port sits on, as "network/prefix"; null when it cannot be told. */
function subnetOf(port: PortSummary): string | null {
  if (port.mode !== 'static' || port.ipAddress === null || port.mask === null) return null;
  const mask = ipv4ToNumber(port.mask);
  const network = (ipv4ToNumber(port.ipAddress) & mask) >>> 0;
  const prefix = mask.toString(2).replace(/0+$/, '').length;
  return `${[24, 16, 8, 0].map((shift) => (network >>> shift) & 255).join('.')}/${prefix}`;
}

/** No network.json (an archive without one): the appliance takes Ethernet0's address by DHCP. */
const DHCP_ONLY: NetworkSummary = {
  ports: [
    { port: 'Ethernet0', mode: 'dhcp', ipAddress: null, mask: null, gateway: null, dns: [], text: 'Ethernet0: DHCP (address from the network)' },
    { port: 'Ethernet1', mode: 'unknown', ipAddress: null, mask: null, gateway: null, dns: [], text: 'Ethernet1: not configured' },
  ],
  ntpServers: [],
  text: 'Ethernet0: DHCP; Ethernet1: not configured; NTP: the appliance default',
};

function isConfigured(port: PortSummary | undefined): port is PortSummary {
  return port !== undefined && port.mode !== 'unknown';
}

function secondPortWarnings(first: PortSummary | undefined, second: PortSummary | undefined): SiteChecklist['warnings'] {
  if (!isConfigured(second)) return [];
  const reference = REFERENCES.bestPracticeSecondPort;
  if (!isConfigured(first)) {
    return [{ code: 'ETHERNET0_NOT_CONFIGURED', message: 'Only Ethernet1 is configured. Configure Ethernet0 as the appliance\'s network and keep Ethernet1 for redundancy on the same network.', reference }];
  }
  const firstSubnet = subnetOf(first);
  const secondSubnet = subnetOf(second);
  if (firstSubnet !== null && secondSubnet !== null) {
    if (firstSubnet === secondSubnet) return [];
    return [
      {
        code: 'ETHERNET1_SECOND_NETWORK',
        message: `Ethernet1 is configured on a different network (${secondSubnet}) from Ethernet0 (${firstSubnet}). Use the second port only for physical redundancy, on the same network as Ethernet0; a second network bridges two segments through the appliance.`,
        reference,
      },
    ];
  }
  if (first.mode === 'dhcp' && second.mode === 'dhcp') return [];
  return [{ code: 'ETHERNET1_CHECK_NETWORK', message: `Ethernet1 is configured (${second.text.replace(/^Ethernet1: /, '')}) and Ethernet0 is ${first.mode === 'dhcp' ? 'on DHCP' : 'static'}: make sure both ports are on the same network — the second port is for physical redundancy only.`, reference }];
}

/** The checklist for one appliance: rules, what each port carries, the recommended layouts, warnings. */
export function buildSiteChecklist(network: NetworkSummary | null, region: string): SiteChecklist {
  checkRegion(region);
  const summary = network ?? DHCP_ONLY;
  const [first, second] = [summary.ports.find((port) => port.port === 'Ethernet0'), summary.ports.find((port) => port.port === 'Ethernet1')];
  const ports = [first, second].filter(isConfigured);
  const appliance = ports.length === 0 ? 'the appliance' : `the appliance (${ports.map(addressOf).join('; ')})`;
  const suffix = dnsSuffix(region);
  const staticDns = [...new Set(ports.flatMap((port) => (port.mode === 'static' ? port.dns : [])))];
  const anyDhcp = ports.some((port) => port.mode === 'dhcp');

  const rules: SiteRule[] = [
    { id: 'aws-iot', direction: 'outbound', protocol: 'tcp', ports: [443], action: 'allow', from: appliance, to: [`*.iot.${region}.${suffix}`], why: 'TLS to the AWS Cloud (AWS IoT endpoints). The host name is not fixed: allow the wildcard, not an address.', reference: REFERENCES.networkTls443 },
    {
      id: 'dns',
      direction: 'outbound',
      protocol: 'tcp+udp',
      ports: [53],
      action: 'allow',
      from: appliance,
      to: staticDns.length > 0 ? [...staticDns, ...(anyDhcp ? ['the DNS servers your DHCP server hands out'] : [])] : ['the DNS servers your DHCP server hands out'],
      why: 'Name resolution for the AWS endpoints.',
      reference: REFERENCES.ntpDhcpDns,
    },
    {
      id: 'ntp',
      direction: 'outbound',
      protocol: 'udp',
      ports: [123],
      action: 'allow',
      from: appliance,
      to: summary.ntpServers.length > 0 ? summary.ntpServers : ["the appliance's default NTP servers (their names are not documented: allow UDP 123 outbound, or configure NTP servers you run)"],
      why: 'Correct time: TLS certificates are checked against the clock.',
      reference: REFERENCES.ntpDhcpDns,
    },
    ...(anyDhcp ? [{ id: 'dhcp' as const, direction: 'outbound' as const, protocol: 'udp' as const, ports: [67], action: 'allow' as const, from: appliance, to: ["the DHCP server on the appliance's network (broadcast)"], why: 'The address of each port set to DHCP.', reference: REFERENCES.ntpDhcpDns }] : []),
    { id: 'rtsp-cameras', direction: 'outbound', protocol: 'tcp', ports: [554], action: 'allow', from: appliance, to: ['the camera subnet or VLAN'], why: 'Camera streams over RTSP (port 554 at first setup; a camera may name another port in its stream URL). RTSP is not encrypted: keep the cameras on an isolated subnet or VLAN.', reference: REFERENCES.networkRtsp554 },
    { id: 'panorama-api', direction: 'outbound', protocol: 'tcp', ports: [443], action: 'allow', from: "the technician's computer (running this app)", to: [`panorama.${region}.${suffix}`], why: 'Creating the device (ProvisionDevice) and following its registration.', reference: REFERENCES.apiEndpoint },
    { id: 'inbound', direction: 'inbound', protocol: 'any', ports: [], action: 'deny', from: 'anywhere', to: [appliance], why: 'Nothing needs to reach the appliance: it opens every connection itself.', reference: REFERENCES.inboundNone },
  ];

  const warnings = secondPortWarnings(first, second);
  const secondNetwork = warnings.some((warning) => warning.code === 'ETHERNET1_SECOND_NETWORK');
  const portRows: SiteChecklist['ports'] = [
    { port: 'Ethernet0', configuration: first?.text ?? 'Ethernet0: not configured', carries: 'Everything: AWS (TCP 443), DNS, NTP and the cameras (RTSP).' },
    {
      port: 'Ethernet1',
      configuration: second?.text ?? 'Ethernet1: not configured',
      carries: secondNetwork
        ? 'A second network (see the warning below): it should carry only redundancy for Ethernet0, on the same network.'
        : isConfigured(second)
          ? 'Physical redundancy only, on the same network as Ethernet0.'
          : 'Nothing. Connect it only for physical redundancy, to the same network as Ethernet0.',
    },
  ];

  return {
    region,
    rules,
    ports: portRows,
    layouts: {
      nonProduction: 'Non-production data: put the appliance and its cameras on an isolated subnet.',
      production: `Production data: a separate VLAN for the appliance and its cameras, behind a firewall that allows only the rules above (TCP 443 to *.iot.${region}.${suffix}, DNS, NTP).`,
      reference: REFERENCES.networkLayouts,
    },
    warnings,
  };
}

const PROTOCOL_WORDS: Readonly<Record<SiteRule['protocol'], string>> = { tcp: 'TCP', udp: 'UDP', 'tcp+udp': 'TCP+UDP', any: 'any' };

export function ruleService(rule: SiteRule): string {
  return rule.ports.length === 0 ? PROTOCOL_WORDS[rule.protocol] : `${PROTOCOL_WORDS[rule.protocol]} ${rule.ports.join(', ')}`;
}

/** The checklist as text for a terminal or a printout: words, then a table. */
export function checklistText(checklist: SiteChecklist): string {
  const header = ['#', 'Action', 'Direction', 'Service', 'From', 'To'];
  const rows = checklist.rules.map((rule, index) => [String(index + 1), rule.action, rule.direction, ruleService(rule), rule.from, rule.to.join(', ')]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  return [
    `Site network checklist for an AWS Panorama Appliance (region ${checklist.region})`,
    '',
    'Configure the router to allow only this traffic:',
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...rows.map(line),
    '',
    'Why:',
    ...checklist.rules.map((rule, index) => `  ${index + 1}. ${rule.why}`),
    '',
    'Ports:',
    ...checklist.ports.map((port) => `  ${port.configuration} — carries: ${port.carries}`),
    '',
    'Recommended layout:',
    `  ${checklist.layouts.nonProduction}`,
    `  ${checklist.layouts.production}`,
    ...(checklist.warnings.length === 0 ? [] : ['', ...checklist.warnings.map((warning) => `Warning (${warning.code}): ${warning.message}`)]),
    '',
    'Sources: AWS Panorama Developer Guide — Security best practices, Network security, Serving inbound traffic.',
  ].join('\n');
}
