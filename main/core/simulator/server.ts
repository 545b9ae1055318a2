/**
 * The simulator's HTTP server: Panorama's REST-JSON API (SigV4-checked, rate-limited, with the
 * scenario's faults) and the appliance endpoint, on loopback only. A request goes through:
 *
 *   Host/Origin check → appliance endpoint, or: signature → rate limit → route → scenario
 *   faults (access denied, 500 bursts) → JSON body → operation
 *
 * which is the order a client sees errors in from AWS: an unsigned request is refused before
 * anything else, a throttled one before its parameters are looked at.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { failed, PanoramaUsbError, refused } from '../errors';
import { accessDenied, ApiError, internalServerError, throttled, validationError } from './api-errors';
import { ApplianceError, applianceScenario, applianceStatus, NonceBook, register } from './appliance-endpoint';
import { readBody, sendJson } from './http';
import { deviceArn } from './ids';
import {
  createJobForDevices,
  deleteDevice,
  describeDevice,
  describeDeviceJob,
  listDevices,
  listDevicesJobs,
  provisionDevice,
  updateDeviceMetadata,
  type ApiContext,
  type Operation,
} from './operations';
import { TokenBucket } from './rate-limit';
import { isScenarioName, SCENARIOS, type ScenarioName } from './scenarios';
import { checkSignature } from './sigv4';
import { SimulatorStore } from './store';

export type LoopbackHost = '127.0.0.1' | '::1';

export interface SimulatorOptions {
  /** 0 or absent: any free port. */
  port?: number;
  scenario?: ScenarioName;
  /** A JSON file to load the state from and save it to on every change; absent: memory only. */
  statePath?: string;
  /** Default 'us-east-1'. Requests must be signed for this region. */
  region?: string;
  /** Default '123456789012'. */
  accountId?: string;
  /**
   * Multiplies every simulated delay (registration, jobs, deletion, and the 30 s between runs of
   * the service's monitoring job, which DescribeDevice's online status waits for); tests use
   * ~0.01. 0 makes every delay nothing: the monitoring job then sees every change at once. Default 1.
   */
  timeScale?: number;
  /** Panorama's quota; default 5, 0 turns throttling off. */
  rateLimitPerSecond?: number;
  /** Loopback address to listen on; default 127.0.0.1. */
  host?: LoopbackHost;
}

export interface SimulatorStats {
  requests: number;
  byOperation: Record<string, number>;
  byStatus: Record<string, number>;
}

export interface Simulator {
  /** http://127.0.0.1:PORT */
  readonly endpoint: string;
  readonly port: number;
  readonly scenario: ScenarioName;
  setScenario(name: ScenarioName): void;
  stats(): SimulatorStats;
  resetStats(): void;
  /** Forgets every device and job (the CA stays). */
  reset(): void;
  close(): Promise<void>;
}

interface Route {
  method: string;
  pattern: RegExp;
  /** The operation's name, which is also the IAM action (panorama:<operation>). */
  operation: string;
  handler: Operation;
  param?: 'DeviceId' | 'JobId';
}

const ROUTES: readonly Route[] = [
  { method: 'POST', pattern: /^\/devices$/, operation: 'ProvisionDevice', handler: provisionDevice },
  { method: 'GET', pattern: /^\/devices$/, operation: 'ListDevices', handler: listDevices },
  { method: 'GET', pattern: /^\/devices\/([^/]+)$/, operation: 'DescribeDevice', handler: describeDevice, param: 'DeviceId' },
  { method: 'PUT', pattern: /^\/devices\/([^/]+)$/, operation: 'UpdateDeviceMetadata', handler: updateDeviceMetadata, param: 'DeviceId' },
  { method: 'DELETE', pattern: /^\/devices\/([^/]+)$/, operation: 'DeleteDevice', handler: deleteDevice, param: 'DeviceId' },
  { method: 'POST', pattern: /^\/jobs$/, operation: 'CreateJobForDevices', handler: createJobForDevices },
  { method: 'GET', pattern: /^\/jobs$/, operation: 'ListDevicesJobs', handler: listDevicesJobs },
  { method: 'GET', pattern: /^\/jobs\/([^/]+)$/, operation: 'DescribeDeviceJob', handler: describeDeviceJob, param: 'JobId' },
];

/**
 * In 'server-errors', calls 2, 3 and 4 of every 10 fail: the first call (typically
 * ProvisionDevice) goes through, then a burst comes at once — even a short training session or a
 * fast test meets it — and lasts longer than a client's first two retries.
 */
const BURST_CYCLE = 10;
const BURST_FIRST = 1;
const BURST_LENGTH = 3;
const RETRY_AFTER_SECONDS = 1;
const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const TECHNICIAN_USER = 'panorama-technician';

function checkOptions(options: SimulatorOptions): Required<Omit<SimulatorOptions, 'statePath'>> & { statePath: string | undefined } {
  const port = options.port ?? 0;
  const timeScale = options.timeScale ?? 1;
  const rate = options.rateLimitPerSecond ?? 5;
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const scenario = options.scenario ?? 'success';
  const host = options.host ?? '127.0.0.1';
  const problems: string[] = [];
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`port must be 0 to 65535, got ${port}`);
  if (!Number.isFinite(timeScale) || timeScale < 0) problems.push(`timeScale must be 0 or more, got ${timeScale}`);
  if (!Number.isFinite(rate) || rate < 0) problems.push(`rateLimitPerSecond must be 0 or more, got ${rate}`);
  if (!REGION_PATTERN.test(region)) problems.push(`region must look like us-east-1, got ${JSON.stringify(region)}`);
  if (!/^\d{12}$/.test(accountId)) problems.push(`accountId must be 12 digits, got ${JSON.stringify(accountId)}`);
  if (!isScenarioName(scenario)) problems.push(`unknown scenario ${JSON.stringify(scenario)}`);
  // Typed, but callers from plain JavaScript (or a bridge) may pass anything.
  if (!['127.0.0.1', '::1'].includes(host)) problems.push(`the simulator listens on loopback only (127.0.0.1 or ::1), not ${JSON.stringify(host)}`);
  if (problems.length > 0) throw refused('SIMULATOR_OPTIONS_INVALID', `The simulator cannot start: ${problems.join('; ')}.`);
  return { port, timeScale, rateLimitPerSecond: rate, region, accountId, scenario, host, statePath: options.statePath };
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Only requests addressed to loopback, and never from a web page: a browser visiting a hostile
 * site could otherwise reach the simulator (DNS rebinding, cross-site POSTs). The SDK, the AWS
 * CLI and the simulated appliance send no Origin header.
 */
function checkCaller(request: IncomingMessage): string | null {
  const host = headerValue(request, 'host') ?? '';
  const hostname = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : (host.split(':')[0] ?? '');
  if (!LOOPBACK_HOSTNAMES.has(hostname)) return `This simulator only answers requests addressed to 127.0.0.1, localhost or [::1] (Host: ${host.slice(0, 80) || 'none'}).`;
  if (headerValue(request, 'origin') !== undefined) return 'This simulator does not answer requests from web pages (Origin header present).';
  return null;
}

function parseJsonBody(bytes: Buffer): unknown {
  if (bytes.length === 0) return undefined;
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw validationError('Could not parse the request body: it is not valid JSON.', 'CANNOT_PARSE');
  }
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const settings = checkOptions(options);
  const store = await SimulatorStore.open(settings.statePath);
  let scenario: ScenarioName = settings.scenario;
  let faultCounter = 0;
  let stats: SimulatorStats = { requests: 0, byOperation: {}, byStatus: {} };
  const bucket = new TokenBucket(settings.rateLimitPerSecond);
  const nonces = new NonceBook();
  const context: ApiContext = {
    store,
    region: settings.region,
    accountId: settings.accountId,
    clock: () => ({ now: Date.now(), timeScale: settings.timeScale }),
    scenario: () => scenario,
  };

  function count(operation: string, status: number): void {
    stats.requests += 1;
    stats.byOperation[operation] = (stats.byOperation[operation] ?? 0) + 1;
    stats.byStatus[String(status)] = (stats.byStatus[String(status)] ?? 0) + 1;
  }

  function scenarioFault(route: Route, pathParam: string | undefined): ApiError | null {
    if (scenario === 'access-denied') {
      const resource =
        route.param === 'DeviceId' && pathParam !== undefined
          ? deviceArn(settings.region, settings.accountId, pathParam)
          : `arn:aws:panorama:${settings.region}:${settings.accountId}:${route.param === 'JobId' ? 'job' : 'device'}/*`;
      return accessDenied(
        `User: arn:aws:iam::${settings.accountId}:user/${TECHNICIAN_USER} is not authorized to perform: panorama:${route.operation} on resource: ${resource} because no identity-based policy allows the panorama:${route.operation} action`,
      );
    }
    if (scenario === 'server-errors') {
      faultCounter += 1;
      const position = (faultCounter - 1) % BURST_CYCLE;
      if (position >= BURST_FIRST && position < BURST_FIRST + BURST_LENGTH) {
        return internalServerError('We encountered an internal error. Please try again.', RETRY_AFTER_SECONDS);
      }
    }
    return null;
  }

  async function handleApi(request: IncomingMessage, url: URL, body: { bytes: Buffer; tooLarge: boolean }): Promise<{ operation: string; status: number; payload: unknown; headers: Record<string, string> }> {
    let operation = 'Unknown';
    try {
      checkSignature(request.headers, url.searchParams, settings.region);
      if (!bucket.take()) throw throttled();
      const method = request.method ?? 'GET';
      const route = ROUTES.find((candidate) => candidate.method === method && candidate.pattern.test(url.pathname));
      if (route === undefined) throw validationError(`Unknown operation: ${method} ${url.pathname.slice(0, 200)}`, 'UNKNOWN_OPERATION');
      operation = route.operation;
      let pathParam: string | undefined;
      if (route.param !== undefined) {
        try {
          pathParam = decodeURIComponent(route.pattern.exec(url.pathname)?.[1] ?? '');
        } catch {
          throw validationError(`The ${route.param} in the path is not valid percent-encoding.`, 'CANNOT_PARSE');
        }
      }
      const fault = scenarioFault(route, pathParam);
      if (fault !== null) throw fault;
      if (body.tooLarge) throw validationError('The request body is too large.', 'CANNOT_PARSE');
      const payload = await route.handler(context, {
        params: route.param === undefined || pathParam === undefined ? {} : { [route.param]: pathParam },
        query: url.searchParams,
        body: method === 'POST' || method === 'PUT' ? parseJsonBody(body.bytes) : undefined,
      });
      return { operation, status: 200, payload, headers: {} };
    } catch (error) {
      const apiError =
        error instanceof ApiError
          ? error
          : // A typed failure (the state file could not be written) or a bug: the service's 500, never a stack trace.
            internalServerError(error instanceof PanoramaUsbError ? error.message : 'We encountered an internal error. Please try again.', RETRY_AFTER_SECONDS);
      return { operation, status: apiError.status, payload: apiError.body, headers: { 'x-amzn-ErrorType': apiError.type, ...apiError.headers } };
    }
  }

  function handleAppliance(request: IncomingMessage, url: URL, body: { bytes: Buffer; tooLarge: boolean }): { operation: string; status: number; payload: unknown } {
    const name = url.pathname.slice('/_appliance/'.length);
    const operation = `appliance:${name}`;
    try {
      const method = request.method ?? 'GET';
      if (method === 'GET' && name === 'scenario') return { operation, status: 200, payload: applianceScenario(context) };
      if (method === 'GET' && name === 'challenge') return { operation, status: 200, payload: nonces.issue() };
      if (method === 'GET' && name === 'status') return { operation, status: 200, payload: applianceStatus(context, url.searchParams) };
      if (method === 'POST' && name === 'register') {
        if (body.tooLarge) throw new ApplianceError(400, 'BAD_REQUEST', 'The registration request is too large.');
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.bytes.toString('utf8'));
        } catch {
          throw new ApplianceError(400, 'BAD_REQUEST', 'The registration request is not valid JSON.');
        }
        return { operation, status: 200, payload: register(context, nonces, parsed) };
      }
      throw new ApplianceError(404, 'NOT_FOUND', `No such appliance endpoint: ${method} ${url.pathname.slice(0, 200)}`);
    } catch (error) {
      if (error instanceof ApplianceError) return { operation, status: error.status, payload: { code: error.code, message: error.message } };
      const message = error instanceof PanoramaUsbError ? error.message : 'The simulator failed unexpectedly.';
      return { operation, status: 500, payload: { code: 'INTERNAL_ERROR', message } };
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(request);
    // Drop devices whose deletion finished, so the state file does not keep them forever.
    if (store.purge(Date.now())) store.save();
    const refusal = checkCaller(request);
    if (refusal !== null) {
      count('Refused', 403);
      sendJson(response, 403, { code: 'FORBIDDEN', message: refusal });
      return;
    }
    if (url.pathname.startsWith('/_appliance/')) {
      const result = handleAppliance(request, url, body);
      count(result.operation, result.status);
      sendJson(response, result.status, result.payload);
      return;
    }
    const result = await handleApi(request, url, body);
    count(result.operation, result.status);
    sendJson(response, result.status, result.payload, result.headers);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) sendJson(response, 500, { code: 'INTERNAL_ERROR', message: 'The simulator failed unexpectedly.' });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(
        error.code === 'EADDRINUSE'
          ? failed('PORT_IN_USE', `Port ${settings.port} on ${settings.host} is already in use.`, 'Choose another --port, or stop the program using it.', error)
          : failed('SIMULATOR_LISTEN_FAILED', `The simulator cannot listen on ${settings.host}:${settings.port} (${error.code ?? error.message}).`, undefined, error),
      );
    };
    server.once('error', onError);
    server.listen(settings.port, settings.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://${settings.host === '::1' ? '[::1]' : settings.host}:${port}`;
  let closing: Promise<void> | undefined;

  return {
    endpoint,
    port,
    get scenario() {
      return scenario;
    },
    setScenario(name: ScenarioName) {
      if (!isScenarioName(name)) throw refused('UNKNOWN_SCENARIO', `Unknown scenario "${String(name)}". Valid: ${SCENARIOS.map((item) => item.name).join(', ')}.`);
      scenario = name;
      faultCounter = 0;
    },
    stats() {
      return { requests: stats.requests, byOperation: { ...stats.byOperation }, byStatus: { ...stats.byStatus } };
    },
    resetStats() {
      stats = { requests: 0, byOperation: {}, byStatus: {} };
    },
    reset() {
      nonces.clear();
      faultCounter = 0;
      store.clear();
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections (the SDK keeps them) would hold close() open until they time out.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
