/**
 * Command-line start-up (issue: the CLI takes ~1 s to say its version), measured side by side in
 * one run against `node -e 0` — a process that starts Node and does nothing:
 *   `--version`, `--help` and `info`, whole process                   goal ≤ 4× node -e 0
 *   every command: when its own code begins (its modules loaded, before its first I/O), from the
 *   CLI's PANORAMA_USB_TRACE_STARTUP line, and the whole run to its first refusal   (reported)
 * Rounds alternate the contenders so a busy moment of the machine falls on all of them alike.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { median, row } from './support';

const ROUNDS = 15;
const GOAL = 4;
const BIN = path.resolve('bin/panorama-usb.cjs');

interface Contender {
  label: string;
  args: readonly string[];
}

interface Timed {
  wallMs: number;
  /** From the CLI's trace: ms from the process's start to the command's own code; null when it printed none. */
  commandMs: number | null;
}

function timeProcess(args: readonly string[], env: NodeJS.ProcessEnv): Timed {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', input: '', env, timeout: 60_000 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.error !== undefined) throw new Error(`${args.join(' ')} did not run: ${result.error.message}`);
  const traced = /^startup \S+ ([\d.]+) ms$/m.exec(result.stderr);
  return { wallMs, commandMs: traced?.[1] === undefined ? null : Number(traced[1]) };
}

/** Each command with arguments that reach its first I/O and stop there (a path that does not exist, a refused endpoint). */
function commandRuns(dir: string): Contender[] {
  const missing = path.join(dir, 'missing');
  const endpoint = ['--endpoint', 'ftp://127.0.0.1:1'];
  return [
    { label: 'info', args: ['info'] },
    { label: 'drives', args: ['drives', '--json'] },
    { label: 'inspect', args: ['inspect', `${missing}.zip`] },
    { label: 'format', args: ['format', missing, '--yes'] },
    { label: 'files', args: ['files', missing] },
    { label: 'write', args: ['write', path.join(dir, 'certificates-omni_x.zip'), missing, '--yes'] },
    { label: 'provision', args: ['provision', '--name', 'bench', '--target', missing, ...endpoint] },
    { label: 'monitor', args: ['monitor', '--device-id', 'device-bench', ...endpoint] },
    { label: 'update', args: ['update', '--device-id', 'device-bench', ...endpoint] },
    { label: 'decommission', args: ['decommission', '--device-id', 'device-bench', ...endpoint] },
    { label: 'collect-logs', args: ['collect-logs', missing, '--out', path.join(dir, 'bundle.zip')] },
    { label: 'sanitize', args: ['sanitize', missing, '--method', 'quick', '--yes'] },
    { label: 'shred', args: ['shred', missing, '--yes'] },
    { label: 'scan-leftovers', args: ['scan-leftovers', missing] },
    { label: 'audit', args: ['audit', '--data-dir', missing] },
    { label: 'pending', args: ['pending'] },
    { label: 'simulate', args: ['simulate', '--host', '0.0.0.0'] },
    { label: 'appliance', args: ['appliance', '--drive', missing, ...endpoint] },
  ];
}

export function benchCli(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-cli-'));
  // Its own data folder: `pending` and `audit` read nothing of the user's, and no command writes there.
  const env = { ...process.env, PANORAMA_USB_DATA_DIR: path.join(dir, 'data'), PANORAMA_USB_TRACE_STARTUP: '1' };
  try {
    const whole: Contender[] = [
      { label: 'node -e 0', args: ['-e', '0'] },
      { label: 'panorama-usb --version', args: [BIN, '--version'] },
      { label: 'panorama-usb --help', args: [BIN, '--help'] },
      { label: 'panorama-usb info', args: [BIN, 'info'] },
    ];
    const commands = commandRuns(dir);
    const wall = new Map<string, number[]>();
    const own = new Map<string, number[]>();
    const note = (map: Map<string, number[]>, key: string, value: number): void => {
      map.set(key, [...(map.get(key) ?? []), value]);
    };
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const contender of whole) note(wall, contender.label, timeProcess(contender.args, env).wallMs);
      for (const command of commands) {
        const timed = timeProcess([BIN, ...command.args], env);
        note(wall, `cmd ${command.label}`, timed.wallMs);
        if (timed.commandMs !== null) note(own, command.label, timed.commandMs);
      }
    }
    const base = median(wall.get('node -e 0') ?? []);
    console.log(`\nCLI start-up: whole process against node -e 0 (median of ${ROUNDS}, ms)`);
    const widths = [26, 10, 8, 22];
    console.log(row(['', 'ms', 'ratio', 'goal'], widths));
    for (const contender of whole) {
      const ms = median(wall.get(contender.label) ?? []);
      const ratio = ms / base;
      const verdict = contender.label === 'node -e 0' ? '(reference)' : `${ratio <= GOAL ? 'PASS' : 'MISS'} (goal ≤ ${GOAL.toFixed(2)})`;
      console.log(row([contender.label, ms.toFixed(1), ratio.toFixed(2), verdict], widths));
    }

    console.log(`\nEach command: its own code begins (modules loaded, before its first I/O), and the whole run to its first refusal or answer (median of ${ROUNDS}, ms; ratio to node -e 0)`);
    const commandWidths = [16, 14, 8, 12, 8];
    console.log(row(['command', 'code begins', 'ratio', 'whole run', 'ratio'], commandWidths));
    for (const command of commands) {
      const begins = own.get(command.label);
      const beginsMs = begins === undefined || begins.length === 0 ? null : median(begins);
      const runMs = median(wall.get(`cmd ${command.label}`) ?? []);
      console.log(row([command.label, beginsMs === null ? 'no trace' : beginsMs.toFixed(1), beginsMs === null ? '' : (beginsMs / base).toFixed(2), runMs.toFixed(1), (runMs / base).toFixed(2)], commandWidths));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return Promise.resolve();
}
