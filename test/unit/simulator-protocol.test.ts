/**
 * The simulator's protocol pieces on their own: the SigV4 front-door check, the token bucket,
 * single-use nonces, request validation with AWS's wording, identifiers and the scenario list.
 */
import { describe, expect, it } from 'vitest';
import { SCENARIOS, isScenarioName } from '../../main/core/simulator';
import { ApiError } from '../../main/core/simulator/api-errors';
import { NonceBook, NONCE_LIFETIME_MS } from '../../main/core/simulator/appliance-endpoint';
import { deviceArn, newDeviceId, newSerialNumber } from '../../main/core/simulator/ids';
import { TokenBucket } from '../../main/core/simulator/rate-limit';
import { checkSignature } from '../../main/core/simulator/sigv4';
import { effectiveNetworking, parseRequest, ProvisionDeviceRequestSchema } from '../../main/core/simulator/validation';

const GOOD = 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/panorama/aws4_request, SignedHeaders=host;x-amz-date, Signature=' + 'ab'.repeat(32);

function signatureError(headers: Record<string, string>, query = new URLSearchParams()): ApiError {
  try {
    checkSignature(headers, query, 'us-east-1');
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

function validationFields(body: unknown): { Name: string; Message: string }[] {
  try {
    parseRequest(ProvisionDeviceRequestSchema, body);
  } catch (error) {
    if (error instanceof ApiError) return error.body['Fields'] as { Name: string; Message: string }[];
    throw error;
  }
  return [];
}

describe('SigV4 front door', () => {
  it('accepts a well-formed signature for this region and service, header or presigned', () => {
    expect(checkSignature({ authorization: GOOD, 'x-amz-date': '20260101T000000Z' }, new URLSearchParams(), 'us-east-1')).toEqual({ accessKeyId: 'AKIDEXAMPLE', region: 'us-east-1', service: 'panorama' });
    const presigned = new URLSearchParams({ 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256', 'X-Amz-Credential': 'AKID/20260101/us-east-1/panorama/aws4_request', 'X-Amz-SignedHeaders': 'host', 'X-Amz-Signature': 'ab'.repeat(32) });
    expect(checkSignature({}, presigned, 'us-east-1').accessKeyId).toBe('AKID');
  });

  it.each([
    [{}, 403, 'MissingAuthenticationTokenException', /Missing Authentication Token/],
    [{ authorization: 'Basic dXNlcjpwYXNz' }, 400, 'IncompleteSignatureException', /Unsupported Authorization Type 'Basic'/],
    [{ authorization: 'AWS4-HMAC-SHA256 SignedHeaders=host', 'x-amz-date': 'x' }, 400, 'IncompleteSignatureException', /requires 'Credential' parameter.*requires 'Signature' parameter/],
    [{ authorization: GOOD }, 400, 'IncompleteSignatureException', /'X-Amz-Date' or a 'Date' header/],
    [{ authorization: GOOD.replace('ab'.repeat(32), 'xyz'), date: 'x' }, 400, 'IncompleteSignatureException', /malformed 'Signature'/],
    [{ authorization: GOOD.replace('/panorama/', '/s3/'), date: 'x' }, 403, 'InvalidSignatureException', /correct service: 'panorama'/],
    [{ authorization: GOOD.replace('/us-east-1/', '/eu-west-1/'), date: 'x' }, 403, 'InvalidSignatureException', /valid region, not 'eu-west-1'/],
    [{ authorization: GOOD.replace('aws4_request', 'aws5_request'), date: 'x' }, 403, 'InvalidSignatureException', /valid terminator/],
    [{ authorization: GOOD.replace('AKIDEXAMPLE/20260101', 'AKIDEXAMPLE'), date: 'x' }, 400, 'IncompleteSignatureException', /Credential is malformed/],
  ])('refuses %j with %i %s', (headers, status, type, message) => {
    const error = signatureError(headers);
    expect(error).toMatchObject({ status, type });
    expect(error.message).toMatch(message);
  });
});

describe('TokenBucket', () => {
  it('allows a burst of the rate, then refills at the rate per second', () => {
    const bucket = new TokenBucket(5, 0);
    expect(Array.from({ length: 7 }, () => bucket.take(0))).toEqual([true, true, true, true, true, false, false]);
    expect(bucket.take(100)).toBe(false);
    expect(bucket.take(200)).toBe(true);
    expect(Array.from({ length: 6 }, () => bucket.take(10_000)).filter(Boolean)).toHaveLength(5);
  });

  it('is off at rate 0 and refuses negative rates', () => {
    const off = new TokenBucket(0, 0);
    expect(Array.from({ length: 100 }, () => off.take(0)).every(Boolean)).toBe(true);
    expect(() => new TokenBucket(-1)).toThrow(RangeError);
  });
});

describe('NonceBook', () => {
  it('accepts each nonce once, and only before it expires', () => {
    const book = new NonceBook();
    const { nonce, expiresAt } = book.issue(1_000);
    expect(Date.parse(expiresAt)).toBe(1_000 + NONCE_LIFETIME_MS);
    expect(book.consume(nonce, 2_000)).toBe(true);
    expect(book.consume(nonce, 2_000)).toBe(false);
    const late = book.issue(1_000).nonce;
    expect(book.consume(late, 1_000 + NONCE_LIFETIME_MS)).toBe(false);
    expect(book.consume('never-issued', 0)).toBe(false);
  });

  it('keeps a bounded number of outstanding nonces', () => {
    const book = new NonceBook();
    const first = book.issue(0).nonce;
    for (let index = 0; index < 1100; index += 1) book.issue(0);
    expect(book.consume(first, 1)).toBe(false);
  });
});

describe('request validation', () => {
  it('words failures as AWS does and names every failing field', () => {
    try {
      parseRequest(ProvisionDeviceRequestSchema, { Name: 'bad name', Description: 7 });
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(ApiError);
      const apiError = error as ApiError;
      expect(apiError.status).toBe(400);
      expect(apiError.message).toBe(
        "2 validation errors detected: Value 'bad name' at 'Name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9\\-\\_]+$; Value '7' at 'Description' failed to satisfy constraint: Member must be of type string",
      );
    }
  });

  it.each([
    [{ Name: 'ok', Tags: { '': 'v' } }, 'Tags.'],
    [{ Name: 'ok', Tags: { k: 'v'.repeat(257) } }, 'Tags.k'],
    [{ Name: 'ok', NetworkingConfiguration: { Ethernet0: { ConnectionType: 'PPPOE' } } }, 'NetworkingConfiguration.Ethernet0.ConnectionType'],
    [{ Name: 'ok', NetworkingConfiguration: { Ethernet0: { ConnectionType: 'STATIC_IP', StaticIpConnectionInfo: { IpAddress: '10.0.0.5', Mask: '0.0.0.0', DefaultGateway: '10.0.0.1', Dns: [] } } } }, 'NetworkingConfiguration.Ethernet0.StaticIpConnectionInfo.Mask'],
    [{ Name: 'ok', NetworkingConfiguration: { Ethernet0: { ConnectionType: 'STATIC_IP', StaticIpConnectionInfo: { IpAddress: '10.0.0.5', Mask: '255.255.255.0', DefaultGateway: 'router', Dns: [] } } } }, 'NetworkingConfiguration.Ethernet0.StaticIpConnectionInfo.DefaultGateway'],
  ])('refuses %j at %s', (body, field) => {
    expect(validationFields(body).map((entry) => entry.Name)).toEqual([field]);
  });

  it('accepts the model\'s edge cases', () => {
    expect(validationFields({ Name: 'a'.repeat(255), Description: '', Tags: { k: '' }, NetworkingConfiguration: { Ethernet0: { ConnectionType: 'STATIC_IP', StaticIpConnectionInfo: { IpAddress: '10.0.0.5:8080', Mask: '255.255.255.252', DefaultGateway: '10.0.0.1', Dns: [] } }, Ntp: { NtpServers: [] } } })).toEqual([]);
  });

  it('defaults to DHCP on Ethernet0 when no configuration is given for it', () => {
    expect(effectiveNetworking(undefined)).toEqual({ Ethernet0: { ConnectionType: 'DHCP' } });
    expect(effectiveNetworking({ Ntp: { NtpServers: ['10.0.0.3'] } })).toEqual({ Ethernet0: { ConnectionType: 'DHCP' }, Ntp: { NtpServers: ['10.0.0.3'] } });
  });
});

describe('identifiers and scenarios', () => {
  it('makes IDs shaped like the service\'s', () => {
    const ids = new Set(Array.from({ length: 200 }, newDeviceId));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^device-[a-z0-9]{26}$/);
    expect(newSerialNumber()).toMatch(/^[1-9]\d{11}$/);
    expect(deviceArn('eu-west-1', '111122223333', 'device-x')).toBe('arn:aws:panorama:eu-west-1:111122223333:device/device-x');
  });

  it('lists the twelve scenarios once each, with their drive preparations', () => {
    expect(SCENARIOS.map((scenario) => scenario.name)).toEqual([
      'success', 'slow-registration', 'expired-certificate', 'no-archive', 'archive-in-folder', 'two-archives',
      'drive-not-fat32', 'network-failure', 'server-errors', 'access-denied', 'quota-exceeded', 'update-available',
    ]);
    expect(Object.fromEntries(SCENARIOS.filter((scenario) => scenario.drivePreparation !== 'none').map((scenario) => [scenario.name, scenario.drivePreparation]))).toEqual({
      'no-archive': 'remove-archive',
      'archive-in-folder': 'move-archive-into-folder',
      'two-archives': 'duplicate-archive',
      'drive-not-fat32': 'wipe-filesystem',
    });
    expect(isScenarioName('success')).toBe(true);
    expect(isScenarioName('meteor-strike')).toBe(false);
  });
});
