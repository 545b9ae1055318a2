import { useState } from 'react';
import type { ErrorInfo } from '../../../preload/contract';
import { CertificateActions } from '../../components/CertificateActions';
import { ErrorNotice } from '../../components/ErrorNotice';
import { MiddlePath } from '../../components/MiddlePath';
import { SiteChecklist } from '../../components/SiteChecklist';
import { call, toErrorInfo } from '../../lib/calls';
import { useJob } from '../../lib/hooks';
import { formatTime } from '../../lib/format';
import { siteChecklistSource } from './network';
import { deviceNameOf, type ProvisionState } from './state';

interface SoftwareCheck {
  current: string | null;
  latest: string | null;
  updateAvailable: boolean;
}

/** Step 7: the receipt of the whole job, and the appliance software check. */
export function DoneStep({ state }: { state: ProvisionState }) {
  const [software, setSoftware] = useState<SoftwareCheck | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const deviceId = state.registration?.deviceId ?? state.created?.deviceId ?? null;
  const sanitized = state.sanitize?.results[0] ?? null;
  const update = useJob();
  const startUpdate = (imageVersion: string): void => {
    if (deviceId === null || imageVersion === '') return;
    void update.start(() => call('software.update', { deviceId, imageVersion, training: state.training }));
  };
  const check = (): void => {
    if (deviceId === null) return;
    setError(null);
    call('software.check', { deviceId, training: state.training }).then(setSoftware, (failure: unknown) => setError(toErrorInfo(failure)));
  };
  const shredded = state.shred?.results.filter((result) => result.outcome === 'shredded') ?? [];
  const unshredded = state.archivePath !== null && !shredded.some((result) => result.path === state.archivePath);
  // After cleanup the imported archive is shredded: the receipt shows the checklist Review made.
  const checklistSource = siteChecklistSource(state);
  return (
    <div data-testid="receipt">
      <h3>Receipt</h3>
      <dl className="facts">
        <dt>Device</dt>
        <dd>
          {deviceNameOf(state) ?? 'unknown'} — id <code data-testid="receipt-device-id">{deviceId ?? 'not known'}</code>
        </dd>
        <dt>Registration</dt>
        <dd>{state.registration !== null ? 'Registered and online' : state.registrationError !== null ? `Did not complete (${state.registrationError.code})` : 'Not followed'}</dd>
        <dt>Archive</dt>
        <dd>
          {state.written?.fileName ?? state.created?.fileName ?? 'not written'}, SHA-256 <code className="hash">{state.written?.sha256 ?? state.created?.sha256 ?? '—'}</code>
        </dd>
        <dt>Written</dt>
        <dd>{state.writtenAt === null ? '—' : `${formatTime(state.writtenAt)} to ${state.drive?.displayName ?? 'the drive'}, verified`}</dd>
        <dt>Logs</dt>
        <dd>{state.logs === null ? 'Not collected' : <><MiddlePath path={state.logs.bundlePath} /> (SHA-256 {state.logs.sha256.slice(0, 16)}…)</>}</dd>
        <dt>Local copies</dt>
        <dd>{state.archivePath === null ? 'None: streamed straight to the drive' : unshredded ? `NOT shredded: ${state.archivePath}` : `Shredded (${shredded.length})`}</dd>
        <dt>Drive</dt>
        <dd>
          {sanitized === null
            ? 'Not sanitized: it still holds the archive.'
            : `${sanitized.outcome === 'sanitized' && sanitized.method === 'quick' ? 'quick-erased (old contents may remain in free space)' : sanitized.outcome}, method ${sanitized.method}, NIST SP 800-88 level ${sanitized.nistLevel === 'Clear' ? 'Clear' : 'none'}${sanitized.certificate !== null ? `, certificate SHA-256 ${sanitized.certificate.sha256.slice(0, 16)}…` : sanitized.certificateError === null ? '' : `, certificate NOT saved (${sanitized.certificateError.code})`}`}
          {sanitized === null || sanitized.certificate === null ? null : <CertificateActions pdfPath={sanitized.certificate.pdfPath} jsonPath={sanitized.certificate.jsonPath} driveName={sanitized.displayName} />}
        </dd>
      </dl>
      {state.siteChecklist !== null ? <SiteChecklist known={state.siteChecklist} /> : checklistSource !== null && state.source === 'create' ? <SiteChecklist source={checklistSource} /> : null}
      <section aria-labelledby="software-title" className="panel">
        <h3 id="software-title">Appliance software</h3>
        <button type="button" disabled={deviceId === null} onClick={check} data-testid="software-check">
          Check for a software update
        </button>
        {software === null ? null : software.updateAvailable ? (
          <div>
            <p role="status" data-testid="software-result">
              Update available: {software.current ?? 'unknown'} → {software.latest ?? 'unknown'}. The appliance installs it over the air and restarts; keep it powered and online.
            </p>
            {update.status === 'idle' ? (
              <button type="button" onClick={() => startUpdate(software.latest ?? '')} data-testid="software-update">
                Install {software.latest} over the air
              </button>
            ) : null}
            {update.status === 'running' || update.status === 'starting' ? <p role="status">{update.progress?.phase ?? 'Starting the update'}…</p> : null}
            {update.status === 'succeeded' ? (
              <p className="success" role="status" data-testid="software-updated">
                Update to {software.latest} completed.
              </p>
            ) : null}
            <ErrorNotice error={update.error} title="The update did not complete." />
          </div>
        ) : (
          <p role="status" data-testid="software-result">
            Up to date: {software.current ?? 'unknown'}.
          </p>
        )}
        <ErrorNotice error={error} />
      </section>
    </div>
  );
}
