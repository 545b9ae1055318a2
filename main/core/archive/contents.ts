/**
 * What is inside the archive, in words: the network configuration and the certificates'
 * subjects and validity windows. Key material is only ever reported as "present"; certificate
 * bodies are never returned, only their subject, issuer, dates and fingerprint.
 */
import { X509Certificate } from 'node:crypto';
import path from 'node:path';
import { parseNetworkConfiguration, summarizeNetwork, type NetworkSummary } from './network';
import type { ZipEntryData } from './read-zip';

export type EntryKind = 'network' | 'certificate' | 'private-key' | 'directory' | 'other';

export interface CertificateSummary {
  entry: string;
  subject: string;
  issuer: string;
  isCertificateAuthority: boolean;
  validFrom: string;
  validTo: string;
  /** Negative once expired. */
  secondsLeft: number;
  fingerprintSha256: string;
  /** "expires in 4 min", "expired 2 h ago", "valid from 2026-11-22 10:00 UTC". */
  validityText: string;
}

export interface ContentSummary {
  kinds: Map<string, EntryKind>;
  network: NetworkSummary | null;
  certificates: CertificateSummary[];
  warnings: string[];
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

function duration(seconds: number): string {
  const s = Math.abs(seconds);
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} days`;
}

function validityText(validFrom: Date, validTo: Date, now: Date): string {
  if (now < validFrom) return `not valid until ${validFrom.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
  const left = (validTo.getTime() - now.getTime()) / 1000;
  return left >= 0 ? `expires in ${duration(left)}` : `expired ${duration(left)} ago`;
}

function summarizeCertificate(entry: string, pem: string, now: Date): CertificateSummary | null {
  try {
    const certificate = new X509Certificate(pem);
    const validFrom = new Date(certificate.validFrom);
    const validTo = new Date(certificate.validTo);
    return {
      entry,
      subject: certificate.subject.replace(/\n/g, ', '),
      issuer: certificate.issuer.replace(/\n/g, ', '),
      isCertificateAuthority: certificate.ca,
      validFrom: validFrom.toISOString(),
      validTo: validTo.toISOString(),
      secondsLeft: Math.round((validTo.getTime() - now.getTime()) / 1000),
      fingerprintSha256: certificate.fingerprint256,
      validityText: validityText(validFrom, validTo, now),
    };
  } catch {
    return null;
  }
}

export function summarizeContents(entries: readonly ZipEntryData[], now: Date = new Date()): ContentSummary {
  const kinds = new Map<string, EntryKind>();
  const certificates: CertificateSummary[] = [];
  const warnings: string[] = [];
  let network: NetworkSummary | null = null;

  for (const entry of entries) {
    if (entry.isDirectory) {
      kinds.set(entry.name, 'directory');
      continue;
    }
    if (path.posix.basename(entry.name) === 'network.json') {
      kinds.set(entry.name, 'network');
      let parsed: unknown;
      try {
        parsed = JSON.parse(entry.data.toString('utf8'));
      } catch {
        warnings.push(`${entry.name} is not valid JSON: the appliance may not read its network settings.`);
        continue;
      }
      const configuration = parseNetworkConfiguration(parsed);
      if (configuration === null) warnings.push(`${entry.name} has a layout this version does not recognise: check the network settings in the console.`);
      else network = summarizeNetwork(configuration);
      continue;
    }
    // Latin-1 keeps every byte, so binary (DER) entries cannot break the PEM scan.
    const text = entry.data.toString('latin1');
    let kind: EntryKind = 'other';
    for (const match of text.matchAll(PEM_BLOCK)) {
      const label = match[1] ?? '';
      if (label.endsWith('PRIVATE KEY')) {
        kind = 'private-key';
      } else if (label === 'CERTIFICATE') {
        if (kind === 'other') kind = 'certificate';
        const summary = summarizeCertificate(entry.name, match[0], now);
        if (summary === null) warnings.push(`${entry.name} holds a certificate that cannot be parsed.`);
        else certificates.push(summary);
      }
    }
    kinds.set(entry.name, kind);
  }

  if (!kinds.has('network.json') && network === null) {
    warnings.push('The archive has no network.json at its root: this layout is not the documented one (only network.json is documented). It may still work; check the device in the console.');
  }
  if (![...kinds.values()].includes('private-key')) warnings.push('The archive holds no private key: the appliance may not be able to register with it.');
  const leaves = certificates.filter((certificate) => !certificate.isCertificateAuthority);
  if (certificates.length === 0) warnings.push('The archive holds no certificate: the appliance cannot register with it.');
  for (const certificate of leaves) {
    if (certificate.secondsLeft < 0) {
      warnings.push(`The provisioning certificate in ${certificate.entry} ${certificate.validityText}: the appliance will refuse it. Archives cannot be reused: delete the device and provision it again.`);
    } else if (certificate.secondsLeft < 120) {
      warnings.push(`The provisioning certificate in ${certificate.entry} ${certificate.validityText}: plug the drive into the appliance right away.`);
    }
  }
  const unknown = [...kinds].filter(([, kind]) => kind === 'other').map(([name]) => name);
  if (unknown.length > 0) warnings.push(`Files this version does not recognise (kept as they are): ${unknown.join(', ')}.`);
  return { kinds, network, certificates, warnings };
}
