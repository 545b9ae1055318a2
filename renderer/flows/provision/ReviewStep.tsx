import { Countdown } from '../../components/Countdown';
import { SiteChecklist } from '../../components/SiteChecklist';
import { siteChecklistSource } from './network';
import { networkInWords, splitList, type ProvisionState, type Update } from './state';

/** Step 2: what will be written, in words, before any drive is touched. */
export function ReviewStep({ state, update }: { state: ProvisionState; update: Update }) {
  const checklistSource = siteChecklistSource(state);
  const checklist = checklistSource === null ? null : <SiteChecklist source={checklistSource} onLoaded={(siteChecklist) => update({ siteChecklist })} />;
  if (state.source === 'create') {
    const form = state.form;
    return (
      <div data-testid="review">
      <dl className="facts">
        <dt>Device name</dt>
        <dd>{form.name}</dd>
        {form.description === '' ? null : (
          <>
            <dt>Description</dt>
            <dd>{form.description}</dd>
          </>
        )}
        <dt>Network</dt>
        <dd>{networkInWords(form)}</dd>
        <dt>Provisioning certificate</dt>
        <dd>Issued when the device is created at the Write step, valid for about 5 minutes: plug the drive into the appliance right after writing.</dd>
        <dt>Where the archive goes</dt>
        <dd>Straight from {state.training ? 'the simulator' : 'AWS'} onto the drive; it is never saved on this computer.{splitList(form.ntp).length > 0 ? '' : ''}</dd>
      </dl>
      {checklist}
      </div>
    );
  }
  const report = state.report;
  if (report === null) return <p>No archive imported yet: go back to Source.</p>;
  const device = report.certificates.find((certificate) => !certificate.isCertificateAuthority) ?? report.certificates[0];
  const expired = device !== undefined && device.secondsLeft <= 0;
  return (
    <div data-testid="review">
      <dl className="facts">
        <dt>Device name</dt>
        <dd>{report.deviceName}</dd>
        <dt>Archive</dt>
        <dd>
          {report.fileName} ({report.entries.length} files, SHA-256 <code className="hash">{report.sha256.slice(0, 16)}…</code>)
        </dd>
        <dt>Network</dt>
        <dd>{report.network?.text ?? 'No network configuration in the archive: the appliance uses DHCP.'}</dd>
        <dt>Provisioning certificate</dt>
        <dd>{device?.validityText ?? 'No certificate found in the archive.'}</dd>
      </dl>
      <Countdown until={report.certificateExpiresAt} label="Certificate valid for" />
      {expired ? (
        <p className="warning" role="alert">
          This certificate has expired: the appliance will refuse it. Download a new archive from the console (the device must be created again), or continue to practise what the failure looks like.
        </p>
      ) : null}
      {report.warnings.map((warning) => (
        <p key={warning} className="warning">
          Warning: {warning}
        </p>
      ))}
      {checklist}
    </div>
  );
}
