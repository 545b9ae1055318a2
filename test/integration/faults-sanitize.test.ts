/**
 * Sanitizing drives that fail like real ones (test/support/faulty-drive: a loop device over a FUSE
 * file whose reads and writes fail where the test says). The promise kept under every fault: no
 * drive with a byte that was not overwritten and read back is ever called Clear or sanitized —
 * its result and certificate list the exact ranges — and the other drives of a batch finish.
 * Checked with tools nobody here wrote: pdftotext on the certificates, mtools on the volumes,
 * and a scan of the faulty drive's own store for what was on it before.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BlockTarget } from '../../main/core/disk';
import { wipeTarget, type VerifyMode, type WipeMethod, type WipeResult } from '../../main/core/sanitize/wipe';
import type { PendingItem } from '../../main/core/journal';
import { realisticArchive } from '../support/archives';
import { parseSingleJson, runBinAsync } from '../support/cli';
import { faultyDriveUnavailable, startFaultyDrive, type FaultPlan, type FaultyDrive } from '../support/faulty-drive';
import { imageDir, MiB, sparseImage } from '../support/images';
import { markerOffsets } from '../support/markers';
import { mtools, mtoolsImage } from '../support/tools';

const unavailable = faultyDriveUnavailable();
if (unavailable !== null) console.warn(`Fault tests skipped: ${unavailable}.`);

const { dir, cleanup } = imageDir('faults-sanitize');
afterAll(cleanup);

/** Small drives: FUSE moves a few hundred MB/s here, and every test writes and reads each drive at least once. */
const SIZE = 96 * MiB;
const SECRET = 'SECRET-KEY-MATERIAL';

/** Puts the secret at each offset of the file (what the drive held before the wipe). */
function plantAt(file: string, offsets: readonly number[]): void {
  const handle = openSync(file, 'r+');
  try {
    for (const offset of offsets) writeSync(handle, Buffer.from(SECRET), 0, SECRET.length, offset);
  } finally {
    closeSync(handle);
  }
}

function pdfText(pdfPath: string): string {
  return execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' }).replace(/[ \t]+/g, ' ');
}

interface BatchDoc {
  ok: boolean;
  error?: { code: string; message: string };
  results: WipeResult[];
  certificates: { target: string; jsonPath: string; pdfPath: string; sha256: string }[];
}

describe.skipIf(unavailable !== null)('sanitizing drives with bad sectors', { timeout: 120_000 }, () => {
  const drives: FaultyDrive[] = [];
  afterEach(async () => {
    for (const drive of drives.splice(0)) await drive.stop();
  });
  const faulty = async (plan: FaultPlan, size = SIZE): Promise<FaultyDrive> => {
    const drive = await startFaultyDrive(size, plan);
    drives.push(drive);
    return drive;
  };

  it('a batch with a drive that cannot be written in one range: that drive failed with the exact range, its certificate says NOT sanitized and lists it; the healthy drive is Clear; --json carries both results', async () => {
    const bad = { start: 40 * MiB, end: 40 * MiB + 64 * 1024 };
    const drive = await faulty({ writeErrors: [[bad.start, bad.end]], readErrors: [[bad.start, bad.end]] });
    // What the drive held: one secret inside the bad range (it stays), the others outside (gone after).
    plantAt(drive.store, [0, 8 * MiB, bad.start + 4096, 70 * MiB]);
    const healthy = sparseImage(dir, 'healthy.img', SIZE);
    plantAt(healthy, [0, 50 * MiB]);
    const certificates = path.join(dir, 'certificates-write');
    mkdirSync(certificates);

    const run = await runBinAsync(['sanitize', drive.device, healthy, '--method', 'random', '--verify', 'last', '--certificate', certificates, '--yes', '--json']);
    expect(run.status, run.stdout + run.stderr).toBe(1);
    const doc = parseSingleJson(run.stdout) as unknown as BatchDoc;
    expect(doc.ok).toBe(false);
    expect(doc.error?.code).toBe('SANITIZE_INCOMPLETE');
    const [onFaulty, onHealthy] = doc.results;
    expect(onFaulty).toMatchObject({ target: drive.device, outcome: 'failed', nistLevel: 'none', verification: 'incomplete', formatted: false, unwrittenRanges: [bad], unverifiedRanges: [], error: { code: 'WIPE_INCOMPLETE' } });
    expect(onFaulty?.passes[0]?.bytes).toBe(SIZE);
    expect(onHealthy).toMatchObject({ target: healthy, outcome: 'sanitized', nistLevel: 'Clear', verification: 'passed', formatted: true, unwrittenRanges: [], unverifiedRanges: [] });
    expect(mtools('mlabel', ['-s', '-i', mtoolsImage(healthy, MiB), '::']).trim()).toBe('Volume label is PANORAMA');
    // Every byte outside the bad range was overwritten: only the secret inside it is left.
    expect(markerOffsets(drive.store, SECRET)).toEqual([bad.start + 4096]);
    expect(markerOffsets(healthy, SECRET)).toEqual([]);

    // Both certificates are in the failure document, each naming its drive.
    expect(doc.certificates.map((certificate) => certificate.target)).toEqual([drive.device, healthy]);
    const faultyCertificate = doc.certificates[0];
    if (faultyCertificate === undefined) throw new Error('no certificate for the faulty drive');
    const record = JSON.parse(readFileSync(faultyCertificate.jsonPath, 'utf8')) as { unwrittenRanges: unknown; sanitization: { level: string; statement: string } };
    expect(record.unwrittenRanges).toEqual([bad]);
    expect(record.sanitization).toMatchObject({ level: 'None', statement: 'This drive was NOT sanitized.' });
    const text = pdfText(faultyCertificate.pdfPath);
    expect(text).toContain('This drive was NOT sanitized.');
    expect(text).toContain('Bad sectors: ranges not sanitized');
    expect(text).toContain('not written 41,943,040 42,008,575 65.5 kB (65,536 bytes)');
    expect(text).not.toMatch(/\bclear\b/i);
    expect(pdfText(doc.certificates[1]?.pdfPath ?? '')).toContain('This drive was sanitized: NIST SP 800-88 Rev.2 Clear.');
  });

  it('a drive whose verification cannot read one range back: verification incomplete, the range listed, not Clear', async () => {
    const unreadable = { start: 70 * MiB, end: 70 * MiB + 4096 };
    const drive = await faulty({ readErrors: [[unreadable.start, unreadable.end]] });
    const certificates = path.join(dir, 'certificates-read');
    mkdirSync(certificates);
    const run = await runBinAsync(['sanitize', drive.device, '--method', 'zero', '--verify', 'last', '--certificate', certificates, '--yes', '--json']);
    expect(run.status, run.stdout + run.stderr).toBe(1);
    const doc = parseSingleJson(run.stdout) as unknown as BatchDoc;
    expect(doc.results[0]).toMatchObject({ outcome: 'failed', nistLevel: 'none', verification: 'incomplete', unwrittenRanges: [], unverifiedRanges: [unreadable], error: { code: 'WIPE_INCOMPLETE' } });
    expect(doc.results[0]?.bytesVerified).toBe(SIZE - 4096);
    const text = pdfText(doc.certificates[0]?.pdfPath ?? '');
    expect(text).toContain('This drive was NOT sanitized.');
    expect(text).toContain('Verification result: INCOMPLETE');
    expect(text).toContain('not read back 73,400,320 73,404,415 4.1 kB (4,096 bytes)');
    // The pass was read back, but not all of it.
    expect(text).toMatch(/1 zero 100,663,296 .* NO/);
    expect(text).not.toMatch(/\bclear\b/i);
  });

  it('a drive pulled out mid-pass: DRIVE_UNPLUGGED, the rest of the pass recorded as not written, and the drive left on `pending` as an interrupted wipe', async () => {
    const drive = await faulty({ failAfterBytesWritten: 24 * MiB });
    const dataDir = mkdtempSync(path.join(tmpdir(), 'faults-pending-'));
    const env = { PANORAMA_USB_DATA_DIR: dataDir };
    const run = await runBinAsync(['sanitize', drive.device, '--method', 'zero', '--yes', '--json'], { env });
    expect(run.status, run.stdout + run.stderr).toBe(1);
    const doc = parseSingleJson(run.stdout) as unknown as BatchDoc;
    const [result] = doc.results;
    expect(result).toMatchObject({ outcome: 'failed', nistLevel: 'none', formatted: false, error: { code: 'DRIVE_UNPLUGGED' } });
    // No flush had succeeded before the drive went: nothing of the pass is known to be on it.
    expect(result?.unwrittenRanges.at(-1)?.end).toBe(SIZE);
    const listed = await runBinAsync(['pending', '--json'], { env });
    const items = (parseSingleJson(listed.stdout) as { pending: PendingItem[] }).pending;
    expect(items).toEqual([expect.objectContaining({ kind: 'wipe-interrupted', path: drive.device, command: `panorama-usb sanitize ${drive.device} --method zero` })]);
  });

  it('a drive pulled out mid-write of the archive: DRIVE_UNPLUGGED, and the drive left on `pending` as one that may still hold the archive', async () => {
    // As big as the appliance needs (sparse: only what is written takes space).
    const drive = await faulty({ failAfterBytesWritten: 256 * 1024 }, 1100 * MiB);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'faults-pending-'));
    const archive = path.join(dataDir, 'certificates-omni_pulled-cam.zip');
    writeFileSync(archive, realisticArchive());
    const run = await runBinAsync(['write', archive, drive.device, '--yes', '--json'], { env: { PANORAMA_USB_DATA_DIR: dataDir } });
    expect(run.status, run.stdout + run.stderr).toBe(1);
    expect(parseSingleJson(run.stdout)).toMatchObject({ ok: false, error: { code: 'DRIVE_UNPLUGGED' } });
    const listed = await runBinAsync(['pending', '--json'], { env: { PANORAMA_USB_DATA_DIR: dataDir } });
    const items = (parseSingleJson(listed.stdout) as { pending: PendingItem[] }).pending;
    // The archive file given is a local copy the command line never shreds by itself: listed too.
    expect(items.map((item) => [item.kind, item.path])).toEqual([
      ['drive-holds-archive', drive.device],
      ['local-copy-not-shredded', archive],
    ]);
  });

  it('a drive that stalls: the CLI says "not responding" and Ctrl+C takes effect within 2 s though a write is stuck in the kernel — cancelled, state unknown, left on `pending`', async () => {
    // Big enough (sparse) that the pass is still writing when the stall begins.
    const drive = await faulty({}, 1024 * MiB);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'faults-stall-'));
    // An object: its fields change inside the callback, where control-flow analysis does not follow.
    const at: { stalled: number | null; interrupted: number | null; reported: number | null } = { stalled: null, interrupted: null, reported: null };
    // Stall seconds: 1, so the test waits on what the CLI says, not on 30 s.
    const running = runBinAsync(['sanitize', drive.device, '--method', 'zero', '--yes'], {
      env: { PANORAMA_USB_DATA_DIR: dataDir, PANORAMA_USB_STALL_SECONDS: '1' },
      onStderr: (soFar, child) => {
        if (at.stalled === null && soFar.includes('pass 1/1: zero')) {
          // Every operation of the drive now waits until the plan changes: as a stick that hangs.
          drive.setPlan({ stall: {} });
          at.stalled = Date.now();
        }
        if (at.interrupted === null && /not responding \(no progress for \d+ s\)/.test(soFar)) {
          at.interrupted = Date.now();
          child.kill('SIGINT');
        }
        if (at.interrupted !== null && at.reported === null && /DRIVE_NOT_RESPONDING|NOT sanitized/.test(soFar.slice(soFar.indexOf('Cancelling')))) {
          at.reported = Date.now();
          // The report is out: the drive may answer again (the process can only end once the kernel returns its syscall).
          drive.setPlan({});
        }
      },
    });
    const run = await running;
    expect(run.status, run.stderr).toBe(3);
    expect(run.stderr).toMatch(/stopped responding and was left as it is: what it holds now is unknown, and it is NOT sanitized/);
    expect(at.interrupted).not.toBeNull();
    expect(at.reported).not.toBeNull();
    expect((at.reported ?? 0) - (at.interrupted ?? 0)).toBeLessThan(2000);
    const listed = await runBinAsync(['pending', '--json'], { env: { PANORAMA_USB_DATA_DIR: dataDir } });
    expect((parseSingleJson(listed.stdout) as { pending: PendingItem[] }).pending).toEqual([expect.objectContaining({ kind: 'wipe-interrupted', path: drive.device })]);
  });

  it.each(['limbo', 'wraparound'] as const)('a counterfeit stick (%s): the random pass, read back, finds what the fake lost — VERIFY_MISMATCH, not Clear', async (mode) => {
    const drive = await faulty({ capacity: 32 * MiB, mode });
    const run = await runBinAsync(['sanitize', drive.device, '--method', 'random', '--verify', 'last', '--yes', '--json'], { env: { PANORAMA_USB_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'faults-fake-')) } });
    expect(run.status, run.stdout + run.stderr).toBe(1);
    const [result] = (parseSingleJson(run.stdout) as unknown as BatchDoc).results;
    expect(result).toMatchObject({ outcome: 'failed', nistLevel: 'none', verification: 'failed', formatted: false, error: { code: 'VERIFY_MISMATCH' } });
    // Limbo: past the real size bytes read back as zeros. Wraparound: the start was overwritten by
    // what was meant for the end. (A random byte equals what is read instead once in 256: the
    // first difference is within a few bytes of where the fake begins to lie.)
    const lieStarts = mode === 'limbo' ? 32 * MiB : 0;
    expect(result?.mismatchAt).toBeGreaterThanOrEqual(lieStarts);
    expect(result?.mismatchAt).toBeLessThan(lieStarts + 4096);
  });

  // Every method and verification mode, in this process (the inline engine reads back with O_DIRECT,
  // where the CLI's disk worker reads through the emptied cache): never Clear, the ranges exact.
  it.each<{ method: WipeMethod; verify: VerifyMode; plan: FaultPlan; unwritten: { start: number; end: number }[]; unverified: { start: number; end: number }[] }>([
    { method: 'quick', verify: 'last', plan: { writeErrors: [[512 * 1024, 516 * 1024]], readErrors: [[512 * 1024, 516 * 1024]] }, unwritten: [{ start: 512 * 1024, end: 516 * 1024 }], unverified: [] },
    { method: 'zero', verify: 'off', plan: { writeErrors: [[20 * MiB + 8192, 20 * MiB + 12288]] }, unwritten: [{ start: 20 * MiB + 8192, end: 20 * MiB + 12288 }], unverified: [] },
    { method: 'random-zero', verify: 'all', plan: { readErrors: [[30 * MiB, 30 * MiB + 128 * 1024]] }, unwritten: [], unverified: [{ start: 30 * MiB, end: 30 * MiB + 128 * 1024 }] },
    { method: 'random', verify: 'last', plan: { writeErrors: [[10 * MiB, 10 * MiB + 4096], [60 * MiB + 64 * 1024, 60 * MiB + 72 * 1024]] }, unwritten: [{ start: 10 * MiB, end: 10 * MiB + 4096 }, { start: 60 * MiB + 64 * 1024, end: 60 * MiB + 72 * 1024 }], unverified: [] },
  ])('$method, verify $verify: never Clear, and the ranges are exact', async ({ method, verify, plan, unwritten, unverified }) => {
    const drive = await faulty(plan);
    // What the drive held where it cannot be written (a sector that reads back what the pass
    // wanted — zeros on a sparse store — would rightly count as done).
    const store = openSync(drive.store, 'r+');
    try {
      for (const [start, end] of plan.writeErrors ?? []) writeSync(store, Buffer.alloc(end - start, 0xa5), 0, end - start, start);
    } finally {
      closeSync(store);
    }
    const target = await BlockTarget.open(drive.device, { access: 'write' });
    let result: WipeResult;
    try {
      result = await wipeTarget(target, { method, verify });
    } finally {
      target.close();
    }
    expect(result).toMatchObject({ outcome: 'failed', nistLevel: 'none', formatted: false, unwrittenRanges: unwritten, unverifiedRanges: unverified, error: { code: 'WIPE_INCOMPLETE' } });
    expect(result.verification).toBe(verify === 'off' ? 'not-run' : 'incomplete');
  });
});

