import { describe, expect, it } from 'vitest';
import { failed } from '../../main/core/errors';
import { JobRegistry, type JobEnd } from '../../main/core/jobs';

describe('JobRegistry', () => {
  it('runs work, reports progress and one ended event', async () => {
    const jobs = new JobRegistry();
    const ended: JobEnd[] = [];
    const progress: number[] = [];
    jobs.events.on('ended', (event) => ended.push(event));
    jobs.events.on('progress', (event) => progress.push(event.bytesDone));
    const { jobId, result } = jobs.start('write', (context) => {
      context.progress('write', 0, 10);
      context.progress('write', 10, 10, { final: true });
      return Promise.resolve('written');
    });
    expect(jobs.list()).toEqual([{ jobId, kind: 'write' }]);
    await expect(result).resolves.toBe('written');
    expect(progress).toEqual([0, 10]);
    expect(ended).toEqual([{ jobId, kind: 'write', outcome: 'succeeded', result: 'written' }]);
    expect(jobs.list()).toEqual([]);
  });

  it('cancels through the AbortSignal and reports the job as cancelled', async () => {
    const jobs = new JobRegistry();
    const ended: JobEnd[] = [];
    jobs.events.on('ended', (event) => ended.push(event));
    const { jobId, result } = jobs.start('wipe', (context) =>
      new Promise((_resolve, reject) => {
        context.signal.addEventListener('abort', () => reject(new Error('stopped mid-pass')));
      }),
    );
    jobs.cancel(jobId);
    await expect(result).rejects.toMatchObject({ code: 'CANCELLED', outcome: 'cancelled' });
    expect(ended[0]).toMatchObject({ jobId, outcome: 'cancelled', error: { code: 'CANCELLED' } });
  });

  it('reports typed failures as failed, with their code', async () => {
    const jobs = new JobRegistry();
    const ended: JobEnd[] = [];
    jobs.events.on('ended', (event) => ended.push(event));
    const { result } = jobs.start('verify', () => Promise.reject(failed('VERIFY_MISMATCH', 'bytes differ at offset 4096')));
    await expect(result).rejects.toMatchObject({ code: 'VERIFY_MISMATCH' });
    expect(ended[0]).toMatchObject({ outcome: 'failed', error: { code: 'VERIFY_MISMATCH', message: 'bytes differ at offset 4096' } });
  });

  it('refuses to cancel a job it does not know', () => {
    const jobs = new JobRegistry();
    expect(() => jobs.cancel('2b1f8b1e-9a51-4c55-bb1e-6f0f6f0f6f0f')).toThrow(expect.objectContaining({ code: 'JOB_NOT_FOUND', outcome: 'refused' }));
  });
});
