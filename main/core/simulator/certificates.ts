/**
 * The simulator's certificate authority and the device certificates it issues, made with
 * @peculiar/x509 over Node's WebCrypto (ECDSA P-256, SHA-256), like the provisioning
 * certificates in a real archive. The CA is generated once per state; a device's key pair is
 * generated for its archive and then forgotten: only the archive ever holds the private key.
 */
import { createHash, X509Certificate as NodeX509Certificate, webcrypto } from 'node:crypto';
import type { CertificateAuthorityData } from './model';
import { x509 } from './x509';

const EC_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const CA_SUBJECT = 'CN=panorama-usb simulator root CA, O=panorama-usb, OU=Simulated - not issued by AWS';
const CA_VALIDITY_YEARS = 10;

export interface CertificateAuthority {
  data: CertificateAuthorityData;
  certificate: NodeX509Certificate;
  /** The CA's subject exactly as encoded, so issued certificates name their issuer byte for byte. */
  subjectName: x509.Name;
  signingKey: CryptoKey;
  publicKey: CryptoKey;
}

export interface DeviceCredentials {
  certificatePem: string;
  /** PKCS#8 PEM. The caller puts it in the archive and drops every other reference. */
  privateKeyPem: string;
  /** SHA-256 of the certificate's DER, hex: how the simulator recognises it later. */
  certificateSha256: string;
  notAfter: Date;
}

function pem(der: ArrayBuffer, label: string): string {
  return x509.PemConverter.encode(der, label);
}

export async function createCertificateAuthority(now: Date = new Date()): Promise<CertificateAuthority> {
  const keys = await webcrypto.subtle.generateKey(EC_ALGORITHM, true, ['sign', 'verify']);
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CA_VALIDITY_YEARS);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    name: CA_SUBJECT,
    keys,
    signingAlgorithm: EC_ALGORITHM,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const privateKeyDer = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  const data = { certificatePem: certificate.toString('pem'), privateKeyPkcs8: Buffer.from(privateKeyDer).toString('base64') };
  return { data, certificate: new NodeX509Certificate(data.certificatePem), subjectName: certificate.subjectName, signingKey: keys.privateKey, publicKey: keys.publicKey };
}

/** Loads a persisted CA; throws if the key does not belong to the certificate. */
export async function loadCertificateAuthority(data: CertificateAuthorityData): Promise<CertificateAuthority> {
  const certificate = new NodeX509Certificate(data.certificatePem);
  const signingKey = await webcrypto.subtle.importKey('pkcs8', Buffer.from(data.privateKeyPkcs8, 'base64'), EC_ALGORITHM, false, ['sign']);
  const parsed = new x509.X509Certificate(data.certificatePem);
  const publicKey = await parsed.publicKey.export(EC_ALGORITHM, ['verify']);
  // Sign and verify once: a CA key that does not match its certificate would issue archives
  // that no appliance could ever register with.
  const probe = new TextEncoder().encode('panorama-usb simulator CA key check');
  const signature = await webcrypto.subtle.sign(EC_ALGORITHM, signingKey, probe);
  if (!(await webcrypto.subtle.verify(EC_ALGORITHM, publicKey, signature, probe))) throw new Error('the CA private key does not match its certificate');
  return { data, certificate, subjectName: parsed.subjectName, signingKey, publicKey };
}

export function certificateSha256(certificate: NodeX509Certificate): string {
  return createHash('sha256').update(certificate.raw).digest('hex');
}

export async function issueDeviceCredentials(
  authority: CertificateAuthority,
  deviceId: string,
  validity: { notBefore: Date; notAfter: Date },
): Promise<DeviceCredentials> {
  const keys = await webcrypto.subtle.generateKey(EC_ALGORITHM, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.create({
    subject: `CN=${deviceId}`,
    issuer: authority.subjectName,
    publicKey: keys.publicKey,
    signingKey: authority.signingKey,
    signingAlgorithm: EC_ALGORITHM,
    notBefore: validity.notBefore,
    notAfter: validity.notAfter,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(authority.publicKey),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const privateKeyDer = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  const certificatePem = certificate.toString('pem');
  const credentials = {
    certificatePem,
    privateKeyPem: pem(privateKeyDer, 'PRIVATE KEY'),
    certificateSha256: certificateSha256(new NodeX509Certificate(certificatePem)),
    notAfter: validity.notAfter,
  };
  new Uint8Array(privateKeyDer).fill(0);
  return credentials;
}
