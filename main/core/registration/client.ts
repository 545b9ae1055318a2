/**
 * The Panorama client: AWS SDK v3 with the standard credential chain (environment, shared
 * profiles including SSO, --profile), a region, and an optional endpoint override. Nothing here
 * logs: the SDK has no logger unless given one, so credentials and signatures stay out of logs.
 */
import https from 'node:https';
import { PanoramaClient } from '@aws-sdk/client-panorama';
import { resolveEndpoint } from './endpoint';
import { guardOperations } from './operations';

export interface ClientOptions {
  region?: string;
  endpoint?: string;
  profile?: string;
  /** The SDK's own retries; the monitor sets 1 to pace its requests itself. */
  maxAttempts?: number;
}

export const DEFAULT_REGION = 'us-east-1';

/**
 * The simulator accepts any SigV4 signature, so on loopback we sign with placeholder keys rather
 * than the user's real ones: real credentials never leave for a local test server.
 */
const SIMULATOR_CREDENTIALS = { accessKeyId: 'PANORAMAUSBSIMULATOR', secretAccessKey: 'simulator-does-not-check-signatures' };

/**
 * TLS as the Panorama security pages ask of clients: TLS 1.2 or later, and only cipher suites with
 * perfect forward secrecy. It applies to every https endpoint — the real service, an --endpoint
 * override, an https loopback URL — and not to the plain-http loopback simulator (no TLS there).
 * Node gives the `TLS_` names to OpenSSL's TLS 1.3 list and the rest to the TLS 1.2 list (a list
 * without `TLS_` names would leave TLS 1.3 on OpenSSL's defaults); every TLS 1.3 suite is
 * forward-secret. For TLS 1.2, ECDHE with AEAD only: DHE is forward-secret too, but the server
 * chooses its group (1024-bit ones are still about), and AWS's endpoints offer ECDHE. A server
 * with nothing from TLS 1.2 up, or only RSA key exchange, ends the handshake: TLS_TOO_WEAK (errors.ts).
 */
export const TLS_POLICY = {
  minVersion: 'TLSv1.2',
  ciphers: [
    'TLS_AES_128_GCM_SHA256',
    'TLS_AES_256_GCM_SHA384',
    'TLS_CHACHA20_POLY1305_SHA256',
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    'ECDHE-RSA-CHACHA20-POLY1305',
  ].join(':'),
} as const;

/** The region a client uses: the one asked for, else the SDK's environment variables, else DEFAULT_REGION. */
export function resolveRegion(requested?: string): string {
  return requested ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'] ?? DEFAULT_REGION;
}

export function createPanoramaClient(options: ClientOptions = {}): PanoramaClient {
  const endpoint = resolveEndpoint(options.endpoint);
  const region = resolveRegion(options.region);
  const client = new PanoramaClient({
    region,
    ...(endpoint.url === undefined ? {} : { endpoint: endpoint.url }),
    ...(endpoint.loopback ? { credentials: SIMULATOR_CREDENTIALS } : options.profile === undefined ? {} : { profile: options.profile }),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    requestHandler: { httpsAgent: new https.Agent({ ...TLS_POLICY, keepAlive: true }), requestTimeout: 30_000 },
  });
  // Only the operations the IAM policy grants (operations.ts) ever leave this process.
  guardOperations(client);
  return client;
}
