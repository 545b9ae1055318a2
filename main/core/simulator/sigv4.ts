/**
 * The front door's signature check, as far as a simulator can take it. AWS refuses a request
 * with no SigV4 signature (403 MissingAuthenticationTokenException) and a malformed one
 * (400 IncompleteSignatureException), and checks the credential scope (region, service). We do
 * the same. We do NOT verify the signature itself: that needs the caller's secret key, which a
 * simulator cannot know, so any well-formed signature is accepted (the product signs simulator
 * calls with placeholder keys). The simulator listens on loopback only for that reason.
 */
import { incompleteSignature, invalidSignature, missingAuthenticationToken } from './api-errors';

export interface SignatureIdentity {
  accessKeyId: string;
  region: string;
  service: string;
}

export const SIGNING_SERVICE = 'panorama';
const ALGORITHM = 'AWS4-HMAC-SHA256';

function parseParameters(text: string): Map<string, string> {
  const parameters = new Map<string, string>();
  for (const part of text.split(',')) {
    const trimmed = part.trim();
    const equals = trimmed.indexOf('=');
    if (equals <= 0) continue;
    parameters.set(trimmed.slice(0, equals), trimmed.slice(equals + 1));
  }
  return parameters;
}

function checkCredential(credential: string, expectedRegion: string): SignatureIdentity {
  const [accessKeyId = '', date = '', region = '', service = '', terminator = '', ...rest] = credential.split('/');
  if (accessKeyId === '' || !/^\d{8}$/.test(date) || region === '' || service === '' || terminator === '' || rest.length > 0) {
    throw incompleteSignature(`Credential is malformed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request", got "${credential.slice(0, 120)}".`);
  }
  if (terminator !== 'aws4_request') throw invalidSignature(`Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'.`);
  if (service !== SIGNING_SERVICE) throw invalidSignature(`Credential should be scoped to correct service: '${SIGNING_SERVICE}'.`);
  if (region !== expectedRegion) throw invalidSignature(`Credential should be scoped to a valid region, not '${region}'. This endpoint serves '${expectedRegion}'.`);
  return { accessKeyId, region, service };
}

/**
 * Checks the request carries a well-formed SigV4 signature (header or presigned query) for this
 * region and service, and returns who signed it. Throws the service's own error otherwise.
 */
export function checkSignature(headers: Readonly<Record<string, string | string[] | undefined>>, query: URLSearchParams, expectedRegion: string): SignatureIdentity {
  const authorization = headers['authorization'];
  const header = Array.isArray(authorization) ? authorization[0] : authorization;
  if (header === undefined || header.trim() === '') {
    const credential = query.get('X-Amz-Credential');
    if (query.get('X-Amz-Algorithm') === ALGORITHM && credential !== null && query.get('X-Amz-Signature') !== null && query.get('X-Amz-SignedHeaders') !== null) {
      return checkCredential(credential, expectedRegion);
    }
    throw missingAuthenticationToken();
  }
  const trimmed = header.trim();
  const space = trimmed.indexOf(' ');
  const algorithm = space === -1 ? trimmed : trimmed.slice(0, space);
  if (algorithm !== ALGORITHM) {
    throw incompleteSignature(`Unsupported Authorization Type '${algorithm.slice(0, 40)}'. Requests to this endpoint must be signed with ${ALGORITHM} (Signature Version 4).`);
  }
  const parameters = parseParameters(space === -1 ? '' : trimmed.slice(space + 1));
  const problems: string[] = [];
  for (const name of ['Credential', 'SignedHeaders', 'Signature']) {
    if ((parameters.get(name) ?? '') === '') problems.push(`Authorization header requires '${name}' parameter.`);
  }
  const signature = parameters.get('Signature') ?? '';
  if (signature !== '' && !/^[0-9a-f]{64}$/.test(signature)) problems.push('Authorization header has a malformed \'Signature\' parameter (expected 64 hexadecimal characters).');
  if (headers['x-amz-date'] === undefined && headers['date'] === undefined) {
    problems.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (problems.length > 0) throw incompleteSignature(`${problems.join(' ')} Authorization=${trimmed.slice(0, 60)}…`);
  return checkCredential(parameters.get('Credential') ?? '', expectedRegion);
}
