/**
 * Nothing lost under load: six drives sanitized at once by one `sanitize` on this 2-core
 * machine — two loop devices and two image files, healthy, and two fault-injecting drives
 * (test/support/faulty-drive) with bad sectors. Every healthy drive ends Clear and reformatted
 * (mtools reads its volume), every faulty one failed with its exact ranges, the audit log's chain
 * holds, and nothing is left on `pending`. The CLI's peak RSS (VmHWM, read from /proc while it
 * runs) is reported in test/artifacts/soak-sanitize.json and held under a generous ceiling.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { WipeResult } from '../../main/core/sanitize/wipe';
import { parseSingleJson, runBinAsync } from '../support/cli';
import { faultyDriveUnavailable, startFaultyDrive, type FaultyDrive } from '../support/faulty-drive';
import { imageDir, MiB, sparseImage } from '../support/images';
import { attachLoop, canUseLoopDevices, detachLoop, mtools, mtoolsImage } from '../support/tools';

const unavailable = faultyDriveUnavailable() ?? (canUseLoopDevices() ? null : 'loop devices are not available');
if (unavailable !== null) console.warn(`Soak test skipped: ${unavailable}.`);

const { dir, cleanup } = imageDir('soak-sanitize');
afterAll(cleanup);

/** Each drive: a random pass and its verification, ~2 × 6 × SIZE of I/O in all. */
const SIZE = 128 * MiB;
/** Far above what the CLI needs (the disk worker's buffers are per drive, a few MiB each): a leak would cross it. */
const RSS_CEILING_MIB = 400;
const BIN = path.resolve('bin/panorama-usb.cjs');

/** Runs the CLI, reading its high-water RSS from /proc as it goes (the last reading before it exits is the peak). */
function runMeasured(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string; peakRssKiB: number }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let peak = 0;
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const poll = setInterval(() => {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${String(child.pid)}/status`, 'utf8'));
      if (hwm?.[1] !== undefined) peak = Math.max(peak, Number(hwm[1]));
    } catch {
      // Gone between two readings: the last one stands.
    }
  }, 50);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => {
      clearInterval(poll);
      resolve({ status, stdout, stderr, peakRssKiB: peak });
    });
  });
}

describe.skipIf(unavailable !== null)('soak: six drives at once, two of them failing', () => {
  const faulty: FaultyDrive[] = [];
  const loops: string[] = [];
  afterEach(async () => {
    for (const drive of faulty.splice(0)) await drive.stop();
    for (const device of loops.splice(0)) detachLoop(device);
  });

  it('every healthy drive Clear, every faulty one failed with its ranges, the audit chain intact, nothing pending; peak RSS reported', { timeout: 300_000 }, async () => {
    const badWrite = { start: 50 * MiB, end: 50 * MiB + 64 * 1024 };
    const badRead = { start: 90 * MiB, end: 90 * MiB + 4096 };
    faulty.push(await startFaultyDrive(SIZE, { writeErrors: [[badWrite.start, badWrite.end]], readErrors: [[badWrite.start, badWrite.end]] }));
    faulty.push(await startFaultyDrive(SIZE, { readErrors: [[badRead.start, badRead.end]] }));
    const images = [sparseImage(dir, 'a.img', SIZE), sparseImage(dir, 'b.img', SIZE)];
    const loopImages = [sparseImage(dir, 'loop-a.img', SIZE), sparseImage(dir, 'loop-b.img', SIZE)];
    for (const image of loopImages) loops.push(attachLoop(image));
    const dataDir = mkdtempSync(path.join(tmpdir(), 'soak-'));
    const certificates = path.join(dataDir, 'certificates');
    mkdirSync(certificates);
    const targets = [...loops, ...images, ...faulty.map((drive) => drive.device)];

    const run = await runMeasured(['sanitize', ...targets, '--method', 'random', '--verify', 'last', '--certificate', certificates, '--yes', '--json'], { PANORAMA_USB_DATA_DIR: dataDir });
    expect(run.status, run.stdout + run.stderr).toBe(1);
    const doc = parseSingleJson(run.stdout) as { error: { code: string }; results: WipeResult[]; certificates: { target: string }[] };
    expect(doc.error.code).toBe('SANITIZE_INCOMPLETE');
    const byTarget = new Map(doc.results.map((result) => [result.target, result]));
    for (const target of [...loops, ...images]) {
      expect(byTarget.get(target), target).toMatchObject({ outcome: 'sanitized', nistLevel: 'Clear', verification: 'passed', formatted: true, unwrittenRanges: [], unverifiedRanges: [] });
    }
    for (const image of [...images, ...loopImages]) expect(mtools('mlabel', ['-s', '-i', mtoolsImage(image, MiB), '::']).trim()).toBe('Volume label is PANORAMA');
    expect(byTarget.get(faulty[0]?.device ?? '')).toMatchObject({ outcome: 'failed', nistLevel: 'none', unwrittenRanges: [badWrite], unverifiedRanges: [], error: { code: 'WIPE_INCOMPLETE' } });
    expect(byTarget.get(faulty[1]?.device ?? '')).toMatchObject({ outcome: 'failed', nistLevel: 'none', unwrittenRanges: [], unverifiedRanges: [badRead], error: { code: 'WIPE_INCOMPLETE' } });
    expect(doc.certificates.map((certificate) => certificate.target).sort()).toEqual([...targets].sort());

    const audit = await runBinAsync(['audit', '--verify', '--json'], { env: { PANORAMA_USB_DATA_DIR: dataDir } });
    expect(audit.status, audit.stdout + audit.stderr).toBe(0);
    expect(parseSingleJson(audit.stdout)).toMatchObject({ verification: { ok: true } });
    const pending = await runBinAsync(['pending', '--json'], { env: { PANORAMA_USB_DATA_DIR: dataDir } });
    expect(parseSingleJson(pending.stdout)).toMatchObject({ pending: [] });

    const peakRssMiB = Math.round(run.peakRssKiB / 1024);
    mkdirSync('test/artifacts', { recursive: true });
    writeFileSync('test/artifacts/soak-sanitize.json', `${JSON.stringify({ drives: targets.length, sizeBytes: SIZE, peakRssMiB }, null, 2)}\n`);
    console.info(`soak: ${targets.length} drives of ${SIZE / MiB} MiB, CLI peak RSS ${peakRssMiB} MiB`);
    expect(run.peakRssKiB).toBeGreaterThan(0);
    expect(peakRssMiB).toBeLessThan(RSS_CEILING_MIB);
  });
});
