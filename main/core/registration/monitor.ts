/**
 * Watches a device register. DescribeDevice is polled adaptively — about once a second at first,
 * easing to every few seconds, with jitter, never more than once a second — and backs off on
 * 5xx, honouring Retry-After. Every status change is put on a timeline with its time. It ends
 * on SUCCEEDED + ONLINE, on FAILED / ERROR, on timeout or on cancel, each with advice.
 */
import { DescribeDeviceCommand, type PanoramaClient } from '@aws-sdk/client-panorama';
import { cancelled, failed } from '../errors';
import { isTransient, retryAfterSeconds, toRegistrationError } from './errors';
import { describeRegistrationState, REGISTRATION_ADVICE } from './states';

export interface TimelineEntry {
  at: string;
  provisioningStatus: string;
  connectionStatus: string;
}

export interface RegisteredDevice {
  deviceId: string;
  name: string | null;
  currentSoftware: string | null;
  latestSoftware: string | null;
}

export interface MonitorResult {
  device: RegisteredDevice;
  timeline: TimelineEntry[];
  requests: number;
  transientErrors: number;
  advice: string;
}

export interface MonitorOptions {
  timeoutSeconds?: number;
  signal?: AbortSignal;
  onChange?: (entry: TimelineEntry) => void;
  /** For tests: a deterministic jitter source in [0, 1). */
  random?: () => number;
}

export const MIN_POLL_MS = 1000;
const MAX_POLL_MS = 3000;
const MAX_BACKOFF_MS = 30_000;

export const ADVICE = {
  registered: 'Registered and online: the appliance light is solid green. Remove the USB drive, then clean up: collect its logs, shred local copies of the archive and sanitize the drive.',
  failed: REGISTRATION_ADVICE.failed,
  timeout:
    'No final status yet. While the light blinks blue slowly the appliance is still copying its configuration and registering: give it more time. If nothing happens, check the drive is in the USB 3.0 port next to HDMI and the provisioning certificate (valid about 5 minutes) had not expired.',
};

/** The delay before poll number `index` (0-based): 1 s at first, easing to 3 s, plus up to 25% jitter. */
export function pollDelayMs(index: number, random: () => number = Math.random): number {
  const base = Math.min(MIN_POLL_MS * 1.15 ** index, MAX_POLL_MS);
  return Math.max(MIN_POLL_MS, Math.round(base * (1 + 0.25 * random())));
}

/** A function, not an inline check: the signal changes while we await, which flow analysis cannot see. */
const aborted = (signal: AbortSignal | undefined): boolean => signal?.aborted === true;

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export async function monitorRegistration(client: PanoramaClient, deviceId: string, options: MonitorOptions = {}): Promise<MonitorResult> {
  const random = options.random ?? Math.random;
  const deadline = Date.now() + (options.timeoutSeconds ?? 15 * 60) * 1000;
  const timeline: TimelineEntry[] = [];
  let requests = 0;
  let transientErrors = 0;
  let consecutiveErrors = 0;
  let poll = 0;
  let lastRequestAt = 0;

  for (;;) {
    if (aborted(options.signal)) throw cancelled('CANCELLED', `Stopped watching ${deviceId}.`, 'Run `panorama-usb monitor` again to keep watching; the appliance carries on regardless.');
    if (Date.now() >= deadline) {
      const last = timeline.at(-1);
      const lastState = last === undefined ? null : describeRegistrationState(last.provisioningStatus, last.connectionStatus);
      throw cancelled('MONITOR_TIMEOUT', `${deviceId} did not finish registering in time (last status: ${lastState === null ? 'none reported' : lastState.words.toLowerCase()}).`, ADVICE.timeout);
    }
    // Never more than one request a second, whatever the schedule says.
    const wait = Math.max(0, lastRequestAt + MIN_POLL_MS - Date.now());
    if (wait > 0) await sleep(wait, options.signal);
    lastRequestAt = Date.now();
    requests += 1;
    let delay: number;
    try {
      const device = await client.send(new DescribeDeviceCommand({ DeviceId: deviceId }), options.signal === undefined ? {} : { abortSignal: options.signal });
      consecutiveErrors = 0;
      const entry = { at: new Date().toISOString(), provisioningStatus: device.ProvisioningStatus ?? 'UNKNOWN', connectionStatus: device.DeviceConnectionStatus ?? 'UNKNOWN' };
      const last = timeline.at(-1);
      if (last === undefined || last.provisioningStatus !== entry.provisioningStatus || last.connectionStatus !== entry.connectionStatus) {
        timeline.push(entry);
        options.onChange?.(entry);
      }
      if (entry.provisioningStatus === 'SUCCEEDED' && entry.connectionStatus === 'ONLINE') {
        return {
          device: { deviceId, name: device.Name ?? null, currentSoftware: device.CurrentSoftware ?? null, latestSoftware: device.LatestSoftware ?? null },
          timeline,
          requests,
          transientErrors,
          advice: ADVICE.registered,
        };
      }
      // FAILED, ERROR (either value) or DELETING: it will not register by itself, whatever the wait.
      // In words: the API's values are on the timeline (the CLI's lines, the wizard's support details).
      const state = describeRegistrationState(entry.provisioningStatus, entry.connectionStatus);
      if (state.tone === 'failed') {
        throw failed('REGISTRATION_FAILED', `${deviceId} did not register: ${state.words.toLowerCase()}.`, state.advice ?? ADVICE.failed);
      }
      delay = pollDelayMs(poll, random);
      poll += 1;
    } catch (error) {
      if (aborted(options.signal)) continue;
      if (!isTransient(error)) throw toRegistrationError(error, 'DescribeDevice');
      transientErrors += 1;
      consecutiveErrors += 1;
      // Exponential back-off from 2 s, or what the service asked for, whichever is longer.
      const asked = (retryAfterSeconds(error) ?? 0) * 1000;
      delay = Math.min(Math.max(asked, 2000 * 2 ** (consecutiveErrors - 1)), MAX_BACKOFF_MS);
    }
    await sleep(Math.min(delay, Math.max(0, deadline - Date.now())), options.signal);
  }
}
