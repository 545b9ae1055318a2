/**
 * `panorama-usb check` on counterfeit sticks (test/support/faulty-drive: a loop device over a FUSE
 * file that keeps only the first K bytes — limbo — or wraps offsets past K onto earlier ones),
 * on a healthy drive and on one with bad blocks; f3probe (Debian's f3, nobody here wrote it) looks
 * at the same devices, and the two verdicts must agree: fake or not, usable size within 1 %.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { realisticArchive } from '../support/archives';
import { parseSingleJson, runBinAsync } from '../support/cli';
import { faultyDriveUnavailable, startFaultyDrive, type FaultPlan, type FaultyDrive } from '../support/faulty-drive';
import { fileSha256, MiB } from '../support/images';

const unavailable = faultyDriveUnavailable();
const f3probe = spawnSync('f3probe', ['--version']).error === undefined;
if (unavailable !== null) console.warn(`Capacity check tests skipped: ${unavailable}.`);
else if (!f3probe) console.warn('Capacity check tests skipped: f3probe is not installed (Debian package f3).');

interface CheckDoc {
  ok: boolean;
  counterfeit: boolean;
  verdict: string;
  usableBytes: number;
  sizeBytes: number;
  firstBadOffset: number | null;
  badBlocks: number;
  blocksChecked: number;
  dataKept: boolean;
  mode: string;
}

/** f3probe's verdict on the same device: fake or not, and its usable size in bytes. */
function probe(device: string): { fake: boolean; usableBytes: number } {
  const run = spawnSync('f3probe', ['--destructive', device], { encoding: 'utf8' });
  const usable = /\*Usable\* size:\s+([\d.]+) (Byte|KB|MB|GB)/.exec(run.stdout);
  if (/is the real thing/.test(run.stdout)) return { fake: false, usableBytes: Number.NaN };
  if (usable === null) throw new Error(`f3probe said neither: ${run.stdout}${run.stderr}`);
  const unit = { Byte: 1, KB: 1024, MB: MiB, GB: 1024 * MiB }[usable[2] as 'Byte' | 'KB' | 'MB' | 'GB'];
  return { fake: true, usableBytes: Number(usable[1]) * unit };
}

describe.skipIf(unavailable !== null || !f3probe)('panorama-usb check: counterfeit drives, as f3probe sees them', { timeout: 120_000 }, () => {
  const drives: FaultyDrive[] = [];
  afterEach(async () => {
    for (const drive of drives.splice(0)) await drive.stop();
  });
  const start = async (size: number, plan: FaultPlan = {}): Promise<FaultyDrive> => {
    const drive = await startFaultyDrive(size, plan);
    drives.push(drive);
    return drive;
  };
  const dataDir = mkdtempSync(path.join(tmpdir(), 'faults-check-'));
  const check = async (device: string, ...flags: string[]): Promise<CheckDoc> => {
    const run = await runBinAsync(['check', device, ...flags, '--yes', '--json'], { env: { PANORAMA_USB_DATA_DIR: dataDir } });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    return parseSingleJson(run.stdout) as unknown as CheckDoc;
  };

  it.each([
    { mode: 'limbo' as const, flags: ['--quick'] },
    { mode: 'limbo' as const, flags: [] },
    { mode: 'wraparound' as const, flags: ['--quick'] },
    { mode: 'wraparound' as const, flags: [] },
  ])('$mode fake (256 MiB announced, 64 MiB real), check $flags: counterfeit, 64 MiB usable — and f3probe agrees', async ({ mode, flags }) => {
    const drive = await start(256 * MiB, { capacity: 64 * MiB, mode });
    const doc = await check(drive.device, ...flags);
    expect(doc).toMatchObject({ ok: true, counterfeit: true, verdict: mode, sizeBytes: 256 * MiB, mode: flags.length > 0 ? 'quick' : 'full' });
    const theirs = probe(drive.device);
    expect(theirs.fake).toBe(true);
    if (mode === 'limbo') {
      expect(Math.abs(doc.usableBytes - theirs.usableBytes) / theirs.usableBytes).toBeLessThanOrEqual(0.01);
    } else {
      // f3probe 8.0 calls this wraparound "damaged" with 0 bytes usable (its cache probe is fooled
      // by the aliasing): it agrees that the drive is not genuine; the size is the fake's own.
      expect(doc.usableBytes).toBe(64 * MiB);
    }
    if (flags.length > 0) expect(doc.blocksChecked).toBeGreaterThanOrEqual(1024);
  });

  it('a healthy drive: genuine, its size usable — f3probe calls it the real thing; --quick --keep-data leaves every byte as it was', async () => {
    const drive = await start(128 * MiB);
    writeFileSync(drive.store, Buffer.from('what the drive held before '.repeat(40000)), { flag: 'r+' });
    const before = await fileSha256(drive.store);
    const kept = await check(drive.device, '--quick', '--keep-data');
    expect(kept).toMatchObject({ counterfeit: false, verdict: 'genuine', usableBytes: 128 * MiB, firstBadOffset: null, badBlocks: 0, dataKept: true });
    expect(await fileSha256(drive.store)).toBe(before);
    expect(await check(drive.device)).toMatchObject({ counterfeit: false, verdict: 'genuine', usableBytes: 128 * MiB, blocksChecked: (128 * MiB) / 4096 });
    expect(probe(drive.device).fake).toBe(false);
  });

  it('bad blocks in the middle are a failing drive, not a counterfeit', async () => {
    const drive = await start(64 * MiB, { readErrors: [[20 * MiB, 20 * MiB + 8192]] });
    const doc = await check(drive.device);
    expect(doc).toMatchObject({ counterfeit: false, verdict: 'bad-blocks', usableBytes: 64 * MiB, firstBadOffset: 20 * MiB });
    expect(doc.badBlocks).toBeGreaterThanOrEqual(2);
  });

  it("a worn end (its last 64 KiB unreadable) is a failing drive, not a counterfeit", async () => {
    const drive = await start(64 * MiB, { readErrors: [[64 * MiB - 64 * 1024, 64 * MiB]] });
    expect(await check(drive.device)).toMatchObject({ counterfeit: false, verdict: 'bad-blocks', usableBytes: 64 * MiB, firstBadOffset: 64 * MiB - 64 * 1024, badBlocks: 16 });
  });

  it('a drive found counterfeit is refused by `write` (DRIVE_COUNTERFEIT) and left as it was; a plain user of the CLI reads the verdict in words', async () => {
    const drive = await start(1100 * MiB, { capacity: 256 * MiB, mode: 'limbo' });
    const text = await runBinAsync(['check', drive.device, '--quick', '--yes'], { env: { PANORAMA_USB_DATA_DIR: dataDir } });
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^COUNTERFEIT: .* claims 1\.2 GB but holds only 268\.4 MB: writes past byte 268435456 are lost/);
    const archive = path.join(dataDir, 'certificates-omni_fake-cam.zip');
    writeFileSync(archive, realisticArchive());
    const before = await fileSha256(drive.store);
    const refused = await runBinAsync(['write', archive, drive.device, '--yes', '--json'], { env: { PANORAMA_USB_DATA_DIR: dataDir } });
    expect(refused.status).toBe(2);
    expect(parseSingleJson(refused.stdout)).toMatchObject({ ok: false, error: { code: 'DRIVE_COUNTERFEIT', message: expect.stringContaining('holds only 268.4 MB') as unknown } });
    expect(await fileSha256(drive.store)).toBe(before);
  });
});
