import { useEffect, useState } from 'react';
import type { Leftover, ResponseOf, SanitizeProgress, SanitizeResult, WipeMethodName } from '../../../preload/contract';
import { CertificateActions } from '../../components/CertificateActions';
import { CertificateFolder } from '../../components/CertificateFolder';
import { UnmountNotice, volumesToUnmount } from '../../components/DrivePicker';
import { ErrorNotice } from '../../components/ErrorNotice';
import { MethodChooser, type VerifyModeName } from '../../components/MethodChooser';
import { MiddlePath } from '../../components/MiddlePath';
import { ProgressBar } from '../../components/ProgressBar';
import { call } from '../../lib/calls';
import { formatBytes, formatTime } from '../../lib/format';
import { useAction, useBridgeEvent, useJob, usePolling } from '../../lib/hooks';
import type { ProvisionState, Update } from './state';

/** Step 6: logs off the drive, local copies shredded (and a scan for others), the drive sanitized. */
export function CleanupStep({ state, update }: { state: ProvisionState; update: Update }) {
  const drivePath = state.drive?.drive.path ?? '';
  const session = state.sessionId === null ? {} : { sessionId: state.sessionId };
  const logs = useAction();
  const shred = useAction();
  const scan = useAction();
  const [leftovers, setLeftovers] = useState<Leftover[] | null>(null);
  const [method, setMethod] = useState<WipeMethodName>('quick');
  const [verify, setVerify] = useState<VerifyModeName>('last');
  const [estimates, setEstimates] = useState<Partial<Record<WipeMethodName, number>> | null>(null);
  const [certificateFolder, setCertificateFolder] = useState<string | null>(null);
  const [progress, setProgress] = useState<SanitizeProgress | null>(null);
  const wipe = useJob();
  const eject = useAction();
  const [ejected, setEjected] = useState<ResponseOf<'drives.eject'> | null>(null);
  // The drive as it is now: back from the appliance, a desktop may have mounted it again.
  const { value: listed } = usePolling(() => call('drives.list', { all: true, purpose: 'sanitize', training: state.training }), 2000);
  const current = (listed ?? []).filter((assessment) => assessment.drive.path === drivePath);

  useEffect(() => {
    if (drivePath === '') return;
    call('sanitize.estimate', { drivePath, training: state.training }).then(setEstimates, () => setEstimates(null));
  }, [drivePath, state.training]);
  useBridgeEvent('sanitize.progress', (next) => {
    if (next.jobId === wipe.jobId) setProgress(next);
  });
  useEffect(() => {
    if (wipe.end?.outcome === 'succeeded') update({ sanitize: wipe.end.result as SanitizeResult });
    // Runs once per finished wipe.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [wipe.end]);

  const collect = (): void =>
    logs.run(async () => {
      const folder = (await call('dialog.choose-folder', { purpose: 'logs' })).path;
      if (folder === null) return;
      update({ logs: await call('cleanup.collect-logs', { drivePath, folder, training: state.training, ...session }) });
    });
  const shredCopies = (paths: string[]): void =>
    shred.run(async () => {
      const report = await call('cleanup.shred', { paths, ...session });
      update({ shred: { results: [...(state.shred?.results ?? []), ...report.results] } });
    });
  const sanitize = (): void => {
    setProgress(null);
    void wipe.start(() => call('sanitize.start', { drivePaths: [drivePath], unmount: volumesToUnmount(current), method, verify, certificateFolder, training: state.training, ...session }));
  };
  const driveResult = state.sanitize?.results[0] ?? null;

  return (
    <div className="cleanup">
      <section aria-labelledby="logs-title" className="panel">
        <h3 id="logs-title">1. Collect the appliance's logs</h3>
        <p>The appliance left its provisioning logs on the drive. They are copied into a support bundle, with certificate and key material blanked out, before the drive is wiped.</p>
        <button type="button" disabled={logs.busy} onClick={collect} data-testid="collect-logs">
          Collect the logs…
        </button>
        {state.logs === null ? null : (
          <p className="success" role="status" data-testid="logs-collected">
            {state.logs.files} log {state.logs.files === 1 ? 'file' : 'files'} saved to <MiddlePath path={state.logs.bundlePath} /> ({state.logs.redactions} redactions).
          </p>
        )}
        {state.logs === null || state.logs.unreadable.length === 0 ? null : (
          <p className="notice notice--error" role="status" data-testid="logs-unreadable">
            Not collected — the drive could not read {state.logs.unreadable.join(', ')} (bad sectors); the bundle&apos;s manifest names {state.logs.unreadable.length === 1 ? 'it' : 'them'}.
          </p>
        )}
        <ErrorNotice error={logs.error} />
      </section>

      <section aria-labelledby="shred-title" className="panel">
        <h3 id="shred-title">2. Shred local copies of the archive</h3>
        {state.archivePath === null ? (
          <p>The archive was streamed straight to the drive: there is no local copy to shred.</p>
        ) : (
          <p>
            The archive you imported is still at <code>{state.archivePath}</code>.{' '}
            <button type="button" disabled={shred.busy || state.shred?.results.some((result) => result.path === state.archivePath && result.outcome === 'shredded') === true} onClick={() => shredCopies([state.archivePath ?? ''])} data-testid="shred">
              Shred it
            </button>
          </p>
        )}
        {state.shred === null ? null : (
          <ul data-testid="shred-results">
            {state.shred.results.map((result) => (
              <li key={result.path}>
                <code>{result.path}</code>: {result.outcome}
                {result.outcome === 'shredded' && !result.guaranteed ? ' — overwritten, but this storage cannot guarantee the old blocks are gone.' : ''}
                {result.caveat === null ? '' : ` ${result.caveat}`}
              </li>
            ))}
          </ul>
        )}
        <button type="button" disabled={scan.busy} onClick={() => scan.run(async () => setLeftovers(await call('cleanup.scan', {})))} data-testid="scan">
          Look for other copies (Downloads, Desktop, Documents, temp)
        </button>
        {leftovers === null ? null : leftovers.length === 0 ? (
          <p role="status">No other configuration archives found.</p>
        ) : (
          <div>
            <ul>
              {leftovers.map((leftover) => (
                <li key={leftover.path}>
                  <code>{leftover.path}</code> — {formatBytes(leftover.size)}, {formatTime(leftover.modifiedAt)} ({leftover.reason})
                </li>
              ))}
            </ul>
            <button type="button" disabled={shred.busy} onClick={() => shredCopies(leftovers.map((leftover) => leftover.path))}>
              Shred these {leftovers.length}
            </button>
          </div>
        )}
        <ErrorNotice error={shred.error ?? scan.error} />
      </section>

      <section aria-labelledby="sanitize-title" className="panel">
        <h3 id="sanitize-title">3. Sanitize the drive</h3>
        {driveResult === null ? (
          <>
            <MethodChooser method={method} verify={verify} estimates={estimates} onMethod={setMethod} onVerify={setVerify} />
            <CertificateFolder label="Certificate of sanitization" choose="Choose where to save it…" folder={certificateFolder} onChange={setCertificateFolder} />
            <UnmountNotice assessments={current} />
            <button type="button" className="primary" disabled={wipe.status === 'running' || wipe.status === 'starting'} onClick={sanitize} data-testid="sanitize">
              Sanitize {state.drive?.displayName ?? 'the drive'}
            </button>
          </>
        ) : null}
        {wipe.status === 'running' && progress !== null ? <ProgressBar label={progress.phase} done={progress.bytesDone} total={progress.bytesTotal} bytesPerSecond={progress.bytesPerSecond} etaSeconds={progress.etaSeconds} /> : null}
        {wipe.status === 'running' ? (
          <button type="button" onClick={wipe.cancel}>
            Cancel (the drive is then NOT sanitized)
          </button>
        ) : null}
        <ErrorNotice error={wipe.error} />
        {driveResult === null ? null : (
          <div className={driveResult.outcome === 'sanitized' ? 'success' : 'notice notice--error'} role="status" data-testid="sanitized" data-outcome={driveResult.outcome}>
            <p>
              <strong>{driveResult.outcome !== 'sanitized' ? `Not sanitized (${driveResult.outcome}).` : driveResult.method === 'quick' ? 'Quick-erased and reformatted.' : 'Sanitized and reformatted.'}</strong> NIST SP 800-88 Rev.2 level: {driveResult.nistLevel === 'Clear' ? 'Clear' : 'none'}; verification {driveResult.verification}.
              {driveResult.method === 'quick' && driveResult.outcome === 'sanitized' ? ' A quick erase removes the partition table and the file system, not the old contents of free space: use zero or random for a drive that leaves your hands.' : ''}
            </p>
            {driveResult.error === null ? null : <p>{driveResult.error.message}</p>}
            {driveResult.certificate !== null ? (
              <CertificateActions pdfPath={driveResult.certificate.pdfPath} jsonPath={driveResult.certificate.jsonPath} driveName={driveResult.displayName} />
            ) : (
              <p>No certificate was saved{driveResult.certificateError === null ? '.' : `: ${driveResult.certificateError.message}`}</p>
            )}
          </div>
        )}
      </section>

      {state.drive === null || state.drive.drive.kind === 'image' ? null : (
        <section aria-labelledby="eject-title" className="panel">
          <h3 id="eject-title">4. Eject the drive</h3>
          <p>Powers a USB drive off so it can be pulled out safely (a loop device is detached).</p>
          <UnmountNotice assessments={current} />
          <button type="button" disabled={eject.busy || ejected?.ejected === true || wipe.status === 'running'} onClick={() => eject.run(async () => setEjected(await call('drives.eject', { drivePath, unmount: volumesToUnmount(current), training: state.training })))} data-testid="eject">
            Eject {state.drive.displayName}
          </button>
          {ejected === null ? null : (
            <p className={ejected.ejected ? 'success' : 'notice'} role="status" data-testid="ejected">
              {ejected.detail.charAt(0).toUpperCase() + ejected.detail.slice(1)}.
            </p>
          )}
          <ErrorNotice error={eject.error} />
        </section>
      )}
    </div>
  );
}
