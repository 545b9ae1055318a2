/**
 * Writing an archive, formatting and collecting logs on drives that fail like real ones
 * (test/support/faulty-drive): bad sectors where the archive lands are WRITE_VERIFY_FAILED and
 * the drive stays listed as holding (part of) the archive; a log the drive cannot read costs
 * that log only, named in the bundle (checked with unzip, nobody here wrote it); a format on a
 * failing drive is a clear IO_ERROR. Never a crash, never a silent success.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BlockTarget, formatTarget, withVolume } from '../../main/core/disk';
import type { PendingItem } from '../../main/core/journal';
import { realisticArchive } from '../support/archives';
import { parseSingleJson, runBinAsync } from '../support/cli';
import { faultyDriveUnavailable, startFaultyDrive, type FaultPlan, type FaultyDrive } from '../support/faulty-drive';
import { imageDir, MiB, sparseImage } from '../support/images';
import { markerOffsets } from '../support/markers';
import { mustRun } from '../support/tools';

const unavailable = faultyDriveUnavailable();
if (unavailable !== null) console.warn(`Fault tests skipped: ${unavailable}.`);

const { dir, cleanup } = imageDir('faults-drive-io');
afterAll(cleanup);

/** As big as the appliance needs (sparse: only what is written takes space). */
const SIZE = 1100 * MiB;
const MARKER = 'ARCHIVE-LANDS-HERE-7f3a';

describe.skipIf(unavailable !== null)('write, format and collect-logs on failing drives', { timeout: 120_000 }, () => {
  const drives: FaultyDrive[] = [];
  afterEach(async () => {
    for (const drive of drives.splice(0)) await drive.stop();
  });
  const start = async (plan: FaultPlan = {}): Promise<FaultyDrive> => {
    const drive = await startFaultyDrive(SIZE, plan);
    drives.push(drive);
    return drive;
  };
  const dataDir = (): string => mkdtempSync(path.join(tmpdir(), 'faults-io-'));
  const archiveFile = (folder: string): string => {
    const file = path.join(folder, 'certificates-omni_bad-sector-cam.zip');
    writeFileSync(file, realisticArchive({ marker: MARKER }));
    return file;
  };
  /** Where the archive's bytes land on a drive of SIZE: written once to an image (the layout depends on the size only). */
  let archiveAt = 0;
  beforeAll(async () => {
    const image = sparseImage(dir, 'layout.img', SIZE);
    const folder = dataDir();
    const run = await runBinAsync(['write', archiveFile(folder), image, '--yes', '--json'], { env: { PANORAMA_USB_DATA_DIR: folder } });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const [offset] = markerOffsets(image, MARKER);
    if (offset === undefined) throw new Error('the archive was not found on the image');
    archiveAt = Math.floor(offset / 4096) * 4096;
  });

  it.each([
    { fault: 'cannot be read back', plan: (): FaultPlan => ({ readErrors: [[archiveAt, archiveAt + 4096]] }) },
    { fault: 'cannot be written', plan: (): FaultPlan => ({ writeErrors: [[archiveAt, archiveAt + 4096]] }) },
  ])('the sector where the archive lands $fault: WRITE_VERIFY_FAILED, and the drive stays listed as holding the archive', async ({ plan }) => {
    const drive = await start(plan());
    const folder = dataDir();
    const env = { PANORAMA_USB_DATA_DIR: folder };
    const run = await runBinAsync(['write', archiveFile(folder), drive.device, '--yes', '--json'], { env });
    expect(run.status, run.stdout + run.stderr).toBe(1);
    expect(parseSingleJson(run.stdout)).toMatchObject({ ok: false, error: { code: 'WRITE_VERIFY_FAILED', message: expect.stringContaining('may hold part of the archive') as unknown } });
    const listed = await runBinAsync(['pending', '--json'], { env });
    const items = (parseSingleJson(listed.stdout) as { pending: PendingItem[] }).pending;
    expect(items.find((item) => item.kind === 'drive-holds-archive')).toMatchObject({ path: drive.device, command: `panorama-usb sanitize ${drive.device} --method zero` });
  });

  it('format on a drive whose FAT area cannot be written: IO_ERROR, said plainly', async () => {
    const drive = await start({ writeErrors: [[MiB, 4 * MiB]] });
    const run = await runBinAsync(['format', drive.device, '--yes', '--json'], { env: { PANORAMA_USB_DATA_DIR: dataDir() } });
    expect(run.status, run.stdout + run.stderr).toBe(1);
    expect(parseSingleJson(run.stdout)).toMatchObject({ ok: false, error: { code: 'IO_ERROR', nextStep: expect.stringContaining('failing') as unknown } });
  });

  it('collect-logs with one log on bad sectors: the others are collected, the unreadable one is named (--json and the manifest in the bundle)', async () => {
    const drive = await start();
    const target = await BlockTarget.open(drive.device, { access: 'write' });
    try {
      await formatTarget(target, { label: 'PANORAMA' });
    } finally {
      target.close();
    }
    // Logs of 6 MiB each: the kernel caches a block device in folios of up to 2 MiB here, and a
    // read fails for the whole folio around a bad sector; the bad one lies well inside syslog.log.
    const log = (name: string): Buffer => Buffer.from(`${name}: ${'appliance log line\n'.repeat(6 * MiB / 19)}`);
    await withVolume(drive.device, { access: 'write' }, (volume) => {
      volume.mkdir('/panorama');
      for (const name of ['kern.log', 'occ.log', 'syslog.log']) volume.writeFile(`/panorama/${name}`, log(`BEGIN-${name}`));
    });
    mustRun('blockdev', ['--flushbufs', drive.device]);
    const [syslogAt] = markerOffsets(drive.store, 'BEGIN-syslog.log');
    if (syslogAt === undefined) throw new Error('syslog.log was not found on the drive');
    const bad = Math.floor((syslogAt + 3 * MiB) / 4096) * 4096;
    drive.setPlan({ readErrors: [[bad, bad + 4096]] });

    const folder = dataDir();
    const bundle = path.join(folder, 'logs.zip');
    const run = await runBinAsync(['collect-logs', drive.device, '--out', bundle, '--json'], { env: { PANORAMA_USB_DATA_DIR: folder } });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const doc = parseSingleJson(run.stdout) as { bundle: { files: { name: string }[]; unreadable: { name: string; error: { code: string } }[] } };
    expect(doc.bundle.files.map((file) => file.name)).toEqual(['kern.log', 'occ.log']);
    expect(doc.bundle.unreadable).toEqual([expect.objectContaining({ name: 'syslog.log', error: expect.objectContaining({ code: 'IO_ERROR' }) as unknown })]);
    expect(mustRun('unzip', ['-Z1', bundle]).trim().split('\n').sort()).toEqual(['logs/kern.log', 'logs/occ.log', 'manifest.json']);
    const manifest = JSON.parse(execFileSync('unzip', ['-p', bundle, 'manifest.json'], { encoding: 'utf8' })) as { unreadable: { name: string }[] };
    expect(manifest.unreadable.map((entry) => entry.name)).toEqual(['syslog.log']);
  });
});
