/**
 * `simulate`: runs the Panorama simulator in the foreground until Ctrl+C, for training and for
 * pointing the AWS CLI or `panorama-usb --endpoint` at it. Loopback only: the simulator accepts
 * any well-formed signature, so it must never be reachable from the network.
 */
import { refused } from '../../core/errors';
import { SCENARIOS, isScenarioName, scenarioInfo, startSimulator, type LoopbackHost, type ScenarioName } from '../../core/simulator';
import type { CliRuntime, CommandOutcome } from '../runtime';

const LOOPBACK: Readonly<Record<string, LoopbackHost>> = { '127.0.0.1': '127.0.0.1', localhost: '127.0.0.1', '::1': '::1', '[::1]': '::1' };

function hostOption(value: unknown): LoopbackHost {
  const host = typeof value === 'string' ? value : '127.0.0.1';
  const loopback = LOOPBACK[host];
  if (loopback === undefined) {
    throw refused('NOT_LOOPBACK', `The simulator only listens on this computer (127.0.0.1, localhost or ::1), not on ${JSON.stringify(host)}.`, 'It accepts any credentials, so it must not be reachable from the network. Run it with --host 127.0.0.1.');
  }
  return loopback;
}

function portOption(value: unknown): number {
  if (value === undefined) return 0;
  const text = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(port) || port > 65535) throw refused('INVALID_PORT', `--port must be a number from 0 to 65535, not ${JSON.stringify(text)}.`, 'Leave --port out to use any free port.');
  return port;
}

function scenarioOption(value: unknown): ScenarioName {
  if (value === undefined) return 'success';
  const name = typeof value === 'string' ? value : '';
  if (!isScenarioName(name)) {
    throw refused('UNKNOWN_SCENARIO', `There is no scenario called ${JSON.stringify(name)}. Valid scenarios: ${SCENARIOS.map((scenario) => scenario.name).join(', ')}.`, 'Pick one of the listed scenarios.');
  }
  return name;
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

export async function simulateCommand(runtime: CliRuntime, _args: string[], options: Record<string, unknown>): Promise<CommandOutcome> {
  const host = hostOption(options['host']);
  const port = portOption(options['port']);
  const scenario = scenarioOption(options['scenario']);
  const statePath = typeof options['state'] === 'string' && options['state'] !== '' ? options['state'] : undefined;
  const region = 'us-east-1';

  const simulator = await startSimulator({ host, port, scenario, region, ...(statePath === undefined ? {} : { statePath }) });
  try {
    const endpoint = simulator.endpoint;
    runtime.note(
      [
        `Panorama simulator listening on ${endpoint} (region ${region}, account 123456789012).`,
        `Scenario: ${scenario} — ${scenarioInfo(scenario).summary}`,
        `State: ${statePath === undefined ? 'in memory (forgotten when the simulator stops)' : statePath}`,
        'It accepts any credentials; it never talks to AWS. Try:',
        `  AWS_ACCESS_KEY_ID=simulator AWS_SECRET_ACCESS_KEY=simulator aws panorama list-devices --region ${region} --endpoint-url ${endpoint}`,
        `  panorama-usb provision --name lobby-cam-01 --target drive.img --endpoint ${endpoint}`,
        `  panorama-usb appliance --drive drive.img --endpoint ${endpoint}`,
        `  panorama-usb monitor --device-id DEVICE_ID --endpoint ${endpoint}`,
        'Press Ctrl+C to stop.',
      ].join('\n'),
    );
    await untilAborted(runtime.signal);
    return { data: { endpoint, requests: simulator.stats().requests }, text: 'Simulator stopped.' };
  } finally {
    await simulator.close();
  }
}
