/**
 * The Panorama client: AWS SDK v3 with the standard credential chain (environment, shared
 * profiles including SSO, --profile), a region, and an optional endpoint override. Nothing here
 * logs: the SDK has no logger unless given one, so credentials and signatures stay out of logs.
 */
import https from 'node:https';
import { PanoramaClient } from '@aws-sdk/client-panorama';
import { resolveEndpoint } from './endpoint';

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

export function createPanoramaClient(options: ClientOptions = {}): PanoramaClient {
  const endpoint = resolveEndpoint(options.endpoint);
  const region = options.region ?? process.env['AWS_REGION'] ?? process.env['AWS_DEFAULT_REGION'] ?? DEFAULT_REGION;
  return new PanoramaClient({
    region,
    ...(endpoint.url === undefined ? {} : { endpoint: endpoint.url }),
    ...(endpoint.loopback ? { credentials: SIMULATOR_CREDENTIALS } : options.profile === undefined ? {} : { profile: options.profile }),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    // TLS 1.2 is the floor for the real service.
    requestHandler: { httpsAgent: new https.Agent({ minVersion: 'TLSv1.2', keepAlive: true }), requestTimeout: 30_000 },
  });
}
