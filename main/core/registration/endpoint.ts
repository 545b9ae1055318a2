/**
 * Which Panorama endpoints we talk to: https only (TLS 1.2 or later with forward secrecy, see
 * client.ts), except the loopback simulator; never a URL that carries credentials (they would
 * end up in logs and histories).
 */
import { isIP } from 'node:net';
import { refused } from '../errors';

export interface ResolvedEndpoint {
  /** undefined: the SDK's own regional endpoint (https://panorama.{region}.amazonaws.com). */
  url: string | undefined;
  /** A loopback endpoint: the simulator (it checks that a signature is present, not its key). */
  loopback: boolean;
}

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

export function resolveEndpoint(endpoint: string | undefined): ResolvedEndpoint {
  if (endpoint === undefined || endpoint === '') return { url: undefined, loopback: false };
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw refused('ENDPOINT_INVALID', `"${endpoint}" is not a URL.`, 'Give a URL such as https://panorama.us-east-1.amazonaws.com or the simulator\'s http://127.0.0.1:PORT.');
  }
  if (url.username !== '' || url.password !== '') {
    throw refused('ENDPOINT_HAS_CREDENTIALS', 'The endpoint URL contains a user name or password; credentials never go in URLs.', 'Remove them from the URL and use an AWS profile (--profile) or environment credentials.');
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw refused('ENDPOINT_INSECURE', `${url.protocol}//${url.host} is not https; only the local simulator (127.0.0.1) may use plain http.`, 'Use an https:// endpoint.');
  }
  if (url.search !== '' || url.hash !== '') {
    throw refused('ENDPOINT_INVALID', 'The endpoint URL must not have a query string or fragment.', 'Give only scheme, host, port and path.');
  }
  return { url: url.toString().replace(/\/$/, ''), loopback };
}
