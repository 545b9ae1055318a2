/**
 * Sanitize benchmarks (issue: drive wipe passes + verify), measured side by side in one run on
 * the same targets — one 1 GiB image file and, as root, one 1 GiB loop device:
 *
 *   our zero pass        vs dd if=/dev/zero … conv=fsync        goal ≥ 0.95 of dd's speed
 *   our random pass      vs our zero pass                       goal ≥ 0.90
 *   a fixed random buffer written the same way, vs our zero pass and vs our random pass
 *                        (for reference: what the device gives data that is not zeros, and
 *                        what is left for the keystream to cost)
 *                        vs shred -n1, dd if=/dev/urandom       (for reference)
 *   our verification     vs dd of=/dev/null                     goal ≥ 0.95
 *   nwipe --method=zero  on the loop device                     (for reference)
 *   peak RSS while these benchmarks run                         goal < 200 MiB
 *
 * Fairness: every contender ends with an fsync (dd conv=fsync, shred's own, our pass's flush);
 * the target's page cache is dropped before every timed run (see dropCache) and, on a VM that
 * hands freed memory back to its host at once, that handing back is delayed while we run (see
 * page-reporting.ts); within a round the contenders run in a palindrome (A B C C B A) so load
 * that drifts hits them alike; a round's ratio compares each contender's median run in it, and
 * the median of the rounds is reported.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { BlockTarget } from '../main/core/disk';
import { offThreadPassEngine } from '../main/core/offthread';
import { CHUNK_BYTES, FLUSH_EVERY_BYTES, WRITE_DEPTH, type PassSession, type Span } from '../main/core/sanitize/wipe';
import { attachLoop, canUseLoopDevices, detachLoop } from '../test/support/tools';
import { holdBackFreePageReporting } from './page-reporting';
import { median, row, run, timeMs } from './support';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const SIZE = GiB;
/**
 * This machine's storage answers from the VM host's cache with a spread of 2× between runs of
 * the same command; five rounds (and four read palindromes per round, reads being short) keep
 * one unlucky run from deciding a verdict.
 */
const ROUNDS = 5;
const READ_PALINDROMES = 4;
/** dd must be told where to stop: on an image file, dd from /dev/zero would grow it until the disk is full. */
const DD_BLOCKS = ['bs=4M', `count=${SIZE / (4 * MiB)}`];

interface Bench {
  name: string;
  path: string;
  /** For a loop device: the image behind it. */
  backing: string | null;
}

/** Per contender: every timed run, in ms. */
type Timings = Map<string, number[]>;
/** Per comparison: one ratio per round, taken from runs next to each other. */
type Ratios = Map<string, number[]>;

function push(map: Map<string, number[]>, name: string, value: number): void {
  const list = map.get(name) ?? [];
  list.push(value);
  map.set(name, list);
}

function mbps(ms: number): string {
  return `${(SIZE / MiB / (ms / 1000)).toFixed(0)} MiB/s`;
}

/**
 * Forgets what the kernel caches for the target, so the next timed run starts from the same
 * place: dd iflag=nocache count=0 drops an image file's pages, BLKFLSBUF a device's. The file
 * behind a loop device stays cached: its cold reads came from the VM host's own cache and varied
 * 3× from run to run, which drowned the comparison; every byte still goes through the loop driver.
 */
function dropCache(bench: Bench): void {
  if (bench.path.startsWith('/dev/')) run('blockdev', ['--flushbufs', bench.path]);
  else run('dd', [`if=${bench.path}`, 'iflag=nocache', 'count=0', 'status=none']);
}

async function withTarget<T>(bench: Bench, work: (target: BlockTarget) => Promise<T>): Promise<T> {
  const target = await BlockTarget.open(bench.path, { access: 'write', exclusive: true });
  try {
    return await work(target);
  } finally {
    target.close();
  }
}

/**
 * Our passes run as the app, the preview and the CLI run them: in a session of the disk worker
 * (built next to this bench in dist/). A pass is timed from the moment its session is ready; the
 * worker's start and stop (tens of ms, nothing beside a real drive's minutes per pass, but a
 * tenth of a 1 GiB pass in RAM) are timed apart and printed as their own line.
 */
const passEngine = offThreadPassEngine(path.join(__dirname, 'main', 'disk-worker.cjs'));
const WORKER_OVERHEAD = 'disk worker start + stop';

async function inSession(bench: Bench, timings: Timings, kind: 'zero' | 'random', work: (session: PassSession) => Promise<void>): Promise<number> {
  return withTarget(bench, async (target) => {
    const started = performance.now();
    const session = passEngine(target, kind);
    const workMs = await (async () => {
      try {
        await session.ready();
        return await timeMs(() => work(session));
      } finally {
        await session.close();
      }
    })();
    push(timings, WORKER_OVERHEAD, performance.now() - started - workMs);
    return workMs;
  });
}

function ourPass(bench: Bench, timings: Timings, kind: 'zero' | 'random'): Promise<number> {
  return inSession(bench, timings, kind, async (session) => {
    await session.write();
  });
}

/**
 * The control for "random vs zero": the same kind of writes (1 MiB, four in flight, a flush
 * every 64 MiB, one at the end) of one fixed buffer of random bytes, so no keystream is made.
 * Its speed against our zero pass is what this device gives data that is not zeros; the
 * random pass does the same writes plus the keystream, so its distance from it is what the
 * keystream costs (beyond noise).
 */
async function fixedDataPass(bench: Bench): Promise<void> {
  const data = randomBytes(CHUNK_BYTES);
  await withTarget(bench, async (target) => {
    const inflight: Promise<void>[] = [];
    let flushing: Promise<void> = Promise.resolve();
    for (let position = 0; position < target.size; position += CHUNK_BYTES) {
      if (inflight.length >= WRITE_DEPTH) await inflight.shift();
      inflight.push(target.write(data.subarray(0, Math.min(CHUNK_BYTES, target.size - position)), position));
      if ((position + CHUNK_BYTES) % FLUSH_EVERY_BYTES === 0) {
        await flushing;
        flushing = target.flush();
      }
    }
    await Promise.all(inflight);
    await flushing;
    await target.flush();
  });
}

function mustMatch(bench: Bench, mismatchAt: number | null): void {
  if (mismatchAt !== null) throw new Error(`verification failed at byte ${mismatchAt} of ${bench.path}`);
}

/**
 * A verification as a wipe runs it: in the session that wrote the pass, right after the write
 * (which, on a device, ends by emptying its cache: see emptyCacheAfterWrite in pass.ts); then
 * the cache is dropped as before every timed run, and the verification alone is timed.
 */
async function ourVerifyMs(bench: Bench, kind: 'zero' | 'random', written: readonly Span[] | undefined): Promise<number> {
  return withTarget(bench, async (target) => {
    const session = passEngine(target, kind);
    try {
      await session.write({ verifyFollows: true, ...(written === undefined ? {} : { spans: written }) });
      dropCache(bench);
      let mismatchAt: number | null = null;
      const ms = await timeMs(async () => {
        ({ mismatchAt } = await session.verify());
      });
      mustMatch(bench, mismatchAt);
      return ms;
    } finally {
      await session.close();
    }
  });
}

/**
 * Reads the target back as zeros (our zero pass wrote them). The write before it rewrites only
 * the first MiB with zeros: a device's cache ends it emptied as after a whole pass, in seconds
 * less per run; the target holds zeros throughout.
 */
function ourVerifyZeros(bench: Bench): Promise<number> {
  return ourVerifyMs(bench, 'zero', [{ start: 0, length: CHUNK_BYTES }]);
}

/** A random pass's keystream only exists in the session that wrote it: the whole pass is written first. */
function ourRandomVerifyMs(bench: Bench): Promise<number> {
  return ourVerifyMs(bench, 'random', undefined);
}

/** nwipe only wipes the devices named on its command line; a path that is not a loop device is never passed to it. */
function nwipe(device: string): void {
  if (!/^\/dev\/loop\d+$/.test(device)) throw new Error(`refusing to run nwipe on ${device}`);
  const result = spawnSync('nwipe', ['--autonuke', '--nogui', '--method=zero', '--verify=off', '--noblank', device], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 300_000 });
  if (result.error !== undefined) throw new Error(`nwipe could not run: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`nwipe exited ${result.status}: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' / ')}`);
}

function hasCommand(command: string): boolean {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).error === undefined;
}

const ddZero = (bench: Bench): void => run('dd', ['if=/dev/zero', `of=${bench.path}`, ...DD_BLOCKS, 'conv=fsync,notrunc', 'status=none']);
const ddRead = (bench: Bench): void => run('dd', [`if=${bench.path}`, 'of=/dev/null', 'bs=4M', 'status=none']);

/**
 * One round. The machine may be busy with other work whose load drifts over seconds, so the
 * contenders of each comparison run next to each other in a palindrome (A B C C B A): drift
 * hits both sides alike, and each round gives one ratio.
 */
async function measureRound(bench: Bench, timings: Timings, ratios: Ratios): Promise<void> {
  /** `work` may time itself (ours do: from their session's start); else its whole run is timed. */
  const timed = async (name: string, work: () => unknown): Promise<number> => {
    dropCache(bench);
    let own: unknown;
    const whole = await timeMs(async () => {
      own = await work();
    });
    const ms = typeof own === 'number' ? own : whole;
    // BENCH_TRACE=1 prints every run: the stalls the medians leave out are seen there.
    if (process.env.BENCH_TRACE === '1') console.log(`    [${bench.name}] ${name} ${mbps(ms)}`);
    push(timings, name, ms);
    return ms;
  };
  const runs = new Map<string, number[]>();
  const writers: [string, () => unknown][] = [
    ['ours zero', () => ourPass(bench, timings, 'zero')],
    ['dd zero', () => ddZero(bench)],
    ['ours random', () => ourPass(bench, timings, 'random')],
    ['fixed data', () => fixedDataPass(bench)],
  ];
  // Ends with our zero pass: the reads below need zeros on the target.
  for (const [name, work] of [...writers, ...[...writers].reverse()]) push(runs, name, await timed(name, work));
  const readers: [string, () => unknown][] = [
    ['ours verify zero', () => ourVerifyZeros(bench)],
    ['dd read', () => ddRead(bench)],
  ];
  // Reads are short and cold reads vary most (the host's own cache): the palindrome several times.
  const readOrder = [...readers, ...[...readers].reverse()];
  for (const [name, work] of Array.from({ length: READ_PALINDROMES }, () => readOrder).flat()) push(runs, name, await timed(name, work));
  /**
   * Each side's median run, not the sum of its runs: runs on this VM still stall now and then
   * (with free page reporting held back, far fewer: see page-reporting.ts; without it, dd's reads
   * of the loop device through the cache stalled at 0.7–1.0 GB/s against 3.5–5 in most rounds),
   * and a sum hands the comparison to whichever side drew fewer stalls. With two runs a side
   * (the writes) the median is their mean: the sum's ratio.
   */
  const ratio = (ours: string, theirs: string): number => median(runs.get(theirs) ?? []) / median(runs.get(ours) ?? [1]);
  push(ratios, 'zero-dd', ratio('ours zero', 'dd zero'));
  push(ratios, 'random-zero', ratio('ours random', 'ours zero'));
  push(ratios, 'fixed-zero', ratio('fixed data', 'ours zero'));
  push(ratios, 'random-fixed', ratio('ours random', 'fixed data'));
  push(ratios, 'verify-read', ratio('ours verify zero', 'dd read'));
}

/**
 * Tools we only compare with, once each (they are slow: dd from /dev/urandom runs at ~120 MiB/s).
 * One that is missing or cannot run unattended is skipped with the reason, not fatal.
 */
async function measureReferences(bench: Bench, timings: Timings, skipped: Map<string, string>): Promise<void> {
  const timed = async (name: string, work: () => unknown): Promise<void> => {
    dropCache(bench);
    try {
      push(timings, name, await timeMs(work));
    } catch (error) {
      skipped.set(name, error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error));
    }
  };
  await timed('shred -n1', () => run('shred', ['-n1', bench.path]));
  await timed('dd urandom', () => run('dd', ['if=/dev/urandom', `of=${bench.path}`, ...DD_BLOCKS, 'iflag=fullblock', 'conv=fsync,notrunc', 'status=none']));
  try {
    push(timings, 'ours verify random', await ourRandomVerifyMs(bench));
  } catch (error) {
    skipped.set('ours verify random', error instanceof Error ? error.message : String(error));
  }
  await timed('dd read', () => ddRead(bench));
  if (bench.backing === null) return;
  if (hasCommand('nwipe')) await timed('nwipe zero', () => nwipe(bench.path));
  else skipped.set('nwipe zero', 'nwipe is not installed');
}

const WIDTHS = [12, 34, 30, 30, 24];

function comparisonRow(bench: Bench, timings: Timings, skipped: ReadonlyMap<string, string>, label: string, ours: string, theirs: string, roundRatios: readonly number[] | null, goal: number | null): string {
  const ourMs = median(timings.get(ours) ?? []);
  const theirMs = median(timings.get(theirs) ?? []);
  if (ourMs === 0 || theirMs === 0) {
    const reason = skipped.get(theirs) ?? skipped.get(ours) ?? 'not measured';
    return row([bench.name, label, `skipped: ${reason}`], [WIDTHS[0] ?? 12, WIDTHS[1] ?? 34, 90]);
  }
  // Speed ratio, above 1 when ours is faster: the median of the per-round ratios when there are rounds.
  const ratio = roundRatios === null ? theirMs / ourMs : median(roundRatios);
  const verdict = goal === null ? '(reference)' : `${ratio >= goal ? 'PASS' : 'MISS'} (goal ≥ ${goal.toFixed(2)})`;
  return row([bench.name, label, `${ours} ${mbps(ourMs)}`, `${theirs} ${mbps(theirMs)}`, `${ratio.toFixed(2)} ${verdict}`], WIDTHS);
}

/**
 * The process's maxRSS also remembers earlier benchmarks (the archive bench holds 256 MiB of
 * zeros): RSS is sampled while ours run, and maxRSS reported beside it.
 */
function sampleRss(): { stop: () => number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

export async function benchSanitize(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-sanitize-'));
  const startRss = process.memoryUsage().rss;
  const rss = sampleRss();
  const reporting = holdBackFreePageReporting();
  const benches: Bench[] = [];
  const attached: string[] = [];
  try {
    const image = path.join(dir, 'image.img');
    writeFileSync(image, '');
    truncateSync(image, SIZE);
    // Allocate every block first, so no contender pays for filling a sparse file.
    run('dd', ['if=/dev/zero', `of=${image}`, ...DD_BLOCKS, 'conv=fsync,notrunc', 'status=none']);
    benches.push({ name: 'image file', path: image, backing: null });
    let loopNote = '';
    if (canUseLoopDevices()) {
      const backing = path.join(dir, 'loop.img');
      writeFileSync(backing, '');
      truncateSync(backing, SIZE);
      run('dd', ['if=/dev/zero', `of=${backing}`, ...DD_BLOCKS, 'conv=fsync,notrunc', 'status=none']);
      const device = attachLoop(backing);
      attached.push(device);
      benches.push({ name: 'loop device', path: device, backing });
    } else {
      loopNote = ' (loop device skipped: needs root and losetup)';
    }

    console.log(`\nSanitize passes on a 1 GiB image file and a 1 GiB loop device${loopNote}`);
    console.log(`  ${ROUNDS} rounds, contenders side by side (A B C C B A), caches dropped before every run; ratio = speed ours / theirs, median of the rounds`);
    // Other work on the machine moves these numbers more than anything here: say how busy it was.
    const loadBefore = loadavg()[0] ?? 0;
    const measured = benches.map((bench) => ({ bench, timings: new Map() as Timings, ratios: new Map() as Ratios, skipped: new Map<string, string>() }));
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const { bench, timings, ratios } of measured) await measureRound(bench, timings, ratios);
    }
    for (const { bench, timings, skipped } of measured) await measureReferences(bench, timings, skipped);
    console.log(row(['target', 'measure', 'ours (median)', 'theirs (median)', 'ratio'], WIDTHS));
    for (const { bench, timings, ratios, skipped } of measured) {
      const line = (label: string, ours: string, theirs: string, rounds: string | null, goal: number | null): void => {
        console.log(comparisonRow(bench, timings, skipped, label, ours, theirs, rounds === null ? null : (ratios.get(rounds) ?? []), goal));
      };
      line('zero pass vs dd /dev/zero', 'ours zero', 'dd zero', 'zero-dd', 0.95);
      line('random pass vs our zero pass', 'ours random', 'ours zero', 'random-zero', 0.9);
      line('fixed data (no keystream) vs zero', 'fixed data', 'ours zero', 'fixed-zero', null);
      line('random pass vs fixed data', 'ours random', 'fixed data', 'random-fixed', null);
      line('verify (zeros) vs dd read', 'ours verify zero', 'dd read', 'verify-read', 0.95);
      line('random pass vs shred -n1', 'ours random', 'shred -n1', null, null);
      line('random pass vs dd /dev/urandom', 'ours random', 'dd urandom', null, null);
      line('verify (random) vs dd read', 'ours verify random', 'dd read', null, null);
      if (bench.backing !== null) line('zero pass vs nwipe --method=zero', 'ours zero', 'nwipe zero', null, null);
    }
    // The verdicts are medians: show the spread they come from.
    for (const { bench, ratios } of measured) {
      const spread = [...ratios].map(([name, values]) => `${name} ${values.map((value) => value.toFixed(2)).join(' ')}`).join('; ');
      console.log(`  ${bench.name} per-round ratios: ${spread}`);
    }
    const overhead = measured.flatMap(({ timings }) => timings.get(WORKER_OVERHEAD) ?? []);
    if (overhead.length > 0) console.log(`  our pass times start once the pass's disk worker is ready; its start + stop took a median ${median(overhead).toFixed(0)} ms per pass (max ${Math.max(...overhead).toFixed(0)} ms), not included above.`);
    if (benches.some((bench) => bench.backing !== null) && hasCommand('nwipe')) {
      console.log('  nwipe\'s time includes its start-up and shut-down (it waits ~2 s for its threads before exiting).');
    }
    if (reporting.note !== null) console.log(`  ${reporting.note}`);
    console.log(`  load average (1 min) ${loadBefore.toFixed(2)} before, ${(loadavg()[0] ?? 0).toFixed(2)} after, on ${availableParallelism()} CPUs`);
    const peakMiB = rss.stop() / MiB;
    console.log(row(['', 'RSS when these benchmarks began', `${(startRss / MiB).toFixed(0)} MiB`, '(code, earlier benchmarks)', ''], [12, 34, 30, 30, 20]));
    const maxRssMiB = process.resourceUsage().maxRSS / 1024;
    console.log(row(['', 'peak RSS during these runs', `${peakMiB.toFixed(0)} MiB`, `process maxRSS ${maxRssMiB.toFixed(0)} MiB`, `${peakMiB < 200 ? 'PASS' : 'MISS'} (goal < 200 MiB)`], [12, 34, 30, 30, 20]));
  } finally {
    rss.stop();
    reporting.restore();
    for (const device of attached) detachLoop(device);
    rmSync(dir, { recursive: true, force: true });
  }
}
