/**
 * TLS as the Panorama security pages ask of clients — TLS 1.2 or later, forward-secret cipher
 * suites only — through the command line a user runs (`monitor --endpoint https://127.0.0.1:PORT`),
 * against local https servers with a throwaway certificate made here by openssl (the CLI trusts
 * its CA through NODE_EXTRA_CA_CERTS; keys stay in memory, the folder is removed after):
 * an endpoint with nothing above TLS 1.1, and one with only RSA key exchange, are TLS_TOO_WEAK;
 * one with TLS 1.2 ECDHE or TLS 1.3 answers. Other handshake failures are not called weak TLS,
 * and the plain-http loopback simulator is unaffected (as the simulator tests that use the real
 * client show too: registration-loop.test.ts, and cli-records.test.ts "provision and monitor
 * against the simulator").
 */
import { DescribeDeviceCommand, ProvisionDeviceCommand } from '@aws-sdk/client-panorama';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls, { TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { errnoCode } from '../../main/core/errors';
import { createPanoramaClient, TLS_POLICY, toRegistrationError } from '../../main/core/registration';
import { parseSingleJson, runBinAsync } from '../support/cli';
import { closeSimulatorsAfterEachTest, testSimulator } from '../support/simulator';
import { mustRun } from '../support/tools';

closeSimulatorsAfterEachTest();

interface Certificates {
  /** The CA certificate on disk, for NODE_EXTRA_CA_CERTS (the only file kept until the end). */
  caFile: string;
  ca: string;
  key: string;
  cert: string;
}

let dir = '';
let certificates: Certificates | null = null;

/**
 * RSA, not EC: a suite with RSA key exchange (AES128-GCM-SHA256, the non-forward-secret case)
 * needs an RSA certificate. The address is in subjectAltName, so the name check passes too.
 */
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tls-policy-'));
  const file = (name: string): string => path.join(dir, name);
  mustRun('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '1', '-subj', '/CN=panorama-usb TLS policy test CA', '-addext', 'basicConstraints=critical,CA:TRUE']);
  mustRun('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=127.0.0.1']);
  writeFileSync(file('server.cnf'), 'basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  mustRun('openssl', ['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('server.pem'), '-days', '1', '-extfile', file('server.cnf')]);
  certificates = { caFile: file('ca.pem'), ca: readFileSync(file('ca.pem'), 'utf8'), key: readFileSync(file('server.key'), 'utf8'), cert: readFileSync(file('server.pem'), 'utf8') };
  for (const name of ['ca.key', 'ca.srl', 'server.key', 'server.csr', 'server.cnf', 'server.pem']) rmSync(file(name), { force: true });
});

afterAll(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

function certs(): Certificates {
  if (certificates === null) throw new Error('the test certificates were not made');
  return certificates;
}

const DEVICE_ID = 'device-tlspolicy';
const DEVICE = { DeviceId: DEVICE_ID, Name: 'tls-cam', ProvisioningStatus: 'SUCCEEDED', DeviceConnectionStatus: 'ONLINE', CurrentSoftware: '4.3.93', LatestSoftware: '4.3.93' };

interface SeenRequest {
  method: string;
  url: string;
  protocol: string | null;
  cipher: string;
}

interface TestServer {
  endpoint: string;
  port: number;
  /** Every request that reached the server, with the TLS it came over. */
  requests: SeenRequest[];
  /** The code of the server's first failed handshake (never settles if none fails). */
  handshakeError: Promise<string>;
}

const servers: https.Server[] = [];

afterEach(async () => {
  const open = servers.splice(0);
  await Promise.all(
    open.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

/** An https server on 127.0.0.1 that answers any request with a registered, online device. */
async function httpsServer(options: https.ServerOptions): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const server = https.createServer({ key: certs().key, cert: certs().cert, ...options }, (request, response) => {
    const socket = request.socket;
    if (socket instanceof TLSSocket) requests.push({ method: request.method ?? '', url: request.url ?? '', protocol: socket.getProtocol(), cipher: socket.getCipher().name });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(DEVICE));
  });
  const handshakeError = new Promise<string>((resolve) => server.once('tlsClientError', (error) => resolve(errnoCode(error) ?? error.message)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return { endpoint: `https://127.0.0.1:${port}`, port, requests, handshakeError };
}

/** OpenSSL 3 offers TLS 1.1 only at security level 0. */
const TLS_1_1_ONLY: https.ServerOptions = { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' };
/** RSA key exchange: no forward secrecy. */
const RSA_KEY_EXCHANGE_ONLY: https.ServerOptions = { maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256' };

interface MonitorRun {
  status: number | null;
  json: Record<string, unknown>;
}

/** `panorama-usb monitor --json` against an endpoint; the test CA trusted unless told otherwise. */
async function monitor(endpoint: string, options: { trustTestCa?: boolean } = {}): Promise<MonitorRun> {
  const run = await runBinAsync(['monitor', '--device-id', DEVICE_ID, '--endpoint', endpoint, '--json'], { env: { NODE_EXTRA_CA_CERTS: options.trustTestCa === false ? undefined : certs().caFile } });
  return { status: run.status, json: parseSingleJson(run.stdout) };
}

function errorOf(run: MonitorRun): { code?: unknown; message?: unknown; nextStep?: unknown } {
  const error = run.json['error'];
  return typeof error === 'object' && error !== null ? error : {};
}

/** The error a client gets from one https request (or a TLS connection) to the server, as the SDK would see it. */
function requestError(port: number, agent: https.Agent): Promise<unknown> {
  return new Promise((resolve) => {
    const request = https.get({ host: '127.0.0.1', port, path: '/', agent }, (response) => {
      response.resume();
      resolve(null);
    });
    request.once('error', resolve);
  });
}

function connectionError(port: number): Promise<unknown> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: certs().ca, ...TLS_POLICY }, () => {
      socket.end();
      resolve(null);
    });
    socket.once('error', resolve);
  });
}

describe('TLS to Panorama: TLS 1.2 or later, forward-secret suites only', () => {
  it('an endpoint with nothing above TLS 1.1 is TLS_TOO_WEAK (exit 1), and no request reaches it', async () => {
    const server = await httpsServer(TLS_1_1_ONLY);
    const run = await monitor(server.endpoint);
    expect(run.status).toBe(1);
    expect(run.json).toMatchObject({ ok: false, error: { code: 'TLS_TOO_WEAK' } });
    expect(errorOf(run).message).toMatch(/^DescribeDevice: the endpoint offered no connection we accept, TLS 1\.2 or later with forward secrecy \(it has nothing from TLS 1\.2 up; OpenSSL: tlsv1 alert protocol version\)/);
    expect(errorOf(run).nextStep).toMatch(/proxy.*--endpoint/s);
    // The server's side of it: our hello offered nothing it has.
    expect(await server.handshakeError).toBe('ERR_SSL_UNSUPPORTED_PROTOCOL');
    expect(server.requests).toEqual([]);
  });

  it('an endpoint with only RSA key exchange (no forward secrecy) is TLS_TOO_WEAK (exit 1), and no request reaches it', async () => {
    const server = await httpsServer(RSA_KEY_EXCHANGE_ONLY);
    const run = await monitor(server.endpoint);
    expect(run.status).toBe(1);
    expect(run.json).toMatchObject({ ok: false, error: { code: 'TLS_TOO_WEAK' } });
    expect(errorOf(run).message).toMatch(/no cipher suite in common.*OpenSSL: sslv3 alert handshake failure/);
    expect(await server.handshakeError).toBe('ERR_SSL_NO_SHARED_CIPHER');
    expect(server.requests).toEqual([]);
  });

  it('the other forms Node reports the same handshakes in are TLS_TOO_WEAK too: a TLS socket (ERR_SSL_…), and an old server that answers with TLS 1.1', async () => {
    const old = await httpsServer(TLS_1_1_ONLY);
    const rsa = await httpsServer(RSA_KEY_EXCHANGE_ONLY);
    const [oldError, rsaError] = await Promise.all([connectionError(old.port), connectionError(rsa.port)]);
    expect(errnoCode(oldError)).toBe('ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION');
    expect(errnoCode(rsaError)).toBe('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE');
    expect(toRegistrationError(oldError, 'DescribeDevice')).toMatchObject({ code: 'TLS_TOO_WEAK', outcome: 'failed' });
    expect(toRegistrationError(rsaError, 'DescribeDevice')).toMatchObject({ code: 'TLS_TOO_WEAK', outcome: 'failed' });
    // A client that offers at most TLS 1.2 sends no TLS 1.3 version list: the server answers with
    // its TLS 1.1, as servers that predate TLS 1.3 do whatever the list, and OpenSSL refuses it.
    const agent = new https.Agent({ minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ca: certs().ca });
    try {
      const answered = await requestError(old.port, agent);
      expect(answered instanceof Error ? answered.message : answered).toMatch(/unsupported protocol/);
      expect(toRegistrationError(answered, 'DescribeDevice')).toMatchObject({ code: 'TLS_TOO_WEAK', message: expect.stringContaining('it answered with a TLS older than 1.2') as unknown });
    } finally {
      agent.destroy();
    }
  });

  it('connects with TLS 1.2 ECDHE, even to a server that would rather use RSA key exchange', async () => {
    const server = await httpsServer({ maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256', honorCipherOrder: true });
    // The control: offered it (Node's default list), this server picks RSA key exchange.
    const defaults = new https.Agent({ ca: certs().ca });
    try {
      expect(await requestError(server.port, defaults)).toBeNull();
    } finally {
      defaults.destroy();
    }
    expect(server.requests.splice(0)).toEqual([expect.objectContaining({ protocol: 'TLSv1.2', cipher: 'AES128-GCM-SHA256' })]);

    const run = await monitor(server.endpoint);
    expect(run.status).toBe(0);
    expect(run.json).toMatchObject({ ok: true, device: { deviceId: DEVICE_ID } });
    expect(server.requests.length).toBeGreaterThan(0);
    for (const seen of server.requests) expect(seen).toEqual({ method: 'GET', url: `/devices/${DEVICE_ID}`, protocol: 'TLSv1.2', cipher: 'ECDHE-RSA-AES128-GCM-SHA256' });
  });

  it('connects with TLS 1.3', async () => {
    const server = await httpsServer({ minVersion: 'TLSv1.3' });
    const run = await monitor(server.endpoint);
    expect(run.status).toBe(0);
    expect(run.json).toMatchObject({ ok: true, device: { deviceId: DEVICE_ID } });
    expect(server.requests.length).toBeGreaterThan(0);
    for (const seen of server.requests) expect(seen).toMatchObject({ url: `/devices/${DEVICE_ID}`, protocol: 'TLSv1.3', cipher: expect.stringMatching(/^TLS_/) as unknown });
  });

  it('other handshake failures are not called weak TLS: an untrusted certificate, plain http behind an https URL', async () => {
    const server = await httpsServer({ minVersion: 'TLSv1.2' });
    const untrusted = await monitor(server.endpoint, { trustTestCa: false });
    expect(untrusted.status).toBe(1);
    expect(untrusted.json).toMatchObject({ ok: false });
    expect(errorOf(untrusted).code).not.toBe('TLS_TOO_WEAK');
    expect(server.requests).toEqual([]);

    const simulator = await testSimulator();
    const plain = await monitor(simulator.endpoint.replace(/^http:/, 'https:'));
    expect(plain.status).toBe(1);
    expect(plain.json).toMatchObject({ ok: false });
    expect(errorOf(plain).code).not.toBe('TLS_TOO_WEAK');
  });

  it('the loopback simulator over plain http is unaffected', async () => {
    const simulator = await testSimulator();
    expect(simulator.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = createPanoramaClient({ endpoint: simulator.endpoint, maxAttempts: 1 });
    try {
      const created = await client.send(new ProvisionDeviceCommand({ Name: 'tls-policy-plain-http' }));
      const described = await client.send(new DescribeDeviceCommand({ DeviceId: created.DeviceId ?? '' }));
      expect(described).toMatchObject({ DeviceId: created.DeviceId, Name: 'tls-policy-plain-http' });
    } finally {
      client.destroy();
    }
  });
});
