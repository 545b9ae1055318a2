/**
 * `scan-leftovers`, `shred` and `collect-logs` as a user runs them: refusals change nothing,
 * shredding removes the files and says what it could not guarantee, the bundle is redacted.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BlockTarget, formatTarget, withVolume } from '../../main/core/disk';
import { realisticArchive } from '../support/archives';
import { parseSingleJson, runBin } from '../support/cli';
import { GiB, imageDir, sparseImage } from '../support/images';

const { dir, cleanup } = imageDir('cli-local');
afterAll(cleanup);

describe('scan-leftovers and shred', () => {
  it('finds archives, shreds them after checking every file, and reports caveats', () => {
    const downloads = path.join(dir, 'Downloads');
    mkdirSync(downloads);
    const archive = path.join(downloads, 'certificates-omni_lobby-cam-01.zip');
    writeFileSync(archive, realisticArchive());
    writeFileSync(path.join(downloads, 'holiday.zip'), Buffer.from('PK not an archive of ours'));
    const scan = parseSingleJson(runBin(['scan-leftovers', downloads, '--json']).stdout) as { ok: boolean; leftovers: { path: string; reason: string }[] };
    expect(scan.leftovers.map((leftover) => leftover.path)).toEqual([archive]);

    const missing = path.join(downloads, 'certificates-omni_gone.zip');
    const refused = runBin(['shred', archive, missing, '--yes', '--json']);
    expect(refused.status).toBe(2);
    expect(parseSingleJson(refused.stdout)).toMatchObject({ ok: false, error: { code: 'FILE_NOT_FOUND' } });
    expect(existsSync(archive)).toBe(true);

    const shredded = runBin(['shred', archive, '--yes', '--json']);
    expect(shredded.status, shredded.stdout).toBe(0);
    const report = parseSingleJson(shredded.stdout) as { outcomes: { status: string; result: { guarantee: string; caveats: string[] } }[] };
    expect(report.outcomes[0]?.status).toBe('shredded');
    if (report.outcomes[0]?.result.guarantee === 'not-guaranteed') expect(report.outcomes[0].result.caveats.length).toBeGreaterThan(0);
    expect(existsSync(archive)).toBe(false);
    expect(parseSingleJson(runBin(['scan-leftovers', downloads, '--json']).stdout)).toMatchObject({ leftovers: [] });
  });

  it('refuses folders and symlinks, and asks before shredding', () => {
    const file = path.join(dir, 'certificates-omni_keep.zip');
    writeFileSync(file, 'keep');
    const link = path.join(dir, 'link.zip');
    symlinkSync(file, link);
    expect(parseSingleJson(runBin(['shred', dir, '--yes', '--json']).stdout)).toMatchObject({ error: { code: 'IS_A_DIRECTORY' } });
    expect(parseSingleJson(runBin(['shred', link, '--yes', '--json']).stdout)).toMatchObject({ error: { code: 'SYMLINK' } });
    expect(parseSingleJson(runBin(['shred', file, '--json']).stdout)).toMatchObject({ error: { code: 'CONFIRMATION_REQUIRED' } });
    expect(readFileSync(file, 'utf8')).toBe('keep');
  });
});

describe('collect-logs', () => {
  it('bundles the appliance logs with key material redacted, and never overwrites', async () => {
    const image = sparseImage(dir, 'logs.img', GiB);
    const target = await BlockTarget.open(image, { access: 'write' });
    await formatTarget(target, { label: 'PANORAMA' });
    target.close();
    await withVolume(image, { access: 'write' }, (volume) => {
      volume.mkdir('/panorama');
      volume.writeFile('/panorama/occ.log', Buffer.from('2026-11-22 occ: loaded\n-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\nregistered\n'));
      volume.writeFile('/panorama/kern.log', Buffer.from('[12.3] usb 2-1: new SuperSpeed USB device\n'));
    });
    const out = path.join(dir, 'bundle.zip');
    const run = runBin(['collect-logs', image, '--out', out, '--json']);
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const occ = execFileSync('unzip', ['-p', out, 'logs/occ.log'], { encoding: 'utf8' });
    expect(occ).toContain('registered');
    expect(occ).not.toContain('MIGHAgEAMBMGByqGSM49');
    const again = runBin(['collect-logs', image, '--out', out, '--json']);
    expect(again.status).toBe(2);
    expect(parseSingleJson(again.stdout)).toMatchObject({ error: { code: 'OUTPUT_EXISTS' } });
  });
});
