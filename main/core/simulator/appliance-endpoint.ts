/**
 * The endpoint the simulated appliance talks to, standing in for what a real appliance does
 * with AWS after reading the drive. It is not part of Panorama's API and is not SigV4-signed:
 * the appliance proves it holds the archive by signing a fresh nonce with the archive's private
 * key, and presents the archive's certificate, which must have been issued by this simulator's
 * CA for a device that still exists, still be valid, and never have registered before.
 *
 *   GET  /_appliance/scenario            → { name, drivePreparation }
 *   GET  /_appliance/challenge           → { nonce, expiresAt }         (single use, 60 s)
 *   POST /_appliance/register            → { deviceId, status: "accepted" } | { code, message }
 *   GET  /_appliance/status?deviceId=ID  → { provisioningStatus, connectionStatus, lights, logLines, failure }
 */
import { createHash, randomBytes, verify, X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { archiveFileNameFor } from '../archive';
import { newSerialNumber } from './ids';
import { planRegistration, refuseExpiredCertificate, refuseReusedArchive } from './lifecycle';
import type { ApiContext } from './operations';
import { scenarioInfo } from './scenarios';
import { deviceStateAt, isGone, logLinesAt } from './view';

export type ApplianceErrorCode =
  | 'BAD_REQUEST'
  | 'UNKNOWN_NONCE'
  | 'UNKNOWN_CERTIFICATE'
  | 'BAD_SIGNATURE'
  | 'CERTIFICATE_EXPIRED'
  | 'ARCHIVE_REUSED'
  | 'UNKNOWN_DEVICE'
  | 'NOT_FOUND';

export class ApplianceError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApplianceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApplianceError';
  }
}

export const NONCE_LIFETIME_MS = 60_000;
/** Outstanding nonces kept at most; older ones are dropped first (a client looping on /challenge cannot grow memory). */
const MAX_OUTSTANDING_NONCES = 1024;

/** Single-use nonces. Their lifetime is real time: it is a protocol timeout, not a simulated delay. */
export class NonceBook {
  private readonly nonces = new Map<string, number>();

  issue(now: number = Date.now()): { nonce: string; expiresAt: string } {
    for (const [nonce, expiresAt] of this.nonces) if (expiresAt <= now) this.nonces.delete(nonce);
    while (this.nonces.size >= MAX_OUTSTANDING_NONCES) {
      const oldest = this.nonces.keys().next();
      if (oldest.done === true) break;
      this.nonces.delete(oldest.value);
    }
    const nonce = randomBytes(32).toString('base64');
    const expiresAt = now + NONCE_LIFETIME_MS;
    this.nonces.set(nonce, expiresAt);
    return { nonce, expiresAt: new Date(expiresAt).toISOString() };
  }

  /** True once per issued, unexpired nonce. */
  consume(nonce: string, now: number = Date.now()): boolean {
    const expiresAt = this.nonces.get(nonce);
    this.nonces.delete(nonce);
    return expiresAt !== undefined && expiresAt > now;
  }

  clear(): void {
    this.nonces.clear();
  }
}

const RegisterSchema = z.strictObject({
  nonce: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, { error: 'nonce must be the base64 value from /_appliance/challenge' }),
  certificatePem: z.string().min(1).max(16 * 1024),
  signature: z.string().min(1).max(1024).regex(/^[A-Za-z0-9+/]+={0,2}$/, { error: 'signature must be base64' }),
  archiveSha256: z.string().regex(/^[0-9a-f]{64}$/, { error: 'archiveSha256 must be 64 lowercase hexadecimal characters' }),
});

const DEVICE_ID_QUERY = /^[a-zA-Z0-9\-_]{1,255}$/;

function commonName(certificate: X509Certificate): string | undefined {
  for (const line of certificate.subject.split('\n')) if (line.startsWith('CN=')) return line.slice(3);
  return undefined;
}

/** ECDSA-SHA256 over the UTF-8 nonce, DER-encoded; anything unparsable simply does not verify. */
function signatureVerifies(certificate: X509Certificate, nonce: string, signature: string): boolean {
  try {
    return verify('sha256', Buffer.from(nonce, 'utf8'), certificate.publicKey, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

export function applianceScenario(context: ApiContext): Record<string, unknown> {
  const info = scenarioInfo(context.scenario());
  return { name: info.name, drivePreparation: info.drivePreparation };
}

export function register(context: ApiContext, nonces: NonceBook, body: unknown): Record<string, unknown> {
  const parsed = RegisterSchema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message));
    throw new ApplianceError(400, 'BAD_REQUEST', `The registration request is malformed (${problems.join('; ')}). Expected JSON {nonce, certificatePem, signature, archiveSha256}.`);
  }
  const input = parsed.data;
  const clock = context.clock();
  if (!nonces.consume(input.nonce, clock.now)) {
    throw new ApplianceError(401, 'UNKNOWN_NONCE', 'The nonce is unknown, already used or expired (each is valid once, for 60 s). Get a new one from /_appliance/challenge.');
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(input.certificatePem);
  } catch {
    throw new ApplianceError(400, 'BAD_REQUEST', 'certificatePem is not a PEM certificate.');
  }
  const authority = context.store.authority.certificate;
  if (!certificate.checkIssued(authority) || !certificate.verify(authority.publicKey)) {
    throw new ApplianceError(403, 'UNKNOWN_CERTIFICATE', 'The certificate was not issued by this service: this archive belongs to another account or simulator, or was forged.');
  }
  const deviceId = commonName(certificate) ?? '';
  const device = context.store.devices.get(deviceId);
  const fingerprint = createHash('sha256').update(certificate.raw).digest('hex');
  if (device === undefined || isGone(device, clock.now) || deviceStateAt(device, clock.now).provisioningStatus === 'DELETING' || device.certificateSha256 !== fingerprint) {
    throw new ApplianceError(403, 'UNKNOWN_CERTIFICATE', `The certificate names device ${deviceId || '(none)'}, which does not exist any more (was it deleted?). Provision the device again.`);
  }
  if (!signatureVerifies(certificate, input.nonce, input.signature)) {
    throw new ApplianceError(401, 'BAD_SIGNATURE', "The signature does not verify with the certificate's public key: sign the UTF-8 nonce with the archive's private key (ECDSA SHA-256, DER, base64).");
  }
  const notAfter = new Date(certificate.validTo);
  if (clock.now > notAfter.getTime()) {
    const stillAwaiting = deviceStateAt(device, clock.now).provisioningStatus === 'AWAITING_PROVISIONING';
    refuseExpiredCertificate(device, context.store.jobs.values(), clock, notAfter, stillAwaiting);
    context.store.save();
    throw new ApplianceError(403, 'CERTIFICATE_EXPIRED', `The provisioning certificate of ${deviceId} expired at ${notAfter.toISOString()}. Archives are valid for about 5 minutes: delete the device and provision it again.`);
  }
  if (device.registration !== undefined) {
    refuseReusedArchive(device, context.store.jobs.values(), clock);
    context.store.save();
    throw new ApplianceError(409, 'ARCHIVE_REUSED', `This archive already registered ${deviceId}; archives cannot be reused. The device is now in ERROR: delete it and provision it again.`);
  }
  planRegistration(device, clock, {
    scenario: context.scenario(),
    region: context.region,
    archiveName: archiveFileNameFor(device.name),
    archiveSha256: input.archiveSha256,
    archiveMatches: input.archiveSha256 === device.archiveSha256,
    serialNumber: newSerialNumber(),
  });
  context.store.save();
  return { deviceId, status: 'accepted' };
}

export function applianceStatus(context: ApiContext, query: URLSearchParams): Record<string, unknown> {
  const deviceId = query.get('deviceId') ?? '';
  if (!DEVICE_ID_QUERY.test(deviceId)) throw new ApplianceError(400, 'BAD_REQUEST', 'Give the device ID: /_appliance/status?deviceId=device-…');
  const { now } = context.clock();
  const device = context.store.devices.get(deviceId);
  if (device === undefined || isGone(device, now)) throw new ApplianceError(404, 'UNKNOWN_DEVICE', `Device ${deviceId} does not exist (or was deleted).`);
  const state = deviceStateAt(device, now);
  return {
    provisioningStatus: state.provisioningStatus,
    connectionStatus: state.connectionStatus,
    lights: state.lights,
    logLines: logLinesAt(device.log, now),
    failure: state.failure,
  };
}
