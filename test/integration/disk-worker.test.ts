/**
 * The archive write in a worker thread (what the desktop app and the preview use, so the
 * window's thread never waits on FatFs's synchronous I/O): the same result as inline, checked
 * with mtools and fsck.fat; typed errors cross the thread as the same codes; cancel works.
 * Runs the built worker (npm test builds first).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BlockTarget } from '../../main/core/disk';
import { offThreadFormatter, offThreadWriter } from '../../main/core/offthread';
import { wipeTarget } from '../../main/core/sanitize/wipe';
import { chooseDrive } from '../../main/core/target';
import { realisticArchive } from '../support/archives';
import { GiB, imageDir, imageFingerprint, MiB, sparseImage } from '../support/images';
import { fsckFat, mtools, mtoolsImage } from '../support/tools';

const WORKER = path.resolve('dist/main/disk-worker.cjs');
const { dir, cleanup } = imageDir('disk-worker');
afterAll(cleanup);

describe('archive writes in the disk worker', () => {
  it('is built', () => {
    expect(existsSync(WORKER)).toBe(true);
  });

  it('formats and writes the archive like the inline write, reporting every phase', async () => {
    const image = sparseImage(dir, 'worker.img', 2 * GiB);
    const bytes = realisticArchive();
    const phases: string[] = [];
    const report = await offThreadWriter(WORKER)({ bytes, fileName: 'certificates-omni_worker-cam.zip' }, await chooseDrive(image), { format: true, onPhase: (phase) => phases.push(phase) });
    expect(phases).toEqual(['check', 'format', 'write', 'verify', 'eject']);
    expect(report).toMatchObject({ fileName: 'certificates-omni_worker-cam.zip', verified: true, formatted: { fatType: 'FAT32' } });
    expect(mtools('mdir', ['-b', '-i', mtoolsImage(image, MiB), '::']).trim()).toBe('::/certificates-omni_worker-cam.zip');
    expect(fsckFat(image, MiB, 2 * GiB - MiB).status).toBe(0);
    // The caller's buffer is still the caller's: the worker got its own copy.
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('brings typed refusals back with their code, and changes nothing', async () => {
    const image = sparseImage(dir, 'bad.img', GiB);
    const before = await imageFingerprint(image);
    await expect(offThreadWriter(WORKER)({ bytes: Buffer.from('not a zip'), fileName: 'certificates-omni_bad.zip' }, await chooseDrive(image), { format: true })).rejects.toMatchObject({ code: 'NOT_A_ZIP', outcome: 'refused' });
    expect(await imageFingerprint(image)).toBe(before);
  });

  it('formats a drive this thread holds open, leaving it open here, and a wipe can use it', async () => {
    const image = sparseImage(dir, 'format.img', GiB);
    const target = await BlockTarget.open(image, { access: 'write' });
    try {
      const result = await offThreadFormatter(WORKER)(target, { label: 'WORKER' });
      expect(result).toMatchObject({ fatType: 'FAT32', label: 'WORKER', partitionStartLba: 2048 });
      // The descriptor is still ours: the worker's close() did not close it.
      const sector = Buffer.alloc(512);
      await target.read(sector, 0);
      expect(sector.readUInt16LE(510)).toBe(0xaa55);
      const wiped = await wipeTarget(target, { method: 'quick', verify: 'off', label: 'QUICKWK', formatter: offThreadFormatter(WORKER) });
      expect(wiped).toMatchObject({ outcome: 'sanitized', formatted: true });
    } finally {
      target.close();
    }
    expect(fsckFat(image, MiB, GiB - MiB).status).toBe(0);
    expect(mtools('mlabel', ['-s', '-i', mtoolsImage(image, MiB), '::']).trim()).toContain('QUICKWK');
  });

  it('cancels: an aborted write comes back as CANCELLED', async () => {
    const image = sparseImage(dir, 'cancel.img', GiB);
    const controller = new AbortController();
    controller.abort();
    await expect(offThreadWriter(WORKER)({ bytes: realisticArchive(), fileName: 'certificates-omni_cancel-cam.zip' }, await chooseDrive(image), { format: true, signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED', outcome: 'cancelled' });
  });
});
