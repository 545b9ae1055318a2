/**
 * Drive access (issue 18): the unprivileged path — a user's process given the drive by UDisks2
 * after polkit agreed — against root's direct open, side by side on the same loop device, the
 * same code (dist/bench-access-probe.cjs) both times, the order alternating every round. Goals:
 * write and verify throughput through the UDisks2 descriptors ≥ 0.98 × root's, and the first
 * byte written ≤ 150 ms after asking for the drive, authorisation included (a rule that needs no
 * prompt, as a kiosk's would). Needs root and the desktop's daemons (started here as in the tests).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { desktopUnavailable, runAsTestUser, startDesktop } from '../test/support/desktop';
import { median, row } from './support';

const MiB = 1024 * 1024;
const BYTES = 256 * MiB;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 9);
const PROBE = path.resolve(__dirname, 'bench-access-probe.cjs');

interface ProbeTimes {
  firstByteMs: number;
  writeMs: number;
  verifyMs: number;
}

function parseProbe(who: string, output: { status: number | null; stdout: string; stderr: string }): ProbeTimes {
  const line = output.stdout.trim().split('\n').at(-1) ?? '';
  let answer: { ok?: boolean; message?: string } & Partial<ProbeTimes>;
  try {
    answer = JSON.parse(line) as typeof answer;
  } catch {
    throw new Error(`the ${who} probe said nothing usable (status ${String(output.status)}): ${output.stdout}${output.stderr}`);
  }
  if (answer.ok !== true || answer.firstByteMs === undefined || answer.writeMs === undefined || answer.verifyMs === undefined) throw new Error(`the ${who} probe failed: ${answer.message ?? line}`);
  return { firstByteMs: answer.firstByteMs, writeMs: answer.writeMs, verifyMs: answer.verifyMs };
}

/** Every run starts from the same state: nothing dirty left to write back, no cached pages of the drive. */
function quiesce(): void {
  spawnSync('sync');
  writeFileSync('/proc/sys/vm/drop_caches', '3');
}

function asRoot(device: string): ProbeTimes {
  quiesce();
  const run = spawnSync(process.execPath, [PROBE, device, String(BYTES)], { encoding: 'utf8', timeout: 300_000 });
  return parseProbe('root', run);
}

function asUser(device: string): ProbeTimes {
  quiesce();
  return parseProbe('user', runAsTestUser(process.execPath, [PROBE, device, String(BYTES)]));
}

/** Writing is timed from the first chunk written (the open is the first-byte figure's), so one chunk less. */
const mibPerSecond = (ms: number, bytes = BYTES): number => bytes / MiB / (ms / 1000);

export async function benchAccess(): Promise<void> {
  console.log(`\nDrive access: ${BYTES / MiB} MiB written, fsynced and read back (O_DIRECT) on one loop device, root's direct open against a user's UDisks2 descriptors (median of ${ROUNDS})`);
  const why = desktopUnavailable();
  if (why !== null) {
    console.log(`  skipped: ${why}`);
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-access-'));
  const desktop = await startDesktop();
  let device: string | null = null;
  try {
    const image = path.join(dir, 'drive.img');
    writeFileSync(image, '');
    truncateSync(image, 1024 * MiB);
    const attached = spawnSync('losetup', ['--find', '--show', '--direct-io=on', image], { encoding: 'utf8' });
    if (attached.status !== 0) throw new Error(`losetup failed: ${attached.stderr}`);
    device = attached.stdout.trim();
    desktop.settle();
    const root: ProbeTimes[] = [];
    const user: ProbeTimes[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternating who goes first: neither always meets a warm (or a busy) cache.
      if (round % 2 === 0) {
        root.push(asRoot(device));
        user.push(asUser(device));
      } else {
        user.push(asUser(device));
        root.push(asRoot(device));
      }
    }
    const summary = (times: ProbeTimes[]): { first: number; write: number; verify: number } => ({
      first: median(times.map((time) => time.firstByteMs)),
      write: mibPerSecond(median(times.map((time) => time.writeMs)), BYTES - 4 * MiB),
      verify: mibPerSecond(median(times.map((time) => time.verifyMs))),
    });
    if (process.env['BENCH_VERBOSE'] === '1') console.log(JSON.stringify({ root, user }));
    const ours = summary(user);
    const theirs = summary(root);
    const widths = [22, 18, 16, 16];
    console.log(row(['', 'first byte (ms)', 'write MiB/s', 'verify MiB/s'], widths));
    console.log(row(['root, direct open', theirs.first.toFixed(1), theirs.write.toFixed(0), theirs.verify.toFixed(0)], widths));
    console.log(row(['user, through UDisks2', ours.first.toFixed(1), ours.write.toFixed(0), ours.verify.toFixed(0)], widths));
    const writeRatio = ours.write / theirs.write;
    const verifyRatio = ours.verify / theirs.verify;
    console.log(`  write ratio ${writeRatio.toFixed(3)}, verify ratio ${verifyRatio.toFixed(3)} (goal ≥ 0.98): ${writeRatio >= 0.98 && verifyRatio >= 0.98 ? 'met' : 'NOT met'}`);
    console.log(`  first byte through UDisks2, authorisation included: ${ours.first.toFixed(1)} ms (goal ≤ 150 ms): ${ours.first <= 150 ? 'met' : 'NOT met'}`);
  } finally {
    if (device !== null) spawnSync('losetup', ['-d', device]);
    await desktop.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
