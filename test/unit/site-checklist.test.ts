/**
 * The site network checklist from DHCP, static, two-port and NTP-less configurations, against
 * the rule sets the Panorama security pages call for; and `site-checklist` as a user runs it,
 * from an archive (read in memory, no key material printed) or a network file.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseNetworkConfiguration, summarizeNetwork } from '../../main/core/archive/network';
import { buildSiteChecklist, type SiteChecklist } from '../../main/core/site';
import { SiteChecklistSchema } from '../../preload/contract';
import { realisticArchive, STATIC_NETWORK, testCertificates } from '../support/archives';
import { parseSingleJson, runBin } from '../support/cli';

const checklistFor = (network: unknown, region = 'us-east-1'): SiteChecklist => {
  const configuration = parseNetworkConfiguration(network);
  if (configuration === null) throw new Error('test network is not a network configuration');
  return buildSiteChecklist(summarizeNetwork(configuration), region);
};

/** Each rule as "action direction protocol ports → destinations", the way a firewall reads them. */
const ruleSet = (checklist: SiteChecklist): string[] => checklist.rules.map((rule) => `${rule.action} ${rule.direction} ${rule.protocol} ${rule.ports.join(',')} -> ${rule.to.join(' | ')}`);

const staticPort = (address: string, mask: string, dns: string[]) => ({ ConnectionType: 'STATIC_IP', StaticIpConnectionInfo: { IpAddress: address, Mask: mask, DefaultGateway: address.replace(/\d+$/, '1'), Dns: dns } });

describe('the checklist for each kind of configuration', () => {
  it('DHCP with default NTP: 443 to the region\'s IoT wildcard, DHCP, DNS from DHCP, default NTP, RTSP, the API for the laptop, nothing inbound', () => {
    const checklist = checklistFor({ Ethernet0: { ConnectionType: 'DHCP' } }, 'eu-west-1');
    expect(ruleSet(checklist)).toEqual([
      'allow outbound tcp 443 -> *.iot.eu-west-1.amazonaws.com',
      'allow outbound tcp+udp 53 -> the DNS servers your DHCP server hands out',
      "allow outbound udp 123 -> the appliance's default NTP servers (their names are not documented: allow UDP 123 outbound, or configure NTP servers you run)",
      "allow outbound udp 67 -> the DHCP server on the appliance's network (broadcast)",
      'allow outbound tcp 554 -> the camera subnet or VLAN',
      'allow outbound tcp 443 -> panorama.eu-west-1.amazonaws.com',
      'deny inbound any  -> the appliance (Ethernet0, address from DHCP)',
    ]);
    expect(checklist.rules.find((rule) => rule.id === 'panorama-api')?.from).toMatch(/technician's computer/);
    expect(checklist.warnings).toEqual([]);
    expect(checklist.ports.map((port) => port.carries)).toEqual(['Everything: AWS (TCP 443), DNS, NTP and the cameras (RTSP).', 'Nothing. Connect it only for physical redundancy, to the same network as Ethernet0.']);
  });

  it('static with NTP servers: DNS and NTP to exactly the configured servers, no DHCP rule, the address in "from"', () => {
    const checklist = checklistFor({ Ethernet0: staticPort('192.168.10.20', '255.255.255.0', ['192.168.10.2', '192.168.10.3']), Ntp: { NtpServers: ['ntp1.example.internal', '10.1.1.1'] } });
    expect(ruleSet(checklist)).toEqual([
      'allow outbound tcp 443 -> *.iot.us-east-1.amazonaws.com',
      'allow outbound tcp+udp 53 -> 192.168.10.2 | 192.168.10.3',
      'allow outbound udp 123 -> ntp1.example.internal | 10.1.1.1',
      'allow outbound tcp 554 -> the camera subnet or VLAN',
      'allow outbound tcp 443 -> panorama.us-east-1.amazonaws.com',
      'deny inbound any  -> the appliance (Ethernet0, 192.168.10.20)',
    ]);
    expect(checklist.rules[0]?.from).toBe('the appliance (Ethernet0, 192.168.10.20)');
  });

  it('two ports on the same subnet: redundancy, no warning; on different subnets: ETHERNET1_SECOND_NETWORK naming both', () => {
    const same = checklistFor({ Ethernet0: staticPort('192.168.10.20', '255.255.255.0', ['192.168.10.2']), Ethernet1: staticPort('192.168.10.21', '255.255.255.0', ['192.168.10.2']) });
    expect(same.warnings).toEqual([]);
    expect(same.ports[1]?.carries).toBe('Physical redundancy only, on the same network as Ethernet0.');

    const second = checklistFor({ Ethernet0: staticPort('192.168.10.20', '255.255.255.0', ['192.168.10.2']), Ethernet1: staticPort('10.20.0.5', '255.255.0.0', ['10.20.0.2']) });
    expect(second.warnings.map((warning) => warning.code)).toEqual(['ETHERNET1_SECOND_NETWORK']);
    expect(second.warnings[0]?.message).toContain('10.20.0.0/16');
    expect(second.warnings[0]?.message).toContain('192.168.10.0/24');
    expect(second.warnings[0]?.reference).toMatch(/Security best practices/);
    expect(second.ports[1]?.carries).toMatch(/^A second network/);
    // Both ports' DNS servers must be reachable.
    expect(second.rules.find((rule) => rule.id === 'dns')?.to).toEqual(['192.168.10.2', '10.20.0.2']);
  });

  it('static Ethernet0 with DHCP Ethernet1 cannot be compared: it asks to check they share a network', () => {
    const checklist = checklistFor(STATIC_NETWORK);
    expect(checklist.warnings.map((warning) => warning.code)).toEqual(['ETHERNET1_CHECK_NETWORK']);
    expect(checklist.rules.map((rule) => rule.id)).toContain('dhcp');
    expect(checklist.rules.find((rule) => rule.id === 'dns')?.to).toEqual(['192.168.10.2', 'the DNS servers your DHCP server hands out']);
  });

  it('an archive without network.json is the appliance\'s DHCP default; a China region uses amazonaws.com.cn; a bad region is refused', () => {
    const none = buildSiteChecklist(null, 'cn-north-1');
    expect(none.rules[0]?.to).toEqual(['*.iot.cn-north-1.amazonaws.com.cn']);
    expect(none.rules.map((rule) => rule.id)).toContain('dhcp');
    expect(() => buildSiteChecklist(null, 'moon-base-1')).toThrow(expect.objectContaining({ code: 'INVALID_REGION' }));
  });

  it('every rule names the page it comes from', () => {
    for (const rule of checklistFor(STATIC_NETWORK).rules) expect(rule.reference).toMatch(/^AWS (Panorama Developer Guide|General Reference|Panorama API Reference)/);
  });
});

describe('panorama-usb site-checklist', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'site-checklist-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('from the archive just downloaded: the table in words, and no key material on screen; the archive unchanged', () => {
    const archive = path.join(dir, 'certificates-omni_lobby-cam-01.zip');
    writeFileSync(archive, realisticArchive());
    const before = createHash('sha256').update(readFileSync(archive)).digest('hex');
    const run = runBin(['site-checklist', archive, '--region', 'us-west-2']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/allow\s+outbound\s+TCP 443\s+the appliance \(Ethernet0, 192\.168\.10\.20; Ethernet1, address from DHCP\)\s+\*\.iot\.us-west-2\.amazonaws\.com/);
    expect(run.stdout).toContain('Warning (ETHERNET1_CHECK_NETWORK)');
    const keyBody = testCertificates().privateKey.split('\n')[1] ?? '';
    expect(keyBody.length).toBeGreaterThan(20);
    expect(run.stdout + run.stderr).not.toContain(keyBody);
    expect(run.stdout + run.stderr).not.toContain('PRIVATE KEY');
    expect(createHash('sha256').update(readFileSync(archive)).digest('hex')).toBe(before);
  });

  it('--network FILE --json: one document whose checklist passes the schema (strictly) and holds the rules as data', () => {
    const file = path.join(dir, 'network.json');
    writeFileSync(file, JSON.stringify({ Ethernet0: { ConnectionType: 'DHCP' } }));
    const run = runBin(['site-checklist', '--network', file, '--region', 'ap-southeast-2', '--json']);
    expect(run.status).toBe(0);
    const doc = parseSingleJson(run.stdout) as { ok: boolean; checklist: unknown };
    expect(doc.ok).toBe(true);
    const strict = SiteChecklistSchema.strict().extend({ rules: SiteChecklistSchema.shape.rules.element.strict().array() });
    const checklist = strict.parse(doc.checklist);
    expect(checklist.rules.find((rule) => rule.id === 'aws-iot')).toMatchObject({ protocol: 'tcp', ports: [443], to: ['*.iot.ap-southeast-2.amazonaws.com'] });
  });

  it.each([
    [['site-checklist', '--region', 'us-east-1'], 'MISSING_ARGUMENT'],
    [['site-checklist', '--network', '/nonexistent/network.json', '--region', 'us-east-1'], 'NETWORK_FILE_NOT_FOUND'],
    [['site-checklist', '/nonexistent/certificates-omni_x.zip', '--network', '/nonexistent/n.json', '--region', 'us-east-1'], 'MISSING_ARGUMENT'],
  ])('refuses %j with %s (exit 2)', (args, code) => {
    const run = runBin([...args, '--json'], { env: { AWS_REGION: '', AWS_DEFAULT_REGION: '' } });
    expect(run.status).toBe(2);
    expect(parseSingleJson(run.stdout)).toMatchObject({ ok: false, error: { code } });
  });

  it('refuses a network file that ProvisionDevice would refuse, and a missing region, naming what to do', () => {
    const file = path.join(dir, 'bad-network.json');
    writeFileSync(file, JSON.stringify({ Ethernet0: { ConnectionType: 'STATIC_IP', StaticIpConnectionInfo: { IpAddress: '300.1.1.1', Mask: '255.255.255.0', DefaultGateway: '192.168.1.1', Dns: ['192.168.1.2'] } } }));
    const bad = runBin(['site-checklist', '--network', file, '--region', 'us-east-1', '--json']);
    expect(bad.status).toBe(2);
    expect(parseSingleJson(bad.stdout)).toMatchObject({ ok: false, error: { code: 'INVALID_NETWORK_CONFIG' } });
    const noRegion = runBin(['site-checklist', '--network', file, '--json'], { env: { AWS_REGION: '', AWS_DEFAULT_REGION: '' } });
    const refusal = parseSingleJson(noRegion.stdout) as { ok: boolean; error: { code: string; message: string } };
    expect(refusal).toMatchObject({ ok: false, error: { code: 'MISSING_ARGUMENT' } });
    expect(refusal.error.message).toContain('region');
  });
});
