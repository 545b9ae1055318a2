/**
 * `write` end to end on image files (and a loop device as root): the archive lands as-is under
 * its own name at the root (mtools reads it byte for byte), the volume is clean under fsck.fat,
 * refused writes leave the image byte for byte as it was, the source archive is never touched,
 * and writing from bytes leaves no copy of the archive anywhere on the local disk.
 */
import { execFileSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeArchive } from '../../main/core/archive';
import { sha256 } from '../../main/core/disk';
import { chooseDrive } from '../../main/core/target';
import { realisticArchive } from '../support/archives';
import { parseSingleJson, runBin } from '../support/cli';
import { fileSha256, GiB, imageDir, imageFingerprint, MiB, sparseImage } from '../support/images';
import { attachLoop, canUseLoopDevices, detachLoop, fsckFat, mtools, mtoolsImage } from '../support/tools';
import { markTime, recentFilesContaining } from '../support/no-copies';
import { buildZip } from '../support/zip-builder';

const { dir, cleanup } = imageDir('archive-write');
afterAll(cleanup);

const ARCHIVE_NAME = 'certificates-omni_lobby-cam-01.zip';

function archiveFile(name = ARCHIVE_NAME, bytes: Buffer = realisticArchive()): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

function readBack(image: string, fileName: string): Buffer {
  return execFileSync('mcopy', ['-n', '-i', mtoolsImage(image, MiB), `::/${fileName}`, '-'], { env: { ...process.env, MTOOLS_SKIP_CHECK: '1' } });
}

describe('panorama-usb write', () => {
  it('formats, writes the archive as-is at the root, verifies, and leaves the source untouched', async () => {
    const archive = archiveFile();
    const sourceBefore = { sha: await fileSha256(archive), mtime: statSync(archive).mtimeMs };
    const image = sparseImage(dir, 'write.img', GiB);
    const run = runBin(['write', archive, image, '--yes', '--json']);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const doc = parseSingleJson(run.stdout) as { ok: boolean; write: { fileName: string; sha256: string; verified: boolean; formatted: { partitionSectors: number } | null; eject: { attempted: boolean } }; archive: { deviceName: string } };
    expect(doc.write).toMatchObject({ fileName: ARCHIVE_NAME, sha256: sourceBefore.sha, verified: true, eject: { attempted: false } });
    expect(doc.archive.deviceName).toBe('lobby-cam-01');
    expect(sha256(readBack(image, ARCHIVE_NAME))).toBe(sourceBefore.sha);
    expect(mtools('mdir', ['-b', '-i', mtoolsImage(image, MiB), '::']).trim().split('\n')).toEqual([`::/${ARCHIVE_NAME}`]);
    const fsck = fsckFat(image, MiB, (doc.write.formatted?.partitionSectors ?? 0) * 512);
    expect(fsck.status, fsck.stdout).toBe(0);
    expect({ sha: await fileSha256(archive), mtime: statSync(archive).mtimeMs }).toEqual(sourceBefore);
  });

  it('with --no-format keeps other files, replaces other devices\' archives, and reports them', async () => {
    const image = sparseImage(dir, 'noformat.img', GiB);
    expect(runBin(['format', image, '--yes']).status).toBe(0);
    const at = mtoolsImage(image, MiB);
    mtools('mcopy', ['-i', at, '-', '::/certificates-omni_old-device.zip'], realisticArchive());
    mtools('mcopy', ['-i', at, '-', '::/notes.txt'], Buffer.from('keep me'));
    const archive = archiveFile();
    const run = runBin(['write', archive, image, '--no-format', '--yes', '--json']);
    expect(run.status, run.stdout).toBe(0);
    expect(parseSingleJson(run.stdout)).toMatchObject({ write: { formatted: null, removedArchives: ['certificates-omni_old-device.zip'] } });
    const names = mtools('mdir', ['-b', '-i', at, '::']).trim().split('\n').sort();
    expect(names).toEqual([`::/${ARCHIVE_NAME}`, '::/notes.txt']);
    expect(sha256(readBack(image, ARCHIVE_NAME))).toBe(await fileSha256(archive));
  });

  it.each([
    ['a hostile archive', () => archiveFile(ARCHIVE_NAME.replace('lobby', 'evil'), buildZip([{ name: '../../etc/passwd', data: 'x' }])), 'ENTRY_PATH_TRAVERSAL', ['--yes']],
    ['a badly named archive', () => archiveFile('lobby-cam.zip'), 'BAD_ARCHIVE_NAME', ['--yes']],
    ['a missing archive', () => path.join(dir, 'certificates-omni_missing.zip'), 'ARCHIVE_NOT_FOUND', ['--yes']],
    ['--no-format on a drive without FAT', () => archiveFile(), 'NOT_FAT', ['--no-format', '--yes']],
    ['no confirmation', () => archiveFile(), 'CONFIRMATION_REQUIRED', []],
  ])('refuses %s (exit 2) and leaves the image byte for byte as it was', async (_name, makeArchive, code, flags) => {
    const image = sparseImage(dir, `refused-${code}.img`, GiB);
    writeFileSync(image, Buffer.from('whatever was here before'), { flag: 'r+' });
    const before = await fileSha256(image);
    const run = runBin(['write', makeArchive(), image, ...flags, '--json']);
    expect(run.status).toBe(2);
    expect(parseSingleJson(run.stdout)).toMatchObject({ ok: false, error: { code } });
    expect(await fileSha256(image)).toBe(before);
  });

  it('refuses a drive too small, before reading it', async () => {
    const image = sparseImage(dir, 'small.img', 256 * MiB);
    const before = await imageFingerprint(image);
    const run = runBin(['write', archiveFile(), image, '--yes', '--json']);
    expect(parseSingleJson(run.stdout)).toMatchObject({ ok: false, error: { code: 'TARGET_TOO_SMALL' } });
    expect(await imageFingerprint(image)).toBe(before);
  });
});

describe('writing archive bytes that never touched the local disk', () => {
  it('writes and verifies them, and leaves no copy anywhere on disk', async () => {
    const marker = `SECRET-MARKER-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
    const bytes = realisticArchive({ marker });
    const keep = Buffer.from(bytes);
    const image = sparseImage(dir, 'from-bytes.img', GiB);
    const since = markTime(dir);
    const report = await writeArchive({ bytes, fileName: ARCHIVE_NAME }, await chooseDrive(image), { format: true });
    expect(report).toMatchObject({ verified: true, sha256: sha256(keep), size: keep.length });
    expect(readBack(image, ARCHIVE_NAME).equals(keep)).toBe(true);
    // The marker is on the drive image (where it belongs: stored, not deflated) and nowhere else.
    const found = recentFilesContaining([tmpdir(), process.cwd(), homedir()], since, marker);
    expect(found.filter((file) => file !== image)).toEqual([]);
    // The same search does find the marker where it is: the check can fail.
    const probe = path.join(dir, 'probe.txt');
    writeFileSync(probe, `copy of ${marker}`);
    expect(recentFilesContaining([dir], since, marker)).toEqual([probe]);
  });
});

const loopsUsable = canUseLoopDevices();
describe.skipIf(!loopsUsable)('write to a loop device', () => {
  it('writes, verifies and reports nothing to eject for a virtual drive', async () => {
    const image = sparseImage(dir, 'loop.img', GiB);
    const device = attachLoop(image);
    try {
      const run = runBin(['write', archiveFile(), device, '--yes', '--json']);
      expect(run.status, run.stdout + run.stderr).toBe(0);
      expect(parseSingleJson(run.stdout)).toMatchObject({ write: { verified: true, eject: { attempted: false } } });
    } finally {
      detachLoop(device);
    }
    expect(sha256(readBack(image, ARCHIVE_NAME))).toBe(await fileSha256(path.join(dir, ARCHIVE_NAME)));
  });
});
