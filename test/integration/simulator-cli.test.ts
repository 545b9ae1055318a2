/**
 * `panorama-usb simulate` as the CLI runs it: it prints the endpoint and example commands,
 * serves until the runtime's signal aborts (Ctrl+C), then closes and reports; it refuses
 * non-loopback hosts, unknown scenarios and bad ports before listening.
 */
import { describe, expect, it } from 'vitest';
import { simulateCommand } from '../../main/cli/commands/simulate';
import { CliRuntime, type CliIo } from '../../main/cli/runtime';
import { PanoramaUsbError } from '../../main/core/errors';
import { waitFor } from '../support/simulator';

function runtime(): { runtime: CliRuntime; notes: string[] } {
  const notes: string[] = [];
  const io: CliIo = { stdout: () => undefined, stderr: (text) => notes.push(text), isInteractive: false, ask: () => Promise.resolve('') };
  return { runtime: new CliRuntime({ json: false, yes: false, verbose: false }, io), notes };
}

async function refusal(options: Record<string, unknown>): Promise<PanoramaUsbError> {
  const { runtime: cli } = runtime();
  cli.controller.abort();
  try {
    await simulateCommand(cli, [], options);
  } catch (error) {
    if (error instanceof PanoramaUsbError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('panorama-usb simulate', () => {
  it('prints the endpoint and examples, serves until Ctrl+C, then stops and reports', async () => {
    const { runtime: cli, notes } = runtime();
    const outcome = simulateCommand(cli, [], { host: 'localhost', scenario: 'update-available' });
    const text = await waitFor(
      () => Promise.resolve(notes.join('')),
      (value) => value.includes('Press Ctrl+C'),
    );
    const endpoint = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1] ?? '';
    expect(endpoint).not.toBe('');
    expect(text).toContain(`aws panorama list-devices --region us-east-1 --endpoint-url ${endpoint}`);
    expect(text).toContain(`panorama-usb provision --name lobby-cam-01 --target drive.img --endpoint ${endpoint}`);
    expect(text).toContain('Scenario: update-available');
    const scenario = (await (await fetch(`${endpoint}/_appliance/scenario`)).json()) as unknown;
    expect(scenario).toEqual({ name: 'update-available', drivePreparation: 'none' });

    cli.controller.abort();
    expect(await outcome).toEqual({ data: { endpoint, requests: 1 }, text: 'Simulator stopped.' });
    await expect(fetch(`${endpoint}/_appliance/scenario`)).rejects.toThrow();
  });

  it.each([
    [{ host: '0.0.0.0' }, 'NOT_LOOPBACK', /127\.0\.0\.1, localhost or ::1/],
    [{ host: '192.168.1.10' }, 'NOT_LOOPBACK', /192\.168\.1\.10/],
    [{ scenario: 'meteor-strike' }, 'UNKNOWN_SCENARIO', /Valid scenarios: success, slow-registration, expired-certificate, .*update-available/],
    [{ port: 'http' }, 'INVALID_PORT', /0 to 65535/],
    [{ port: '70000' }, 'INVALID_PORT', /0 to 65535/],
  ])('refuses %j with %s before listening (exit 2)', async (options, code, message) => {
    const error = await refusal(options);
    expect(error).toMatchObject({ code, outcome: 'refused' });
    expect(error.message).toMatch(message);
  });

  it('fails with PORT_IN_USE when the port is taken', async () => {
    const { runtime: first, notes } = runtime();
    const running = simulateCommand(first, [], {});
    const text = await waitFor(
      () => Promise.resolve(notes.join('')),
      (value) => value.includes('listening on'),
    );
    const port = /127\.0\.0\.1:(\d+)/.exec(text)?.[1] ?? '';
    const { runtime: second } = runtime();
    await expect(simulateCommand(second, [], { port })).rejects.toMatchObject({ code: 'PORT_IN_USE', outcome: 'failed' });
    first.controller.abort();
    await running;
  });
});
