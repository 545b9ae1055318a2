import { spawnSync } from 'node:child_process';
import path from 'node:path';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

const BIN = path.resolve('bin/panorama-usb.cjs');

/** Runs the built command line exactly as a user's `npx panorama-usb …` would. */
export function runBin(args: readonly string[], options: { input?: string } = {}): CliRun {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input: options.input ?? '', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** With --json, stdout must hold exactly one JSON document. */
export function parseSingleJson(stdout: string): Record<string, unknown> {
  const trimmed = stdout.trim();
  const value: unknown = JSON.parse(trimmed);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`not a JSON object: ${trimmed}`);
  return value as Record<string, unknown>;
}
