import { useEffect } from 'react';
import type { ProvisionResult, WriteResult } from '../../../preload/contract';
import { UnmountNotice } from '../../components/DrivePicker';
import { ErrorNotice } from '../../components/ErrorNotice';
import { ProgressBar } from '../../components/ProgressBar';
import { call } from '../../lib/calls';
import { useJob } from '../../lib/hooks';
import { networkPayloadFields } from './network';
import { deviceNameOf, type ProvisionState, type Update } from './state';

const PHASE_WORDS: Readonly<Record<string, string>> = {
  provision: 'Creating the device',
  check: 'Checking the drive',
  format: 'Formatting FAT32',
  write: 'Writing the archive',
  verify: 'Verifying',
  eject: 'Making it safe to remove',
  done: 'Done',
};

/** Step 4: confirmation naming the drive, then format, write, verify, eject — with progress. */
export function WriteStep({ state, update, ensureSession }: { state: ProvisionState; update: Update; ensureSession: (source: 'import' | 'create') => Promise<string> }) {
  const job = useJob();
  const drive = state.drive;
  const done = state.written !== null || state.created !== null;

  useEffect(() => {
    if (job.end?.outcome !== 'succeeded') return;
    const writtenAt = new Date().toISOString();
    if (state.source === 'create') update({ created: job.end.result as ProvisionResult, writtenAt });
    else update({ written: job.end.result as WriteResult, writtenAt });
    // Runs once per finished job.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [job.end]);

  if (drive === null) return <p>No drive chosen: go back to Drive.</p>;
  const start = (): void => {
    void job.start(async () => {
      const sessionId = await ensureSession(state.source);
      if (state.source === 'import') {
        return call('archive.write', { archivePath: state.archivePath ?? '', drivePath: drive.drive.path, format: true, unmount: drive.unmount ?? [], sessionId, training: state.training });
      }
      return call('provision.create', { ...networkPayloadFields(state.form), drivePath: drive.drive.path, unmount: drive.unmount ?? [], sessionId, training: state.training });
    });
  };
  const progress = job.progress;
  return (
    <div>
      {done ? null : (
        <div className="confirm">
          <p>
            Everything on <strong data-testid="confirm-drive" title={drive.drive.path}>{drive.displayName}</strong> will be erased. It is formatted FAT32 and {state.source === 'create' ? `the device ${deviceNameOf(state) ?? ''} is created, its archive written` : `${state.report?.fileName ?? 'the archive'} is written`} to its root, then read back to verify.
          </p>
          <UnmountNotice assessments={[drive]} />
          <button type="button" className="primary" disabled={job.status === 'running' || job.status === 'starting'} onClick={start} data-testid="write">
            Erase and write to this drive
          </button>
        </div>
      )}
      {job.status === 'running' && progress !== null ? (
        <ProgressBar label={PHASE_WORDS[progress.phase] ?? progress.phase} done={progress.bytesDone} total={progress.bytesTotal} bytes={false} />
      ) : null}
      {job.status === 'running' ? (
        <button type="button" onClick={job.cancel}>
          Cancel
        </button>
      ) : null}
      <ErrorNotice error={job.error} title={job.status === 'cancelled' ? 'Cancelled.' : 'The write did not complete.'} />
      {done ? (
        <div className="success" role="status" data-testid="written">
          <p>
            <strong>Written and verified.</strong> The drive is safe to remove.
          </p>
          <p>
            SHA-256 of the archive on the drive: <code className="hash">{state.written?.sha256 ?? state.created?.sha256}</code>
          </p>
          {state.created === null ? null : (
            <p>
              Device <strong>{state.created.deviceName}</strong> created with id <code>{state.created.deviceId}</code>.
            </p>
          )}
          {state.written?.eject.attempted === true ? <p>{state.written.eject.detail}</p> : null}
        </div>
      ) : null}
    </div>
  );
}
