/**
 * Drives under 1 GB — the 256–512 MB sticks IT staff sanitize every week, and smaller ones — as a
 * user meets them on the command line: `sanitize` accepts them with every method and verify
 * mode and leaves a valid volume of the FAT type their size allows (FAT32 from ~34 MiB, FAT16 and
 * FAT12 below), while `write` and `format` still refuse them for the appliance's 1 GB. Checked
 * with tools nobody here wrote: fsck.fat -n, mtools, sfdisk.
 *
 * Sizes are chosen for time (measured on the 2-core reference VM): the slowest test — a 512 MiB
 * stick planted with secrets, its zero pass, read-back, reformat and the checks — takes ~2.8 s, a
 * 16 MiB run ~0.6 s: about 11 s at most on a machine 4× slower, well inside the 30 s timeout.
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlockTarget, formatTarget, withVolume } from '../../main/core/disk';
import { realisticArchive } from '../support/archives';
import { parseSingleJson, runBin } from '../support/cli';
import { fileSha256, imageDir, MiB, sparseImage } from '../support/images';
import { countMarkers } from '../support/markers';
import { attachLoop, canUseLoopDevices, detachLoop, fsckFat, mtools, mtoolsImage, mustRun } from '../support/tools';

const { dir, cleanup } = imageDir('sanitize-small');
afterAll(cleanup);

const SECRET = 'OLD-STICK-SECRET';

interface WipeDoc {
  target: string;
  outcome: string;
  nistLevel: string;
  verification: string;
  formatted: boolean;
  fileSystem?: string;
  passes: { pattern: string; bytes: number; verified: boolean | null }[];
}

/** A used stick: a FAT volume of the size's type, a secret in a file on it, and secrets in the gap, the middle and the last sector. */
async function usedStick(name: string, size: number): Promise<string> {
  const image = sparseImage(dir, name, size);
  const target = await BlockTarget.open(image, { access: 'write' });
  try {
    await formatTarget(target, { label: 'OLDSTICK' });
  } finally {
    target.close();
  }
  await withVolume(image, { access: 'write' }, (volume) => volume.writeFile('/notes.txt', Buffer.from(`${SECRET} `.repeat(200))));
  const fd = openSync(image, 'r+');
  try {
    for (const offset of [4096, Math.floor(size / 2 / 512) * 512, size - 512]) writeSync(fd, Buffer.from(SECRET, 'latin1'), 0, SECRET.length, offset);
  } finally {
    closeSync(fd);
  }
  return image;
}

function sanitize(target: string, method: string, verify: string): { status: number | null; doc: { ok: boolean; results: WipeDoc[] }; stderr: string } {
  const run = runBin(['sanitize', target, '--method', method, '--verify', verify, '--yes', '--json']);
  return { status: run.status, doc: parseSingleJson(run.stdout) as { ok: boolean; results: WipeDoc[] }, stderr: run.stderr };
}

/** The fresh volume, as tools nobody here wrote see it: sfdisk's partition type, fsck.fat's FAT width, mtools' label and listing. */
function freshVolume(image: string, size: number): { partitionType: string; fatBits: number; clean: boolean; label: string; files: string } {
  const table = JSON.parse(mustRun('sfdisk', ['--json', image])) as { partitiontable: { partitions: { start: number; size: number; type: string }[] } };
  const [partition, ...others] = table.partitiontable.partitions;
  expect(others).toEqual([]);
  expect(partition).toMatchObject({ start: 2048, size: size / 512 - 2048 });
  const fsck = fsckFat(image, MiB, size - MiB);
  const at = mtoolsImage(image, MiB);
  return {
    partitionType: partition?.type ?? '',
    fatBits: Number(/(\d+) bit entries/.exec(fsck.stdout)?.[1] ?? 0),
    clean: fsck.status === 0,
    label: mtools('mlabel', ['-s', '-i', at, '::']).trim(),
    files: mtools('mdir', ['-b', '-i', at, '::']).trim(),
  };
}

describe('panorama-usb sanitize on drives under 1 GB', () => {
  it('512 MiB, zero + verify: sanitized, Clear, verified, a fresh FAT32 volume', async () => {
    const size = 512 * MiB;
    const image = await usedStick('old-512.img', size);
    expect(countMarkers(image, SECRET)).toBeGreaterThan(3);
    const { status, doc, stderr } = sanitize(image, 'zero', 'last');
    expect(status, stderr).toBe(0);
    expect(doc.results).toEqual([expect.objectContaining({ target: image, outcome: 'sanitized', nistLevel: 'Clear', verification: 'passed', formatted: true, fileSystem: 'FAT32' })]);
    expect(doc.results[0]?.passes).toEqual([expect.objectContaining({ pattern: 'zero', bytes: size, verified: true })]);
    expect(countMarkers(image, SECRET)).toBe(0);
    expect(freshVolume(image, size)).toEqual({ partitionType: 'c', fatBits: 32, clean: true, label: 'Volume label is PANORAMA', files: '' });
  });

  it('256 MiB, random + verify: Clear, FAT32 with 2 KiB clusters', async () => {
    const size = 256 * MiB;
    const image = await usedStick('old-256.img', size);
    const { status, doc, stderr } = sanitize(image, 'random', 'last');
    expect(status, stderr).toBe(0);
    expect(doc.results[0]).toMatchObject({ outcome: 'sanitized', nistLevel: 'Clear', verification: 'passed', fileSystem: 'FAT32' });
    expect(countMarkers(image, SECRET)).toBe(0);
    expect(freshVolume(image, size)).toEqual({ partitionType: 'c', fatBits: 32, clean: true, label: 'Volume label is PANORAMA', files: '' });
    expect(fsckFat(image, MiB, size - MiB).stdout).toContain('2048 bytes per cluster');
  });

  it.each([
    ['quick', 'last', 'none', 'passed'],
    ['quick', 'off', 'none', 'not-run'],
    ['zero', 'last', 'Clear', 'passed'],
    ['zero', 'off', 'none', 'not-run'],
    ['random', 'all', 'Clear', 'passed'],
    ['random-zero', 'last', 'Clear', 'passed'],
    ['random-zero', 'all', 'Clear', 'passed'],
  ])('16 MiB, %s with --verify %s: sanitized (NIST %s, verification %s), a fresh FAT16 volume in a 0x0E partition', async (method, verify, nistLevel, verification) => {
    const size = 16 * MiB;
    const image = await usedStick(`old-16-${method}-${verify}.img`, size);
    expect(mtools('mdir', ['-b', '-i', mtoolsImage(image, MiB), '::']).trim()).toBe('::/notes.txt');
    const { status, doc, stderr } = sanitize(image, method, verify);
    expect(status, stderr).toBe(0);
    expect(doc.results[0]).toMatchObject({ outcome: 'sanitized', nistLevel, verification, formatted: true, fileSystem: 'FAT16' });
    // A full pass leaves nothing. quick clears the first and last MiB (the secrets at 4 KiB and in the last
    // sector) and the FAT16 metadata, not the data area: the file's 200 copies and the one at 8 MiB stay.
    expect(countMarkers(image, SECRET)).toBe(method === 'quick' ? 201 : 0);
    expect(freshVolume(image, size)).toEqual({ partitionType: 'e', fatBits: 16, clean: true, label: 'Volume label is PANORAMA', files: '' });
  });

  it('5 MiB, quick: a fresh FAT12 volume in a 0x01 partition', async () => {
    const size = 5 * MiB;
    const image = await usedStick('old-5.img', size);
    const { status, doc, stderr } = sanitize(image, 'quick', 'last');
    expect(status, stderr).toBe(0);
    expect(doc.results[0]).toMatchObject({ outcome: 'sanitized', fileSystem: 'FAT12' });
    expect(freshVolume(image, size)).toEqual({ partitionType: '1', fatBits: 12, clean: true, label: 'Volume label is PANORAMA', files: '' });
  });

  it('wipes a 16 MiB and a 512 MiB stick in one run, each with its own FAT type', async () => {
    const small = await usedStick('mixed-16.img', 16 * MiB);
    const large = await usedStick('mixed-512.img', 512 * MiB);
    const run = runBin(['sanitize', small, large, '--method', 'zero', '--yes', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const doc = parseSingleJson(run.stdout) as { results: WipeDoc[] };
    expect(doc.results.map((result) => [result.target, result.outcome, result.nistLevel, result.fileSystem])).toEqual([
      [small, 'sanitized', 'Clear', 'FAT16'],
      [large, 'sanitized', 'Clear', 'FAT32'],
    ]);
  });

  it('refuses a 1 MiB image as TARGET_TOO_SMALL (no partition table and FAT volume fit), touching nothing', async () => {
    const image = sparseImage(dir, 'one-mib.img', MiB);
    writeFileSync(image, Buffer.from(SECRET), { flag: 'r+' });
    const before = await fileSha256(image);
    const run = runBin(['sanitize', image, '--method', 'zero', '--yes', '--json']);
    expect(run.status).toBe(2);
    const doc = parseSingleJson(run.stdout) as { ok: boolean; error: { code: string; message: string; nextStep: string } };
    expect(doc).toMatchObject({ ok: false, error: { code: 'TARGET_TOO_SMALL' } });
    expect(doc.error.message).toContain('at least 3 MiB');
    expect(doc.error.message).not.toContain('appliance');
    expect(await fileSha256(image)).toBe(before);
  });

  it('reads what it made: `files` and `collect-logs` on a FAT16 stick', async () => {
    const size = 16 * MiB;
    const image = await usedStick('logs-16.img', size);
    expect(sanitize(image, 'quick', 'last').status).toBe(0);
    await withVolume(image, { access: 'write' }, (volume) => {
      volume.mkdir('/panorama');
      volume.writeFile('/panorama/occ.log', Buffer.from('2026-11-22T10:00:00Z occ: registered\n'));
    });
    const files = parseSingleJson(runBin(['files', image, '--json']).stdout);
    expect(files).toMatchObject({ ok: true, volume: { fatType: 'FAT16', label: 'PANORAMA', startLba: 2048 }, files: [{ path: '/panorama' }, { path: '/panorama/occ.log' }] });
    const out = path.join(dir, 'logs-16.zip');
    const collected = runBin(['collect-logs', image, '--out', out, '--json']);
    expect(collected.status, collected.stdout + collected.stderr).toBe(0);
    expect(mustRun('unzip', ['-p', out, 'logs/occ.log'])).toBe('2026-11-22T10:00:00Z occ: registered\n');
    expect(fsckFat(image, MiB, size - MiB).status).toBe(0);
  });
});

describe('writing for the appliance still needs 1 GB', () => {
  it.each([
    ['write', (image: string, archive: string): string[] => ['write', archive, image, '--yes', '--json']],
    ['format', (image: string): string[] => ['format', image, '--yes', '--json']],
  ])('%s refuses a 512 MiB image with TARGET_TOO_SMALL (exit 2), the image unchanged byte for byte', async (name, args) => {
    const image = sparseImage(dir, `appliance-${name}.img`, 512 * MiB);
    writeFileSync(image, Buffer.from('whatever was here before'), { flag: 'r+' });
    const archive = path.join(dir, 'certificates-omni_small-cam.zip');
    writeFileSync(archive, realisticArchive());
    const before = [await fileSha256(image), await fileSha256(archive)];
    const run = runBin(args(image, archive));
    expect(run.status).toBe(2);
    const doc = parseSingleJson(run.stdout) as { ok: boolean; error: { code: string; message: string; nextStep: string } };
    expect(doc).toMatchObject({ ok: false, error: { code: 'TARGET_TOO_SMALL', nextStep: 'Use a drive (or an image file) of at least 1 GB.' } });
    expect(doc.error.message).toContain('less than the 1 GB the appliance needs');
    expect([await fileSha256(image), await fileSha256(archive)]).toEqual(before);
  });
});

describe.skipIf(!canUseLoopDevices())('a 512 MiB loop device (as root)', () => {
  let device = '';
  let image = '';
  beforeAll(async () => {
    image = await usedStick('loop-512.img', 512 * MiB);
    device = attachLoop(image);
  });
  afterAll(() => {
    if (device !== '') detachLoop(device);
  });

  it('sanitize --method zero --verify last: Clear, and a clean FAT32 volume behind it', () => {
    const { status, doc, stderr } = sanitize(device, 'zero', 'last');
    expect(status, stderr).toBe(0);
    expect(doc.results[0]).toMatchObject({ target: device, outcome: 'sanitized', nistLevel: 'Clear', verification: 'passed', fileSystem: 'FAT32' });
    expect(countMarkers(device, SECRET)).toBe(0);
    expect(freshVolume(image, 512 * MiB)).toEqual({ partitionType: 'c', fatBits: 32, clean: true, label: 'Volume label is PANORAMA', files: '' });
  });

  it('is refused for the appliance: format says TARGET_TOO_SMALL', () => {
    const run = runBin(['format', device, '--yes', '--json']);
    expect(run.status).toBe(2);
    expect(parseSingleJson(run.stdout)).toMatchObject({ ok: false, error: { code: 'TARGET_TOO_SMALL' } });
  });
});
