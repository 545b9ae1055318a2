/**
 * The wizard's archive channels through the real handler table (what the preload and the
 * preview bridge serve): inspect, write with progress events and a typed result, cancel, and
 * Training mode's limit to virtual drives.
 */
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createHandlerTable, dispatch, forwardEvents } from '../../main/ipc';
import { createCoreServices } from '../../main/services';
import { ArchiveReportSchema, DriveAssessmentSchema, JobEndSchema, JobProgressSchema, WriteResultSchema, type JobEnd, type JobProgress } from '../../preload/contract';
import { realisticArchive } from '../support/archives';
import { expectAtMostFourPerSecond } from '../support/progress-rate';
import { fileSha256, GiB, imageDir, MiB, sparseImage } from '../support/images';
import { mtools, mtoolsImage } from '../support/tools';

const { dir, cleanup } = imageDir('bridge-archive');
afterAll(cleanup);

const services = createCoreServices({ shell: 'preview', trainingMode: true, trainingModeLocked: true, dataDir: path.join(dir, 'data'), trainingTimeScale: 0.05 });
const table = createHandlerTable(services);
afterAll(() => services.close());

/** The Training world's virtual drives, as the wizard lists them (for the Provision flow unless told). */
async function virtualDrives(purpose?: 'provision' | 'sanitize'): Promise<{ path: string; eligible: boolean; refusals: string[] }[]> {
  const listed = await dispatch(table, 'drives.list', { all: true, ...(purpose === undefined ? {} : { purpose }) });
  if (!listed.ok) throw new Error(`${listed.error.code}: ${listed.error.message}`);
  return DriveAssessmentSchema.array()
    .parse(listed.value)
    .map((assessment) => ({ path: assessment.drive.path, eligible: assessment.eligible, refusals: assessment.refusals.map((reason) => reason.code) }));
}
const archivePath = path.join(dir, 'certificates-omni_bridge-cam.zip');
writeFileSync(archivePath, realisticArchive());

function jobEvents(jobIdPromise: Promise<string>): Promise<{ progress: JobProgress[]; end: JobEnd }> {
  const progress: JobProgress[] = [];
  return new Promise((resolve) => {
    const stop = forwardEvents(services, (channel, payload) => {
      void jobIdPromise.then((jobId) => {
        if (!('jobId' in payload) || payload.jobId !== jobId) return;
        if (channel === 'job.progress') progress.push(JobProgressSchema.parse(payload));
        if (channel === 'job.ended') {
          stop();
          resolve({ progress, end: JobEndSchema.parse(payload) });
        }
      });
    });
  });
}

async function startWrite(drivePath: string): Promise<{ jobId: Promise<string>; events: ReturnType<typeof jobEvents> }> {
  let release: (id: string) => void = () => undefined;
  const jobId = new Promise<string>((resolve) => (release = resolve));
  const events = jobEvents(jobId);
  const result = await dispatch(table, 'archive.write', { archivePath, drivePath, format: true });
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  release((result.value as { jobId: string }).jobId);
  return { jobId, events };
}

describe('archive channels', () => {
  it('archive.inspect answers with a report that matches the contract', async () => {
    const result = await dispatch(table, 'archive.inspect', { path: archivePath });
    expect(result.ok).toBe(true);
    if (result.ok) expect(ArchiveReportSchema.parse(result.value)).toMatchObject({ deviceName: 'bridge-cam' });
  });

  it('archive.inspect refuses with the reader\'s code', async () => {
    const bad = path.join(dir, 'certificates-omni_bad.zip');
    writeFileSync(bad, 'not a zip');
    expect(await dispatch(table, 'archive.inspect', { path: bad })).toMatchObject({ ok: false, error: { code: 'NOT_A_ZIP' } });
  });

  it('archive.write runs as a job: phases at ≤ 4 Hz, then a WriteResult on job.ended', async () => {
    const image = (await virtualDrives())[0]?.path ?? '';
    const sentAt: number[] = [];
    const onProgress = (): void => {
      sentAt.push(performance.now());
    };
    services.jobs.events.on('progress', onProgress);
    const { events } = await startWrite(image);
    const { progress, end } = await events;
    services.jobs.events.off('progress', onProgress);
    expectAtMostFourPerSecond(sentAt);
    // Phases in order; ones that pass within the same quarter second are folded into the latest.
    const order = ['check', 'format', 'write', 'verify', 'eject', 'done'];
    const phases = progress.map((event) => event.phase);
    expect(phases[0]).toBe('check');
    expect(phases.at(-1)).toBe('done');
    expect(phases.map((phase) => order.indexOf(phase))).toEqual([...phases.map((phase) => order.indexOf(phase))].sort((a, b) => a - b));
    expect(end.outcome).toBe('succeeded');
    if (end.outcome === 'succeeded') expect(WriteResultSchema.parse(end.result)).toMatchObject({ fileName: 'certificates-omni_bridge-cam.zip', verified: true });
    expect(mtools('mdir', ['-b', '-i', mtoolsImage(image, MiB), '::']).trim()).toBe('::/certificates-omni_bridge-cam.zip');
  });

  it('job.cancel stops the write before the drive is touched', async () => {
    const image = (await virtualDrives())[1]?.path ?? '';
    const before = await fileSha256(image);
    // Cancelled from the job's own first progress event — 'check': the archive is being checked,
    // the drive not yet opened — as the wizard's Cancel pressed then. dispatch runs the handler
    // before its first await, so the job is cancelled before the write goes on, however fast it is.
    const cancels: { phase: string; jobId: string; answer: Promise<unknown> }[] = [];
    const stop = forwardEvents(services, (channel, payload) => {
      if (channel !== 'job.progress' || cancels.length > 0) return;
      const { phase, jobId } = JobProgressSchema.parse(payload);
      cancels.push({ phase, jobId, answer: dispatch(table, 'job.cancel', { jobId }) });
    });
    try {
      const { jobId, events } = await startWrite(image);
      expect(cancels.map(({ phase, jobId: cancelled }) => ({ phase, jobId: cancelled }))).toEqual([{ phase: 'check', jobId: await jobId }]);
      expect(await cancels[0]?.answer).toEqual({ ok: true, value: { cancelling: true } });
      expect((await events).end).toMatchObject({ outcome: 'cancelled', error: { code: 'CANCELLED' } });
    } finally {
      stop();
    }
    expect(await fileSha256(image)).toBe(before);
  });

  it('Training mode lists and writes its own virtual drives only', async () => {
    const ready = { eligible: true, refusals: [] };
    // Three 1 GiB drives and the old 256 MiB stick: refused for the appliance, offered for sanitizing.
    expect((await virtualDrives()).map((drive) => ({ ...drive, path: path.relative(path.join(dir, 'data'), drive.path) }))).toEqual([
      { path: 'training/drives/drive-1.img', ...ready },
      { path: 'training/drives/drive-2.img', ...ready },
      { path: 'training/drives/drive-3.img', ...ready },
      { path: 'training/drives/drive-4.img', eligible: false, refusals: ['TOO_SMALL'] },
    ]);
    expect((await virtualDrives('sanitize')).map((drive) => drive.eligible)).toEqual([true, true, true, true]);
    const oldStick = path.join(dir, 'data', 'training', 'drives', 'drive-4.img');
    expect(statSync(oldStick).size).toBe(256 * MiB);
    expect(await dispatch(table, 'archive.write', { archivePath, drivePath: oldStick, format: true })).toMatchObject({ ok: false, error: { code: 'TARGET_TOO_SMALL' } });
    // Another image file is no training drive: a trainee cannot reach any file on the computer.
    const stray = sparseImage(dir, 'stray.img', GiB);
    expect(await dispatch(table, 'archive.write', { archivePath, drivePath: stray, format: true })).toMatchObject({ ok: false, error: { code: 'TRAINING_MODE_ONLY' } });
    expect(await dispatch(table, 'drives.eject', { drivePath: stray })).toMatchObject({ ok: false, error: { code: 'TRAINING_MODE_ONLY' } });
    // A virtual drive has nothing to power off: said so, and it stays where it is.
    expect(await dispatch(table, 'drives.eject', { drivePath: oldStick })).toEqual({ ok: true, value: { attempted: false, ejected: false, detail: 'an image file: nothing to eject', unmounted: [] } });
    expect(statSync(oldStick).size).toBe(256 * MiB);
    const real = ['/dev/vda', '/dev/sda', '/dev/nvme0n1', '/dev/xvda'].find((candidate) => {
      try {
        return statSync(candidate).isBlockDevice();
      } catch {
        return false;
      }
    });
    if (real === undefined) return;
    expect(await dispatch(table, 'archive.write', { archivePath, drivePath: real, format: true })).toMatchObject({ ok: false, error: { code: 'TRAINING_MODE_ONLY' } });
  });
});
