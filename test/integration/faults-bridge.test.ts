/**
 * The wizard's side of failing drives, through the bridge's own handler table (as the preview and
 * the desktop app dispatch it) on fault-injecting drives: a drive pulled out mid-wipe stays on the
 * home screen's pending list, offered while the same drive is there; "Check this drive" finds a
 * counterfeit, which the drive list then no longer offers for provisioning.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createHandlerTable, dispatch, forwardEvents } from '../../main/ipc';
import { createCoreServices } from '../../main/services';
import { JobEndSchema, type JobEnd } from '../../preload/contract';
import { realisticArchive } from '../support/archives';
import { faultyDriveUnavailable, startFaultyDrive, type FaultPlan, type FaultyDrive } from '../support/faulty-drive';
import { fileSha256, imageDir, MiB } from '../support/images';

const unavailable = faultyDriveUnavailable();
if (unavailable !== null) console.warn(`Bridge fault tests skipped: ${unavailable}.`);

const { dir, cleanup } = imageDir('faults-bridge');
afterAll(cleanup);

describe.skipIf(unavailable !== null)('the wizard on failing drives (the bridge, real drives allowed)', { timeout: 120_000 }, () => {
  const services = createCoreServices({ shell: 'preview', trainingMode: false, trainingModeLocked: false, dataDir: path.join(dir, 'data') });
  const table = createHandlerTable(services);
  afterAll(() => services.close());
  const drives: FaultyDrive[] = [];
  afterEach(async () => {
    for (const drive of drives.splice(0)) await drive.stop();
  });
  const start = async (size: number, plan: FaultPlan): Promise<FaultyDrive> => {
    const drive = await startFaultyDrive(size, plan);
    drives.push(drive);
    return drive;
  };

  /** Starts a job through the bridge and resolves with its end. */
  async function runJob(channel: 'sanitize.start' | 'drives.check', request: Record<string, unknown>): Promise<JobEnd> {
    let jobId: string | null = null;
    const ended = new Promise<JobEnd>((resolve) => {
      const early: JobEnd[] = [];
      const stop = forwardEvents(services, (name, payload) => {
        if (name !== 'job.ended') return;
        const end = JobEndSchema.parse(payload);
        if (jobId === null) early.push(end);
        else if (end.jobId === jobId) {
          stop();
          resolve(end);
        }
      });
      void (async () => {
        const started = await dispatch(table, channel, request);
        if (!started.ok) throw new Error(`${started.error.code}: ${started.error.message}`);
        jobId = (started.value as { jobId: string }).jobId;
        const already = early.find((end) => end.jobId === jobId);
        if (already !== undefined) {
          stop();
          resolve(already);
        }
      })();
    });
    return ended;
  }

  it('a drive pulled out mid-wipe: its row says DRIVE_UNPLUGGED, and the home screen lists it as an interrupted wipe to finish, the drive being there', async () => {
    const drive = await start(96 * MiB, { failAfterBytesWritten: 16 * MiB });
    const end = await runJob('sanitize.start', { drivePaths: [drive.device], method: 'zero', verify: 'last', certificateFolder: null });
    expect(end).toMatchObject({ outcome: 'succeeded', result: { results: [{ target: drive.device, outcome: 'failed', error: { code: 'DRIVE_UNPLUGGED' } }] } });
    const pending = await dispatch(table, 'journal.pending', {});
    expect(pending).toMatchObject({ ok: true, value: [{ kind: 'wipe-interrupted', path: drive.device, driveState: 'present', foundAt: drive.device }] });
  });

  it('"Check this drive" finds a counterfeit; the drive list then refuses it for provisioning, and a write is refused', async () => {
    const drive = await start(1100 * MiB, { capacity: 256 * MiB, mode: 'limbo' });
    const end = await runJob('drives.check', { drivePath: drive.device });
    expect(end).toMatchObject({ outcome: 'succeeded', result: { counterfeit: true, verdict: 'limbo', usableBytes: 256 * MiB, dataKept: true } });
    const listed = await dispatch(table, 'drives.list', { all: true, purpose: 'provision' });
    if (!listed.ok) throw new Error(listed.error.message);
    const row = (listed.value as { drive: { path: string }; eligible: boolean; refusals: { code: string }[] }[]).find((assessment) => assessment.drive.path === drive.device);
    expect(row).toMatchObject({ eligible: false, refusals: expect.arrayContaining([expect.objectContaining({ code: 'DRIVE_COUNTERFEIT' })]) as unknown });
    // A write asked for anyway (a stale list) is refused before the first byte: the drive's own store is unchanged.
    const archivePath = path.join(dir, 'certificates-omni_fake-stick.zip');
    writeFileSync(archivePath, realisticArchive());
    const before = await fileSha256(drive.store);
    expect(await dispatch(table, 'archive.write', { archivePath, drivePath: drive.device, format: true })).toMatchObject({ ok: false, error: { code: 'DRIVE_COUNTERFEIT' } });
    expect(await fileSha256(drive.store)).toBe(before);
  });
});
