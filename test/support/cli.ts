import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { inject } from 'vitest';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

const BIN = path.resolve('bin/panorama-usb.cjs');

/**
 * The data folder (audit log, journal) every CLI run of the suite shares unless a test gives its
 * own: commands that change a drive or a file record what they did, and a test must never write
 * into the data folder of whoever runs the suite (made and removed by test/support/global-setup.ts).
 */
export function testDataDir(): string {
  return inject('cliDataDir');
}

/** Runs the built command line exactly as a user's `npx panorama-usb …` would. */
export function runBin(args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const env = { ...process.env, PANORAMA_USB_DATA_DIR: testDataDir(), ...options.env };
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input: options.input ?? '', timeout: 60_000, env });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export interface AsyncCliRun extends CliRun {
  /** The signal that ended it (SIGKILL when a test killed it), or null when it exited. */
  signal: NodeJS.Signals | null;
}

/**
 * The same, without blocking this process (a simulator in this process must keep answering):
 * `onStderr` sees everything the CLI has said on stderr so far, with the child to act on it
 * (e.g. kill it at a phase it announced).
 */
export function runBinAsync(args: readonly string[], options: { env?: NodeJS.ProcessEnv; onStderr?: (soFar: string, child: ChildProcess) => void } = {}): Promise<AsyncCliRun> {
  const env = { ...process.env, PANORAMA_USB_DATA_DIR: testDataDir(), ...options.env };
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
    options.onStderr?.(stderr, child);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

/** With --json, stdout must hold exactly one JSON document. */
export function parseSingleJson(stdout: string): Record<string, unknown> {
  const trimmed = stdout.trim();
  const value: unknown = JSON.parse(trimmed);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`not a JSON object: ${trimmed}`);
  return value as Record<string, unknown>;
}
