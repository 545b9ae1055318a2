/**
 * SDK errors as typed errors with guidance a technician (or the IT person next to them) can
 * act on. Messages carry the operation and the service's message, never request signatures.
 */
import { AccessDeniedException, ConflictException, InternalServerException, ResourceNotFoundException, ServiceQuotaExceededException, ValidationException } from '@aws-sdk/client-panorama';
import { errnoCode, failed, PanoramaUsbError, refused } from '../errors';
import { roleFor } from './operations';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * OpenSSL's reasons for a handshake that ended because the endpoint offered nothing our TLS policy
 * (client.ts) accepts: the server's protocol_version alert (it has nothing from TLS 1.2 up), our own
 * "unsupported protocol" (a server that ignores TLS 1.3's version list answers with TLS 1.1 or
 * older), the server's handshake_failure alert (no suite in common: it has only RSA key exchange or
 * other non-forward-secret suites). Node gives the reason as the code (ERR_SSL_…) on a TLS socket,
 * or EPROTO with the reason in the message when, as in the SDK's requests, the failed handshake
 * meets the request's first write. Not here: "wrong version number" (plain http on an https URL).
 */
const WEAK_TLS_REASONS: ReadonlyArray<readonly [RegExp, string]> = [
  [/tlsv1 alert protocol version/i, 'it has nothing from TLS 1.2 up'],
  [/unsupported protocol/i, 'it answered with a TLS older than 1.2'],
  [/sslv3 alert handshake failure/i, 'no cipher suite in common: it has none of the forward-secret ones (ECDHE, TLS 1.3) we accept'],
];

/** What a weak handshake means in words, with OpenSSL's reason; null for any other error. */
function weakTlsReason(error: unknown): string | null {
  const code = errorCode(error);
  if (code !== 'EPROTO' && !code.startsWith('ERR_SSL_')) return null;
  const message = error instanceof Error ? error.message : '';
  for (const [pattern, meaning] of WEAK_TLS_REASONS) {
    const reason = pattern.exec(message)?.[0];
    if (reason !== undefined) return `${meaning}; OpenSSL: ${reason.toLowerCase()}`;
  }
  return null;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

function errorCode(error: unknown): string {
  return errnoCode(error) ?? '';
}

export function toRegistrationError(error: unknown, operation: string): PanoramaUsbError {
  if (error instanceof PanoramaUsbError) return error;
  if (error instanceof AccessDeniedException) {
    return failed('ACCESS_DENIED', `${operation} was denied: ${error.Message ?? error.message}`, `Your AWS identity needs the permission panorama:${operation}. \`panorama-usb iam-policy --role ${roleFor(operation)}\` prints the policy that grants it (also under "AWS permissions" in the app): ask an administrator to attach it, or use another --profile.`);
  }
  if (error instanceof ServiceQuotaExceededException) {
    return failed('DEVICE_QUOTA_EXCEEDED', `${operation} refused: the account's quota is used up (${error.Message ?? error.message}).`, 'Delete devices you no longer use, or request a quota increase in Service Quotas.');
  }
  if (error instanceof ValidationException) {
    const fields = (error.Fields ?? []).map((field) => `${field.Name ?? '?'}: ${field.Message ?? ''}`).join('; ');
    return refused('API_VALIDATION', `${operation} refused the request: ${error.Message ?? error.message}${fields === '' ? '' : ` (${fields})`}.`, 'Correct the field named and try again.');
  }
  if (error instanceof ResourceNotFoundException) {
    return refused('DEVICE_NOT_FOUND', `${operation}: ${(error.Message ?? error.message).replace(/\.$/, '')}.`, 'Check the device id (the console shows it), the region and the account.');
  }
  if (error instanceof ConflictException) {
    return failed('CONFLICT', `${operation} conflicts with the device's current state: ${(error.Message ?? error.message).replace(/\.$/, '')}.`, 'Wait for the current operation on the device to finish, then try again.');
  }
  if (error instanceof InternalServerException || errorName(error) === 'ThrottlingException') {
    return failed('SERVICE_UNAVAILABLE', `${operation} failed on the service side (${error instanceof Error ? error.message : String(error)}).`, 'Try again in a minute.');
  }
  if (errorName(error) === 'CredentialsProviderError' || /Could not load credentials|credential/i.test(error instanceof Error ? error.message : '')) {
    return refused('NO_CREDENTIALS', 'No AWS credentials were found.', 'Run `aws configure` or `aws sso login`, pass --profile, or set AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY. For practice, use the simulator (panorama-usb simulate).');
  }
  const weakTls = weakTlsReason(error);
  if (weakTls !== null) {
    // Failed, not refused: the request was well formed and tried; what stopped it is the endpoint or
    // the network path to it (a TLS-intercepting proxy, a wrong URL), as for ENDPOINT_UNREACHABLE.
    return failed(
      'TLS_TOO_WEAK',
      `${operation}: the endpoint offered no connection we accept, TLS 1.2 or later with forward secrecy (${weakTls}); the request was not sent.`,
      'A proxy or firewall that intercepts TLS may stand between you and AWS: ask IT to let the Panorama endpoint through untouched, or try another network. Check --endpoint: the real service is https://panorama.REGION.amazonaws.com.',
    );
  }
  if (NETWORK_CODES.has(errorCode(error)) || errorName(error) === 'TimeoutError') {
    return failed(
      'ENDPOINT_UNREACHABLE',
      `${operation}: the Panorama endpoint did not answer (${errorCode(error) || errorName(error)}).`,
      'Check the network and the region. AWS ended Panorama support on 31 May 2026, so the real endpoint may no longer answer: use the simulator (--endpoint) or Training mode.',
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return failed('API_ERROR', `${operation} failed: ${message}`, 'Run again with --verbose; if it persists, report the problem.', error);
}

/** Seconds the service asked us to wait, if it did (InternalServerException carries Retry-After). */
export function retryAfterSeconds(error: unknown): number | null {
  if (error instanceof InternalServerException && typeof error.RetryAfterSeconds === 'number') return error.RetryAfterSeconds;
  return null;
}

export function isTransient(error: unknown): boolean {
  if (error instanceof InternalServerException || errorName(error) === 'ThrottlingException') return true;
  const status = typeof error === 'object' && error !== null && '$metadata' in error ? (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode : undefined;
  return (status !== undefined && status >= 500) || NETWORK_CODES.has(errorCode(error));
}
