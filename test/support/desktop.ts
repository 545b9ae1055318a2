/**
 * What a Linux desktop gives a normal user, started by hand for tests (this machine has no
 * systemd as PID 1): the system bus, udev (UDisks2 sees no block devices without it), polkit and
 * UDisks2 — each only if it is not running already, each started as our own child and stopped by
 * its pid — plus an unprivileged user and a polkit rule that lets that user use loop devices
 * through UDisks2 and nothing else. Needs root; anything missing is a reason to skip, said once.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const BINARIES = {
  dbus: '/usr/bin/dbus-daemon',
  udevd: '/lib/systemd/systemd-udevd',
  polkitd: '/usr/lib/polkit-1/polkitd',
  udisksd: '/usr/libexec/udisks2/udisksd',
} as const;

export const TEST_USER = 'panorama-usb-test';
const RULES_FILE = '/etc/polkit-1/rules.d/10-panorama-usb-test.rules';
const SYSTEM_BUS_SOCKET = '/run/dbus/system_bus_socket';

/** Why the desktop cannot be started here, or null when it can. */
export function desktopUnavailable(): string | null {
  if (process.platform !== 'linux') return 'UDisks2 tests run on Linux only';
  if (process.getuid?.() !== 0) return 'starting the system bus, udev, polkit and UDisks2 needs root';
  const missing = Object.values(BINARIES).filter((binary) => !existsSync(binary));
  if (missing.length > 0) return `not installed: ${missing.join(', ')} (Debian packages dbus, udev, polkitd, udisks2)`;
  for (const tool of ['dbus-send', 'udevadm', 'useradd', 'runuser']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed`;
  }
  return null;
}

function nameHasOwner(name: string): boolean {
  const run = spawnSync('dbus-send', ['--system', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.NameHasOwner', `string:${name}`], { encoding: 'utf8', timeout: 5000 });
  return run.status === 0 && /boolean true/.test(run.stdout);
}

function busRunning(): boolean {
  return existsSync(SYSTEM_BUS_SOCKET) && nameHasOwner('org.freedesktop.DBus');
}

function udevRunning(): boolean {
  return spawnSync('udevadm', ['control', '--ping', '--timeout=2']).status === 0;
}

/** Waits for a condition (never for a fixed time), up to a deadline generous for a busy machine. */
async function until(what: string, check: () => boolean, child: ChildProcess | null, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (child !== null && child.exitCode !== null) throw new Error(`${what}: it exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function startChild(binary: string, args: readonly string[]): ChildProcess {
  return spawn(binary, args, { stdio: 'ignore' });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}

/** The rule: the test user may use UDisks2 on loop devices (and their partitions), except those named. */
/** YES: allowed outright (a kiosk's rule); AUTH_SELF_KEEP: once the user typed their own password (kept a few minutes for that process). */
type RuleAnswer = 'YES' | 'AUTH_SELF_KEEP';

function rulesText(excluded: readonly string[], answer: RuleAnswer = 'YES'): string {
  return `// Written by panorama-usb's tests; removed when they end.
polkit.addRule(function (action, subject) {
  if (subject.user !== "${TEST_USER}" || action.id.indexOf("org.freedesktop.udisks2.") !== 0) return polkit.Result.NOT_HANDLED;
  var device = action.lookup("device") || "";
  var excluded = ${JSON.stringify(excluded)};
  if (/^\\/dev\\/loop[0-9]+(p[0-9]+)?$/.test(device) && excluded.indexOf(device) < 0) return polkit.Result.${answer};
  return polkit.Result.NO;
});
`;
}

export interface Desktop {
  uid: number;
  gid: number;
  /** Writes the rule (excluding these devices) and restarts polkit so it holds from now on. */
  allowLoopDevices(excluded?: readonly string[]): Promise<void>;
  /** Sets the user's password and a rule that asks for it (AUTH_SELF_KEEP) before using a loop device. */
  requirePassword(password: string): Promise<void>;
  /** Removes the rule: polkit's defaults (an administrator's password, with no agent to ask) apply. */
  removeRule(): Promise<void>;
  /** Stops the system bus we started (to see UDisks2 unavailable); restarting is startDesktop's job. */
  stopBus(): Promise<void>;
  /** Makes udev see devices attached since (loop devices, partitions added by partx). */
  settle(): void;
  stop(): Promise<void>;
}

/** Starts what is missing; `stop()` stops only what it started and removes the user and the rule. */
export async function startDesktop(): Promise<Desktop> {
  const started: ChildProcess[] = [];
  let bus: ChildProcess | null = null;
  if (!busRunning()) {
    mkdirSync(path.dirname(SYSTEM_BUS_SOCKET), { recursive: true });
    bus = startChild(BINARIES.dbus, ['--system', '--nofork', '--nopidfile']);
    started.push(bus);
    await until('the system bus', busRunning, bus);
  }
  if (!udevRunning()) {
    const udevd = startChild(BINARIES.udevd, []);
    started.push(udevd);
    await until('udev', udevRunning, udevd);
  }
  const settle = (): void => {
    spawnSync('udevadm', ['trigger', '--action=add', '--subsystem-match=block']);
    spawnSync('udevadm', ['settle', '--timeout=30']);
  };
  settle();

  if (spawnSync('id', ['-u', TEST_USER]).status !== 0) {
    const made = spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', TEST_USER], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`useradd failed: ${made.stderr}`);
  }
  const uid = Number(spawnSync('id', ['-u', TEST_USER], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', TEST_USER], { encoding: 'utf8' }).stdout.trim());

  let polkitd: ChildProcess | null = null;
  const polkitWasRunning = nameHasOwner('org.freedesktop.PolicyKit1');
  /** polkit reads its rules when it starts: ours is restarted after every change, so a change holds at once. */
  const restartPolkit = async (): Promise<void> => {
    if (polkitWasRunning) throw new Error('polkit was already running: its rules cannot be reloaded by this fixture');
    if (polkitd !== null) await stopChild(polkitd);
    polkitd = startChild(BINARIES.polkitd, ['--no-debug']);
    await until('polkit', () => nameHasOwner('org.freedesktop.PolicyKit1'), polkitd);
  };
  mkdirSync(path.dirname(RULES_FILE), { recursive: true });
  writeFileSync(RULES_FILE, rulesText([]));
  if (!polkitWasRunning) await restartPolkit();

  if (!nameHasOwner('org.freedesktop.UDisks2')) {
    const udisksd = startChild(BINARIES.udisksd, []);
    started.push(udisksd);
    await until('UDisks2', () => nameHasOwner('org.freedesktop.UDisks2'), udisksd);
  }

  return {
    uid,
    gid,
    settle,
    allowLoopDevices: async (excluded = []) => {
      writeFileSync(RULES_FILE, rulesText(excluded));
      await restartPolkit();
    },
    requirePassword: async (password) => {
      const set = spawnSync('chpasswd', [], { input: `${TEST_USER}:${password}\n`, encoding: 'utf8' });
      if (set.status !== 0) throw new Error(`chpasswd failed: ${set.stderr}`);
      writeFileSync(RULES_FILE, rulesText([], 'AUTH_SELF_KEEP'));
      await restartPolkit();
    },
    removeRule: async () => {
      rmSync(RULES_FILE, { force: true });
      await restartPolkit();
    },
    stopBus: async () => {
      if (bus === null) throw new Error('the system bus was already running: this fixture did not start it');
      await stopChild(bus);
    },
    stop: async () => {
      rmSync(RULES_FILE, { force: true });
      // Last started, first stopped: UDisks2 before udev before the bus.
      for (const child of [...started].reverse()) await stopChild(child);
      if (polkitd !== null) await stopChild(polkitd);
      spawnSync('userdel', [TEST_USER]);
    },
  };
}

/** runuser's arguments: the command as the test user, with a clean environment (PATH and `env` only). */
function asTestUser(command: string, args: readonly string[], env: Record<string, string>): string[] {
  return ['-u', TEST_USER, '--', 'env', '-i', `PATH=${process.env['PATH'] ?? '/usr/bin:/bin'}`, ...Object.entries(env).map(([key, value]) => `${key}=${value}`), command, ...args];
}

/** Runs a command as the test user, with a clean environment (no root's HOME or data folder). */
export function runAsTestUser(command: string, args: readonly string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync('runuser', asTestUser(command, args, env), { encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** The same, left running (a server): in its own process group, so it is stopped with everything it started. */
export function spawnAsTestUser(command: string, args: readonly string[], env: Record<string, string> = {}): ChildProcess {
  return spawn('runuser', asTestUser(command, args, env), { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
}
