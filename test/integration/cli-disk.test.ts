/**
 * `drives`, `format` and `files` as a user runs them (the built bin), checked with fsck.fat and
 * mtools; every refusal exits 2 with its code and leaves the image byte for byte as it was.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCommand } from '../../main/cli/commands/drives';
import { CliRuntime } from '../../main/cli/runtime';
import { chooseDrive, openChosenDrive } from '../../main/core/target';
import { parseSingleJson, runBin } from '../support/cli';
import { fileSha256, GiB, imageDir, imageFingerprint, MiB, sparseImage } from '../support/images';
import { attachLoop, canUseLoopDevices, detachLoop, fsckFat, mtools, mtoolsImage } from '../support/tools';

const { dir, cleanup } = imageDir('cli-disk');
afterAll(cleanup);

describe('panorama-usb format', () => {
  it('formats an image with --yes: MBR + FAT32 that fsck.fat and mtools accept', () => {
    const image = sparseImage(dir, 'fmt.img', GiB);
    const run = runBin(['format', image, '--label', 'site-42', '--yes', '--json']);
    expect(run.status, run.stderr).toBe(0);
    const doc = parseSingleJson(run.stdout);
    expect(doc).toMatchObject({ ok: true, target: image, format: { fatType: 'FAT32', label: 'SITE-42', partitionStartLba: 2048 } });
    const sectors = (doc.format as { partitionSectors: number }).partitionSectors;
    const fsck = fsckFat(image, MiB, sectors * 512);
    expect(fsck.status, fsck.stdout).toBe(0);
    expect(mtools('mlabel', ['-s', '-i', mtoolsImage(image, MiB), '::']).trim()).toBe('Volume label is SITE-42');
  });

  it.each([
    ['no terminal and no --yes', (image: string) => ['format', image, '--json'], 'CONFIRMATION_REQUIRED'],
    ['a bad label', (image: string) => ['format', image, '--label', 'bad/label', '--yes', '--json'], 'INVALID_LABEL'],
  ])('refuses %s (exit 2) and changes nothing', async (_name, args, code) => {
    const image = sparseImage(dir, `refuse-${code}.img`, GiB);
    writeFileSync(image, Buffer.from('previous contents'), { flag: 'r+' });
    const before = await fileSha256(image);
    const run = runBin(args(image));
    expect(run.status).toBe(2);
    expect(parseSingleJson(run.stdout)).toMatchObject({ ok: false, error: { code } });
    expect(await fileSha256(image)).toBe(before);
  });

  it('refuses a target too small, a missing path and a folder', async () => {
    const small = sparseImage(dir, 'small.img', 512 * MiB);
    const before = await imageFingerprint(small);
    expect(parseSingleJson(runBin(['format', small, '--yes', '--json']).stdout)).toMatchObject({ ok: false, error: { code: 'TARGET_TOO_SMALL' } });
    expect(await imageFingerprint(small)).toBe(before);
    const missing = runBin(['format', `${dir}/nope.img`, '--yes', '--json']);
    expect(missing.status).toBe(2);
    expect(parseSingleJson(missing.stdout)).toMatchObject({ error: { code: 'TARGET_NOT_FOUND' } });
    expect(parseSingleJson(runBin(['format', dir, '--yes', '--json']).stdout)).toMatchObject({ error: { code: 'NOT_A_DRIVE_OR_IMAGE' } });
  });

  it('asks for confirmation naming the drive, and stops on anything but "yes"', async () => {
    const image = sparseImage(dir, 'ask.img', GiB);
    const before = await imageFingerprint(image);
    const questions: string[] = [];
    const runtime = new CliRuntime({ json: false, yes: false, verbose: false }, {
      stdout: () => undefined,
      stderr: () => undefined,
      isInteractive: true,
      ask: (question) => {
        questions.push(question);
        return Promise.resolve('no');
      },
    });
    await expect(formatCommand(runtime, [image], { label: 'PANORAMA' })).rejects.toMatchObject({ code: 'NOT_CONFIRMED' });
    expect(questions[0]).toContain(image);
    expect(questions[0]).toMatch(/1(\.0)? ?G/);
    expect(await imageFingerprint(image)).toBe(before);
  });

  it('aborts with DRIVE_CHANGED when the drive changed after it was chosen, writing nothing', async () => {
    const image = sparseImage(dir, 'changed.img', GiB);
    const chosen = await chooseDrive(image);
    writeFileSync(image, Buffer.from('someone else wrote here'), { flag: 'r+' });
    const changed = await fileSha256(image);
    await expect(openChosenDrive(chosen, { replacesLayout: true })).rejects.toMatchObject({ code: 'DRIVE_CHANGED', outcome: 'refused' });
    expect(await fileSha256(image)).toBe(changed);
  });
});

describe('panorama-usb files', () => {
  it('lists files, folders and the label of a volume mtools wrote', () => {
    const image = sparseImage(dir, 'files.img', GiB);
    expect(runBin(['format', image, '--yes', '--json']).status).toBe(0);
    const at = mtoolsImage(image, MiB);
    mtools('mmd', ['-i', at, '::/panorama']);
    mtools('mcopy', ['-i', at, '-', '::/panorama/occ.log'], Buffer.from('registered\n'));
    mtools('mcopy', ['-i', at, '-', '::/certificates-omni_cam-3.zip'], Buffer.alloc(2048, 7));
    const run = runBin(['files', image, '--json']);
    expect(run.status, run.stderr).toBe(0);
    const doc = parseSingleJson(run.stdout) as { ok: boolean; volume: { label: string; fatType: string }; files: { path: string; size: number; isDirectory: boolean }[] };
    expect(doc.volume).toMatchObject({ label: 'PANORAMA', fatType: 'FAT32' });
    expect(doc.files.map((file) => [file.path, file.size, file.isDirectory])).toEqual(
      expect.arrayContaining([
        ['/panorama', 0, true],
        ['/panorama/occ.log', 11, false],
        ['/certificates-omni_cam-3.zip', 2048, false],
      ]),
    );
    const text = runBin(['files', image]);
    expect(text.stdout).toContain('/panorama/occ.log');
  });

  it('refuses a drive without a FAT volume with NOT_FAT (exit 2)', () => {
    const blank = sparseImage(dir, 'blank.img', GiB);
    const run = runBin(['files', blank, '--json']);
    expect(run.status).toBe(2);
    expect(parseSingleJson(run.stdout)).toMatchObject({ ok: false, error: { code: 'NOT_FAT' } });
  });
});

describe('panorama-usb drives', () => {
  it('lists usable drives and, with --all, the refused ones with their reasons', () => {
    const usable = parseSingleJson(runBin(['drives', '--json']).stdout) as { ok: boolean; drives: { eligible: boolean }[]; hidden: number };
    const all = parseSingleJson(runBin(['drives', '--all', '--json']).stdout) as { ok: boolean; drives: { eligible: boolean; refusals: { code: string; message: string }[] }[]; hidden: number };
    expect(usable.ok && all.ok).toBe(true);
    expect(usable.drives.every((drive) => drive.eligible)).toBe(true);
    expect(all.drives.length).toBe(usable.drives.length + usable.hidden);
    for (const drive of all.drives.filter((candidate) => !candidate.eligible)) expect(drive.refusals.length).toBeGreaterThan(0);
  });
});

const loopsUsable = canUseLoopDevices();
describe.skipIf(!loopsUsable)('the CLI on a loop device', () => {
  it('lists a free loop device as usable and formats it', () => {
    const image = sparseImage(dir, 'loop.img', GiB);
    const device = attachLoop(image);
    try {
      const listed = parseSingleJson(runBin(['drives', '--json']).stdout) as { drives: { drive: { path: string; kind: string } }[] };
      expect(listed.drives.map((entry) => entry.drive)).toContainEqual(expect.objectContaining({ path: device, kind: 'loop' }));
      const run = runBin(['format', device, '--yes', '--json']);
      expect(run.status, run.stdout + run.stderr).toBe(0);
    } finally {
      detachLoop(device);
    }
    expect(mtools('mlabel', ['-s', '-i', mtoolsImage(image, MiB), '::']).trim()).toBe('Volume label is PANORAMA');
  });
});
