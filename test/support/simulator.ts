/**
 * Helpers for tests that run against the Panorama simulator: a simulator per test (closed
 * after it), the real SDK client pointed at it, signed raw requests for what the SDK cannot
 * send (unknown fields, broken JSON), and the appliance side of registration — reading the
 * archive with our own strict zip reader and signing the simulator's nonce with its key.
 */
import { PanoramaClient } from '@aws-sdk/client-panorama';
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { afterEach, vi } from 'vitest';
import { readZip } from '../../main/core/archive';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../main/core/simulator';

const running = new Set<Simulator>();

/** Closes every simulator a test started, even when it failed half-way. */
export function closeSimulatorsAfterEachTest(): void {
  afterEach(async () => {
    const simulators = [...running];
    running.clear();
    await Promise.all(simulators.map((simulator) => simulator.close()));
  });
}

/** Fast by default: delays × 0.01 and no rate limit (tests that need one ask for it). */
export async function testSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const simulator = await startSimulator({ timeScale: 0.01, rateLimitPerSecond: 0, ...options });
  running.add(simulator);
  return simulator;
}

export function sdkClient(simulator: Simulator, region = 'us-east-1'): PanoramaClient {
  return new PanoramaClient({ region, endpoint: simulator.endpoint, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' }, maxAttempts: 1 });
}

/** A well-formed SigV4 Authorization header (the simulator checks the form, not the signature). */
export function fakeSignatureHeaders(region = 'us-east-1'): Record<string, string> {
  return {
    Authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/${region}/panorama/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
    'X-Amz-Date': '20260101T000000Z',
  };
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function rawRequest(simulator: Simulator, method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  const response = await fetch(`${simulator.endpoint}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...options.headers },
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

export function signedRequest(simulator: Simulator, method: string, path: string, body?: unknown): Promise<RawResponse> {
  return rawRequest(simulator, method, path, { headers: fakeSignatureHeaders(), ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
}

export interface ArchiveParts {
  certificatePem: string;
  privateKeyPem: string;
  rootCaPem: string;
  network: unknown;
  sha256: string;
}

/** What the appliance reads from the archive, parsed by our own strict reader. */
export async function archiveParts(archive: Uint8Array): Promise<ArchiveParts> {
  const bytes = Buffer.from(archive);
  const { entries } = await readZip(bytes);
  const text = (name: string): string => entries.find((entry) => entry.name === name)?.data.toString('utf8') ?? '';
  const parts = {
    certificatePem: text('certificate.pem'),
    privateKeyPem: text('private_key.pem'),
    rootCaPem: text('root_ca.pem'),
    network: JSON.parse(text('network.json')) as unknown,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
  for (const entry of entries) entry.data.fill(0);
  return parts;
}

export interface Registration {
  status: number;
  body: Record<string, unknown>;
}

/** The appliance's registration: get a nonce, sign it with the archive's key, present the certificate. */
export async function registerWith(simulator: Simulator, parts: Pick<ArchiveParts, 'certificatePem' | 'privateKeyPem' | 'sha256'>, options: { nonce?: string } = {}): Promise<Registration> {
  const nonce = options.nonce ?? ((await (await fetch(`${simulator.endpoint}/_appliance/challenge`)).json()) as { nonce: string }).nonce;
  const signature = sign('sha256', Buffer.from(nonce, 'utf8'), createPrivateKey(parts.privateKeyPem)).toString('base64');
  const response = await rawRequest(simulator, 'POST', '/_appliance/register', {
    body: JSON.stringify({ nonce, certificatePem: parts.certificatePem, signature, archiveSha256: parts.sha256 }),
  });
  return { status: response.status, body: response.body };
}

export interface ApplianceStatus {
  provisioningStatus: string;
  connectionStatus: string;
  lights: string;
  logLines: string[];
  failure: { code: string; message: string } | null;
}

export async function applianceStatus(simulator: Simulator, deviceId: string): Promise<ApplianceStatus> {
  const response = await rawRequest(simulator, 'GET', `/_appliance/status?deviceId=${encodeURIComponent(deviceId)}`);
  if (response.status !== 200) throw new Error(`status ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body as unknown as ApplianceStatus;
}

/** The simulator's clock while it is stopped (see withStoppedClock). */
export interface StoppedClock {
  /** Moves the stopped clock on by `ms`, where it stays. */
  advance: (ms: number) => void;
}

/**
 * Runs `work` with the clock the simulator reads (Date) stopped: what it plans — a registration
 * that ends, a deletion, tokens that flow back, a job's next phase — waits until the test moves
 * the clock on, whatever the machine's speed. Only Date is mocked (vi.setSystemTime without fake
 * timers): timers and I/O run, so the SDK and the simulator's server work as usual. The real
 * clock comes back after `work`, even when it failed; if the test moved the stopped clock further
 * than real time went meanwhile, time then goes back: check what depends on it inside `work`.
 */
export async function withStoppedClock<T>(work: (clock: StoppedClock) => Promise<T>): Promise<T> {
  let now = Date.now();
  vi.setSystemTime(now);
  try {
    return await work({
      advance: (ms) => {
        now += ms;
        vi.setSystemTime(now);
      },
    });
  } finally {
    vi.useRealTimers();
  }
}

/**
 * waitFor on a stopped clock: reads, then moves the clock on by `stepMs`, until `accept` holds.
 * Every state that lasts at least `stepMs` of the clock is read at least once, however slowly the
 * reads go (polling a running clock can step over a short state on a busy machine).
 */
export async function stepUntil<T>(clock: StoppedClock, read: () => Promise<T>, accept: (value: T) => boolean, stepMs: number, maxSteps = 1000): Promise<T> {
  let last = await read();
  for (let step = 0; !accept(last); step += 1) {
    if (step >= maxSteps) throw new Error(`not reached in ${maxSteps} steps of ${stepMs} ms; last value: ${JSON.stringify(last)}`);
    clock.advance(stepMs);
    last = await read();
  }
  return last;
}

/** Polls until `accept` holds (or fails the test with the last value seen). */
export async function waitFor<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!accept(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting; last value: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    last = await read();
  }
  return last;
}
