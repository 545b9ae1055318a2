/**
 * The simulator's Panorama API through the real SDK client (@aws-sdk/client-panorama): the
 * operations' shapes, the archive ProvisionDevice returns (accepted by our own inspector with no
 * warnings), validation, paging, the modelled error classes with their fields and HTTP codes,
 * the SigV4 front door, throttling, and the scenarios that make the API fail.
 */
import {
  AccessDeniedException,
  ConflictException,
  CreateJobForDevicesCommand,
  DeleteDeviceCommand,
  DescribeDeviceCommand,
  DescribeDeviceJobCommand,
  InternalServerException,
  ListDevicesCommand,
  ListDevicesJobsCommand,
  PanoramaServiceException,
  ProvisionDeviceCommand,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  UpdateDeviceMetadataCommand,
  ValidationException,
  type PanoramaClient,
} from '@aws-sdk/client-panorama';
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { archiveFileNameFor, inspectArchiveBytes } from '../../main/core/archive';
import { archiveParts, closeSimulatorsAfterEachTest, rawRequest, sdkClient, signedRequest, testSimulator, waitFor, withStoppedClock } from '../support/simulator';

closeSimulatorsAfterEachTest();

/** Runs the call and returns what it threw (failing the test if it did not throw). */
async function rejection(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

async function provision(client: PanoramaClient, name: string, extra: Partial<ConstructorParameters<typeof ProvisionDeviceCommand>[0]> = {}) {
  const output = await client.send(new ProvisionDeviceCommand({ Name: name, ...extra }));
  if (output.DeviceId === undefined || output.Certificates === undefined) throw new Error('ProvisionDevice returned no device');
  return { ...output, DeviceId: output.DeviceId, Certificates: output.Certificates };
}

describe('ProvisionDevice', () => {
  it('creates a device and returns a real archive our inspector accepts without a single warning', async () => {
    const simulator = await testSimulator();
    const client = sdkClient(simulator);
    const before = Date.now();
    const output = await provision(client, 'lobby-cam-01', { Description: 'Lobby camera', Tags: { site: 'hq' } });
    expect(output.$metadata.httpStatusCode).toBe(200);
    expect(output.DeviceId).toMatch(/^device-[a-z0-9]{26}$/);
    expect(output.Arn).toBe(`arn:aws:panorama:us-east-1:123456789012:device/${output.DeviceId}`);
    expect(output.Status).toBe('AWAITING_PROVISIONING');
    expect(output.IotThingName).toBe(output.DeviceId);

    const report = await inspectArchiveBytes(Buffer.from(output.Certificates), archiveFileNameFor('lobby-cam-01'));
    expect(report.warnings).toEqual([]);
    expect(report.deviceName).toBe('lobby-cam-01');
    expect(report.entries.map((entry) => [entry.name, entry.kind])).toEqual([
      ['network.json', 'network'],
      ['certificate.pem', 'certificate'],
      ['private_key.pem', 'private-key'],
      ['root_ca.pem', 'certificate'],
    ]);
    expect(report.network?.text).toBe('Ethernet0: DHCP (address from the network); Ethernet1: not configured; NTP: the appliance default');
    const leaf = report.certificates.find((certificate) => !certificate.isCertificateAuthority);
    expect(leaf?.subject).toBe(`CN=${output.DeviceId}`);
    expect(leaf?.secondsLeft).toBeGreaterThan(280);
    expect(leaf?.secondsLeft).toBeLessThanOrEqual(300);
    expect(Date.parse(leaf?.validFrom ?? '')).toBeLessThanOrEqual(before - 59_000);

    const parts = await archiveParts(output.Certificates);
    expect(parts.network).toEqual({ Ethernet0: { ConnectionType: 'DHCP' } });
    expect(parts.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const certificate = new X509Certificate(parts.certificatePem);
    const root = new X509Certificate(parts.rootCaPem);
    expect(certificate.checkIssued(root) && certificate.verify(root.publicKey)).toBe(true);
    expect(certificate.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: 'prime256v1' });
    expect(root.ca).toBe(true);
    client.destroy();
  });

  it('writes the requested network configuration into network.json and echoes it in DescribeDevice', async () => {
    const simulator = await testSimulator();
    const client = sdkClient(simulator);
    const NetworkingConfiguration = {
      Ethernet0: { ConnectionType: 'STATIC_IP' as const, StaticIpConnectionInfo: { IpAddress: '10.0.0.5', Mask: '255.255.255.0', DefaultGateway: '10.0.0.1', Dns: ['10.0.0.2', '1.1.1.1'] } },
      Ethernet1: { ConnectionType: 'DHCP' as const },
      Ntp: { NtpServers: ['time.example.com', '10.0.0.3'] },
    };
    const output = await provision(client, 'dock-cam', { NetworkingConfiguration });
    expect((await archiveParts(output.Certificates)).network).toEqual(NetworkingConfiguration);
    const report = await inspectArchiveBytes(Buffer.from(output.Certificates), archiveFileNameFor('dock-cam'));
    expect(report.network?.text).toContain('Ethernet0: static IP 10.0.0.5 mask 255.255.255.0, gateway 10.0.0.1, DNS 10.0.0.2, 1.1.1.1');
    const described = await client.send(new DescribeDeviceCommand({ DeviceId: output.DeviceId }));
    expect(described).toMatchObject({
      DeviceId: output.DeviceId,
      Name: 'dock-cam',
      Type: 'PANORAMA_APPLIANCE',
      Brand: 'AWS_PANORAMA',
      ProvisioningStatus: 'AWAITING_PROVISIONING',
      DeviceConnectionStatus: 'NOT_AVAILABLE',
      DeviceAggregatedStatus: 'AWAITING_PROVISIONING',
      LatestSoftware: '4.3.55',
      NetworkingConfiguration,
    });
    expect(described.CreatedTime).toBeInstanceOf(Date);
    expect(Math.abs((described.CreatedTime?.getTime() ?? 0) - Date.now())).toBeLessThan(10_000);
    expect(described.CurrentSoftware).toBeUndefined();
    client.destroy();
  });

  it.each([
    ['an invalid name', { Name: 'lobby cam!' }, 'Name', /regular expression pattern/],
    ['a name longer than 255', { Name: 'a'.repeat(256) }, 'Name', /length less than or equal to 255/],
    ['a description longer than 255', { Name: 'ok', Description: 'd'.repeat(256) }, 'Description', /length less than or equal to 255/],
    ['51 tags', { Name: 'ok', Tags: Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`k${index}`, 'v'])) }, 'Tags', /less than or equal to 50/],
    [
      'a bad static address',
      { Name: 'ok', NetworkingConfiguration: { Ethernet0: { ConnectionType: 'STATIC_IP' as const, StaticIpConnectionInfo: { IpAddress: '10.0.0.300', Mask: '255.255.255.0', DefaultGateway: '10.0.0.1', Dns: ['10.0.0.2'] } } } },
      'NetworkingConfiguration.Ethernet0.StaticIpConnectionInfo.IpAddress',
      /regular expression pattern/,
    ],
    [
      'a mask that is not a mask',
      { Name: 'ok', NetworkingConfiguration: { Ethernet0: { ConnectionType: 'STATIC_IP' as const, StaticIpConnectionInfo: { IpAddress: '10.0.0.5', Mask: '255.0.255.0', DefaultGateway: '10.0.0.1', Dns: ['10.0.0.2'] } } } },
      'NetworkingConfiguration.Ethernet0.StaticIpConnectionInfo.Mask',
      /subnet mask/,
    ],
    [
      'a DNS server that is not an IPv4 address',
      { Name: 'ok', NetworkingConfiguration: { Ethernet0: { ConnectionType: 'STATIC_IP' as const, StaticIpConnectionInfo: { IpAddress: '10.0.0.5', Mask: '255.255.255.0', DefaultGateway: '10.0.0.1', Dns: ['dns.example.com'] } } } },
      'NetworkingConfiguration.Ethernet0.StaticIpConnectionInfo.Dns[0]',
      /IPv4 address/,
    ],
    [
      'STATIC_IP without its settings',
      { Name: 'ok', NetworkingConfiguration: { Ethernet1: { ConnectionType: 'STATIC_IP' as const } } },
      'NetworkingConfiguration.Ethernet1.StaticIpConnectionInfo',
      /must not be null/,
    ],
    ['six NTP servers', { Name: 'ok', NetworkingConfiguration: { Ntp: { NtpServers: ['a.example.com', 'b.example.com', 'c.example.com', 'd.example.com', 'e.example.com', 'f.example.com'] } } }, 'NetworkingConfiguration.Ntp.NtpServers', /less than or equal to 5/],
    ['an NTP server name with a space', { Name: 'ok', NetworkingConfiguration: { Ntp: { NtpServers: ['pool ntp org'] } } }, 'NetworkingConfiguration.Ntp.NtpServers[0]', /regular expression pattern/],
  ])('refuses %s with a ValidationException naming the field', async (_label, input, field, message) => {
    const simulator = await testSimulator();
    const client = sdkClient(simulator);
    const error = await rejection(client.send(new ProvisionDeviceCommand(input)));
    expect(error).toBeInstanceOf(ValidationException);
    const validation = error as ValidationException;
    expect(validation.$metadata.httpStatusCode).toBe(400);
    expect(validation.Reason).toBe('FIELD_VALIDATION_FAILED');
    expect(validation.ErrorId).toMatch(/^[0-9a-f-]{36}$/);
    expect(validation.Fields).toEqual([{ Name: field, Message: expect.stringMatching(message) as string }]);
    expect(validation.message).toMatch(/^1 validation error detected: /);
    client.destroy();
  });

  it('refuses unknown fields, missing names and broken JSON, as the SDK never would send them', async () => {
    const simulator = await testSimulator();
    const unknown = await signedRequest(simulator, 'POST', '/devices', { Name: 'ok', Nmae: 'typo', NetworkingConfiguration: { Ethernet0: { ConnectionType: 'DHCP', Vlan: 3 } } });
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect((unknown.body['Fields'] as { Name: string }[]).map((field) => field.Name).sort()).toEqual(['NetworkingConfiguration.Ethernet0.Vlan', 'Nmae']);
    const missing = await signedRequest(simulator, 'POST', '/devices', {});
    expect(missing.body).toMatchObject({ Reason: 'FIELD_VALIDATION_FAILED', Fields: [{ Name: 'Name', Message: 'Member must not be null' }] });
    const broken = await signedRequest(simulator, 'POST', '/devices', '{"Name": ');
    expect(broken).toMatchObject({ status: 400, body: { Reason: 'CANNOT_PARSE' } });
    const unknownOperation = await signedRequest(simulator, 'PATCH', '/devices');
    expect(unknownOperation).toMatchObject({ status: 400, body: { Reason: 'UNKNOWN_OPERATION' } });
  });

  it('refuses a second device with the same name (ConflictException naming the first)', async () => {
    const simulator = await testSimulator();
    const client = sdkClient(simulator);
    const first = await provision(client, 'gate-cam');
    const error = await rejection(client.send(new ProvisionDeviceCommand({ Name: 'gate-cam' })));
    expect(error).toBeInstanceOf(ConflictException);
    expect(error).toMatchObject({ ResourceId: first.DeviceId, ResourceType: 'device', $metadata: { httpStatusCode: 409 } });
    client.destroy();
  });

  it('in "quota-exceeded" refuses with ServiceQuotaExceededException (402)', async () => {
    const simulator = await testSimulator({ scenario: 'quota-exceeded' });
    const client = sdkClient(simulator);
    const error = await rejection(client.send(new ProvisionDeviceCommand({ Name: 'one-too-many' })));
    expect(error).toBeInstanceOf(ServiceQuotaExceededException);
    expect(error).toMatchObject({ ServiceCode: 'panorama', QuotaCode: expect.any(String) as string, ResourceType: 'device', $metadata: { httpStatusCode: 402 } });
    expect((error as Error).message).toContain('maximum number of devices');
    client.destroy();
  });
});

describe('DescribeDevice, UpdateDeviceMetadata, DeleteDevice', () => {
  it('reports unknown devices with ResourceNotFoundException and malformed IDs with ValidationException', async () => {
    const simulator = await testSimulator();
    const client = sdkClient(simulator);
    const missing = await rejection(client.send(new DescribeDeviceCommand({ DeviceId: 'device-aaaaaaaaaaaaaaaaaaaaaaaaaa' })));
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing).toMatchObject({ ResourceId: 'device-aaaaaaaaaaaaaaaaaaaaaaaaaa', ResourceType: 'device', $metadata: { httpStatusCode: 404 } });
    const malformed = await rejection(client.send(new DescribeDeviceCommand({ DeviceId: 'not a device!' })));
    expect(malformed).toBeInstanceOf(ValidationException);
    expect((malformed as ValidationException).Fields).toEqual([{ Name: 'DeviceId', Message: expect.stringContaining('regular expression pattern') as string }]);
    client.destroy();
  });

  it('updates the description, and deletes: DELETING for a moment, then gone', async () => {
    const simulator = await testSimulator();
    const client = sdkClient(simulator);
    const { DeviceId } = await provision(client, 'old-cam', { Description: 'before' });
    expect(await client.send(new UpdateDeviceMetadataCommand({ DeviceId, Description: 'after' }))).toMatchObject({ DeviceId });
    expect(await client.send(new DescribeDeviceCommand({ DeviceId }))).toMatchObject({ Description: 'after' });
    // DELETING lasts 50 ms here: read it with the simulator's clock stopped, not in a race with it.
    await withStoppedClock(async () => {
      expect(await client.send(new DeleteDeviceCommand({ DeviceId }))).toMatchObject({ DeviceId, $metadata: { httpStatusCode: 200 } });
      expect(await client.send(new DescribeDeviceCommand({ DeviceId }))).toMatchObject({ ProvisioningStatus: 'DELETING', DeviceAggregatedStatus: 'DELETING' });
      expect(await client.send(new DeleteDeviceCommand({ DeviceId }))).toMatchObject({ DeviceId });
    });
    await waitFor(
      () => rejection(client.send(new DescribeDeviceCommand({ DeviceId }))).catch(() => null),
      (error) => error instanceof ResourceNotFoundException,
    );
    // Deleted devices free their name.
    await provision(client, 'old-cam');
    client.destroy();
  });
});

describe('ListDevices', () => {
  it('pages with MaxResults 1, newest first by default, and filters by name prefix and status', async () => {
    const simulator = await testSimulator();
    const client = sdkClient(simulator);
    const ids: string[] = [];
    for (const name of ['cam-b', 'cam-a', 'door-c']) {
      ids.push((await provision(client, name)).DeviceId);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(new ListDevicesCommand({ MaxResults: 1, ...(token === undefined ? {} : { NextToken: token }) }));
      expect(page.Devices).toHaveLength(1);
      seen.push(...(page.Devices ?? []).map((device) => device.DeviceId ?? ''));
      token = page.NextToken;
      pages += 1;
    } while (token !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());

    const [first] = (await client.send(new ListDevicesCommand({}))).Devices ?? [];
    expect(first).toMatchObject({ Name: 'door-c', Type: 'PANORAMA_APPLIANCE', Brand: 'AWS_PANORAMA', ProvisioningStatus: 'AWAITING_PROVISIONING', DeviceAggregatedStatus: 'AWAITING_PROVISIONING' });
    expect(first?.CreatedTime).toBeInstanceOf(Date);
    expect(first?.LastUpdatedTime).toBeInstanceOf(Date);

    const byName = await client.send(new ListDevicesCommand({ NameFilter: 'cam-', SortBy: 'NAME' }));
    expect(byName.Devices?.map((device) => device.Name)).toEqual(['cam-a', 'cam-b']);
    const descending = await client.send(new ListDevicesCommand({ SortBy: 'NAME', SortOrder: 'DESCENDING' }));
    expect(descending.Devices?.map((device) => device.Name)).toEqual(['door-c', 'cam-b', 'cam-a']);
    expect((await client.send(new ListDevicesCommand({ DeviceAggregatedStatusFilter: 'ONLINE' }))).Devices).toEqual([]);
    expect((await client.send(new ListDevicesCommand({ DeviceAggregatedStatusFilter: 'AWAITING_PROVISIONING' }))).Devices).toHaveLength(3);
    client.destroy();
  });

  it('refuses a NextToken from another query and MaxResults above 25', async () => {
    const simulator = await testSimulator();
    const client = sdkClient(simulator);
    await provision(client, 'a1');
    await provision(client, 'a2');
    const { NextToken } = await client.send(new ListDevicesCommand({ MaxResults: 1 }));
    const foreign = await rejection(client.send(new ListDevicesCommand({ MaxResults: 1, NextToken, SortBy: 'NAME' })));
    expect(foreign).toBeInstanceOf(ValidationException);
    expect((foreign as ValidationException).Fields?.[0]?.Name).toBe('NextToken');
    const tooMany = await rejection(client.send(new ListDevicesCommand({ MaxResults: 26 })));
    expect((tooMany as ValidationException).Fields).toEqual([{ Name: 'MaxResults', Message: 'Member must have value less than or equal to 25' }]);
    client.destroy();
  });
});

describe('jobs', () => {
  it('refuses jobs for devices that are not online, and unknown jobs', async () => {
    const simulator = await testSimulator();
    const client = sdkClient(simulator);
    const { DeviceId } = await provision(client, 'new-cam');
    const notOnline = await rejection(client.send(new CreateJobForDevicesCommand({ DeviceIds: [DeviceId], JobType: 'REBOOT' })));
    expect(notOnline).toBeInstanceOf(ConflictException);
    expect(notOnline).toMatchObject({ ResourceId: DeviceId, $metadata: { httpStatusCode: 409 } });
    const two = await rejection(client.send(new CreateJobForDevicesCommand({ DeviceIds: [DeviceId, DeviceId], JobType: 'REBOOT' })));
    expect((two as ValidationException).Fields).toEqual([{ Name: 'DeviceIds', Message: 'Member must have length less than or equal to 1' }]);
    const unknownDevice = await rejection(client.send(new CreateJobForDevicesCommand({ DeviceIds: ['device-bbbbbbbbbbbbbbbbbbbbbbbbbb'], JobType: 'REBOOT' })));
    expect(unknownDevice).toBeInstanceOf(ResourceNotFoundException);
    const unknownJob = await rejection(client.send(new DescribeDeviceJobCommand({ JobId: '00000000-0000-4000-8000-000000000000' })));
    expect(unknownJob).toMatchObject({ name: 'ResourceNotFoundException', ResourceType: 'job' });
    expect(await client.send(new ListDevicesJobsCommand({}))).toMatchObject({ DeviceJobs: [] });
    client.destroy();
  });
});

describe('the front door', () => {
  it('refuses unsigned requests as AWS does: 403 MissingAuthenticationTokenException', async () => {
    const simulator = await testSimulator();
    const response = await rawRequest(simulator, 'GET', '/devices');
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(response.body).toEqual({ message: 'Missing Authentication Token' });
  });

  it('refuses malformed signatures (400 IncompleteSignatureException) and another region (403)', async () => {
    const simulator = await testSimulator();
    const malformed = await rawRequest(simulator, 'GET', '/devices', { headers: { Authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/panorama/aws4_request', 'X-Amz-Date': '20260101T000000Z' } });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('x-amzn-errortype')).toBe('IncompleteSignatureException');
    expect(String(malformed.body['message'])).toContain("requires 'Signature' parameter");
    const bearer = await rawRequest(simulator, 'GET', '/devices', { headers: { Authorization: 'Bearer abc' } });
    expect(bearer.headers.get('x-amzn-errortype')).toBe('IncompleteSignatureException');

    const client = sdkClient(simulator, 'eu-west-1');
    const error = await rejection(client.send(new ListDevicesCommand({})));
    expect(error).toBeInstanceOf(PanoramaServiceException);
    expect(error).toMatchObject({ name: 'InvalidSignatureException', $metadata: { httpStatusCode: 403 } });
    client.destroy();
  });

  it('refuses requests from web pages and to other host names', async () => {
    const simulator = await testSimulator();
    expect((await rawRequest(simulator, 'GET', '/_appliance/scenario', { headers: { Origin: 'https://evil.example' } })).status).toBe(403);
  });

  it('throttles above 5 requests per second with ThrottlingException (429)', async () => {
    const simulator = await testSimulator({ rateLimitPerSecond: 5 });
    const client = sdkClient(simulator);
    // The clock stopped: the 12 calls arrive in the same instant however long they take to send
    // (on a running clock, a burst slower than 200 ms would get a token back, and a 6th through).
    await withStoppedClock(async (clock) => {
      const results = await Promise.allSettled(Array.from({ length: 12 }, () => client.send(new ListDevicesCommand({}))));
      const throttled = results.filter((result) => result.status === 'rejected').map((result) => result.reason as PanoramaServiceException);
      expect(results.length - throttled.length).toBe(5);
      for (const error of throttled) expect(error).toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 429 } });
      // Tokens flow back at 5 per second.
      clock.advance(450);
      expect((await client.send(new ListDevicesCommand({}))).$metadata.httpStatusCode).toBe(200);
    });
    expect(simulator.stats().byStatus).toMatchObject({ '200': 6, '429': 7 });
    client.destroy();
  });
});

describe('failing scenarios', () => {
  it('"server-errors": calls 2 to 4 of every 10 fail with InternalServerException and Retry-After: 1', async () => {
    const simulator = await testSimulator({ scenario: 'server-errors' });
    const client = sdkClient(simulator);
    const outcomes: (number | undefined)[] = [];
    for (let call = 0; call < 20; call += 1) {
      try {
        outcomes.push((await client.send(new ListDevicesCommand({}))).$metadata.httpStatusCode);
      } catch (error) {
        expect(error).toBeInstanceOf(InternalServerException);
        expect((error as InternalServerException).RetryAfterSeconds).toBe(1);
        outcomes.push((error as InternalServerException).$metadata.httpStatusCode);
      }
    }
    const cycle = [200, 500, 500, 500, 200, 200, 200, 200, 200, 200];
    expect(outcomes).toEqual([...cycle, ...cycle]);
    // The header itself, as any HTTP client sees it.
    await signedRequest(simulator, 'GET', '/devices');
    const failing = await signedRequest(simulator, 'GET', '/devices');
    expect(failing.status).toBe(500);
    expect(failing.headers.get('retry-after')).toBe('1');
    expect(failing.headers.get('x-amzn-errortype')).toBe('InternalServerException');
    client.destroy();
  });

  it('"server-errors" is survivable by a client that retries (the SDK\'s standard retries)', async () => {
    const simulator = await testSimulator({ scenario: 'server-errors' });
    const { PanoramaClient } = await import('@aws-sdk/client-panorama');
    const client = new PanoramaClient({ region: 'us-east-1', endpoint: simulator.endpoint, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' }, maxAttempts: 4 });
    await client.send(new ListDevicesCommand({}));
    // Calls 2, 3 and 4 fail; the 4th attempt is call 5 and succeeds (the SDK honours Retry-After).
    const output = await client.send(new ListDevicesCommand({}));
    expect(output.$metadata).toMatchObject({ httpStatusCode: 200, attempts: 4 });
    client.destroy();
  }, 20_000);

  it('"access-denied": every call is refused, naming the missing permission', async () => {
    const simulator = await testSimulator({ scenario: 'access-denied' });
    const client = sdkClient(simulator);
    const describe = await rejection(client.send(new DescribeDeviceCommand({ DeviceId: 'device-cccccccccccccccccccccccccc' })));
    expect(describe).toBeInstanceOf(AccessDeniedException);
    expect((describe as AccessDeniedException).$metadata.httpStatusCode).toBe(403);
    expect((describe as Error).message).toBe(
      'User: arn:aws:iam::123456789012:user/panorama-technician is not authorized to perform: panorama:DescribeDevice on resource: arn:aws:panorama:us-east-1:123456789012:device/device-cccccccccccccccccccccccccc because no identity-based policy allows the panorama:DescribeDevice action',
    );
    const provisionError = await rejection(client.send(new ProvisionDeviceCommand({ Name: 'x' })));
    expect((provisionError as Error).message).toContain('panorama:ProvisionDevice');
    simulator.setScenario('success');
    expect((await client.send(new ListDevicesCommand({}))).Devices).toEqual([]);
    client.destroy();
  });
});

describe('stats', () => {
  it('counts requests by operation and status, and can be reset', async () => {
    const simulator = await testSimulator();
    const client = sdkClient(simulator);
    await client.send(new ListDevicesCommand({}));
    await rejection(client.send(new DescribeDeviceCommand({ DeviceId: 'device-dddddddddddddddddddddddddd' })));
    await rawRequest(simulator, 'GET', '/devices');
    expect(simulator.stats()).toEqual({ requests: 3, byOperation: { ListDevices: 1, DescribeDevice: 1, Unknown: 1 }, byStatus: { '200': 1, '404': 1, '403': 1 } });
    simulator.resetStats();
    expect(simulator.stats()).toEqual({ requests: 0, byOperation: {}, byStatus: {} });
    client.destroy();
  });
});
