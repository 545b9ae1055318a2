/**
 * Realistic configuration archives for tests: a provisioning certificate and key made by
 * openssl (a tool nobody here wrote), a root CA, and network.json.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildZip, type ZipEntrySpec } from './zip-builder';
import { mustRun } from './tools';

export interface TestCertificates {
  certificate: string;
  privateKey: string;
  rootCa: string;
}

let cached: TestCertificates | null = null;

/** A CA and a device certificate signed by it, valid for one day. */
export function testCertificates(): TestCertificates {
  if (cached !== null) return cached;
  const dir = mkdtempSync(path.join(tmpdir(), 'certs-'));
  try {
    const file = (name: string): string => path.join(dir, name);
    mustRun('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '30', '-subj', '/CN=Panorama Test Root CA', '-addext', 'basicConstraints=critical,CA:TRUE']);
    mustRun('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', file('device.key'), '-out', file('device.csr'), '-subj', '/CN=lobby-cam-01/O=Panorama Test']);
    writeFileSync(file('ext.cnf'), 'basicConstraints=CA:FALSE\n');
    mustRun('openssl', ['x509', '-req', '-in', file('device.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('device.pem'), '-days', '1', '-extfile', file('ext.cnf')]);
    cached = { certificate: readFileSync(file('device.pem'), 'utf8'), privateKey: readFileSync(file('device.key'), 'utf8'), rootCa: readFileSync(file('ca.pem'), 'utf8') };
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const STATIC_NETWORK = {
  Ethernet0: { ConnectionType: 'STATIC_IP', StaticIpConnectionInfo: { IpAddress: '192.168.10.20', Mask: '255.255.255.0', DefaultGateway: '192.168.10.1', Dns: ['192.168.10.2'] } },
  Ethernet1: { ConnectionType: 'DHCP' },
  Ntp: { NtpServers: ['ntp.example.internal'] },
};

/** A plausible archive; `marker` lands verbatim (stored, not deflated) so it can be searched for on disk. */
export function realisticArchive(options: { network?: unknown; marker?: string; extra?: ZipEntrySpec[] } = {}): Buffer {
  const certs = testCertificates();
  return buildZip([
    { name: 'network.json', data: JSON.stringify(options.network ?? STATIC_NETWORK), method: 'deflate' },
    { name: 'certificate.pem', data: certs.certificate, method: 'deflate' },
    { name: 'private_key.pem', data: certs.privateKey, method: 'deflate' },
    { name: 'root_ca.pem', data: certs.rootCa, method: 'deflate' },
    ...(options.marker === undefined ? [] : [{ name: 'marker.txt', data: options.marker, method: 'store' as const }]),
    ...(options.extra ?? []),
  ]);
}
