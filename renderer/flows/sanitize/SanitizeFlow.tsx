import { startTransition, useEffect, useState } from 'react';
import type { DriveAssessment, SanitizeProgress, SanitizeResult, WipeMethodName } from '../../../preload/contract';
import { CertificateActions } from '../../components/CertificateActions';
import { CertificateFolder } from '../../components/CertificateFolder';
import { DrivePicker, UnmountNotice, volumesToUnmount } from '../../components/DrivePicker';
import { ErrorNotice } from '../../components/ErrorNotice';
import { FlowLayout } from '../../components/FlowLayout';
import { MethodChooser, type VerifyModeName } from '../../components/MethodChooser';
import { ProgressBar } from '../../components/ProgressBar';
import { call } from '../../lib/calls';
import { baseName, formatBytes, formatDuration } from '../../lib/format';
import { useBridgeEvent, useJob } from '../../lib/hooks';
import { useAppInfo } from '../../useAppInfo';
import type { FlowDefinition } from '../flows';
import { ThroughputChart } from './ThroughputChart';

const MAX_SAMPLES = 120;

type DriveResult = SanitizeResult['results'][number];

/** "Bad sectors: 64 KiB not written, 4 KiB not read back (every range is on the certificate)", or null. */
function badSectors(row: DriveResult): string | null {
  const total = (ranges: readonly { start: number; end: number }[]): number => ranges.reduce((sum, range) => sum + range.end - range.start, 0);
  const parts = [
    row.unwrittenRanges.length === 0 ? null : `${formatBytes(total(row.unwrittenRanges))} not written`,
    row.unverifiedRanges.length === 0 ? null : `${formatBytes(total(row.unverifiedRanges))} not read back`,
  ].filter((part): part is string => part !== null);
  return parts.length === 0 ? null : `Bad sectors: ${parts.join(', ')} (every range is on the certificate)`;
}

interface DriveProgress {
  latest: SanitizeProgress;
  speeds: number[];
  /** When its bytes last moved (Date.now()): a drive that stopped responding sends no more progress. */
  movedAt: number;
}

/** Until the app says otherwise (app.info's stallSeconds, as the CLI's): no progress for this long is "not responding". */
const DEFAULT_STALL_SECONDS = 30;

/** A clock that ticks once a second while `running`: a stalled drive's row counts without events. */
function useSeconds(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return undefined;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return now;
}

/** The Sanitize flow: several drives, a method, a typed confirmation, a row per drive, certificates. */
/** `sessionId`: the journal session whose drive this finishes (from the home screen's pending list). */
export function SanitizeFlow({ flow, training, onExit, preselected, sessionId }: { flow: FlowDefinition; training: boolean; onExit: () => void; preselected?: readonly string[]; sessionId?: string }) {
  const [chosenIndex, setIndex] = useState(0);
  const [paths, setPaths] = useState<string[]>([...(preselected ?? [])]);
  const [drives, setDrives] = useState<DriveAssessment[]>([]);
  const [method, setMethod] = useState<WipeMethodName>('zero');
  const [verify, setVerify] = useState<VerifyModeName>('last');
  const [organisation, setOrganisation] = useState('');
  const [technician, setTechnician] = useState('');
  const [folder, setFolder] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const [rows, setRows] = useState<Map<string, DriveProgress>>(new Map());
  const [estimates, setEstimates] = useState<Partial<Record<WipeMethodName, number>> | null>(null);
  const job = useJob();
  // When the wipe ends, the progress step gives way to the results by itself.
  const progressIndex = flow.steps.findIndex((step) => step.id === 'progress');
  const index = chosenIndex === progressIndex && job.end !== null ? progressIndex + 1 : chosenIndex;
  const stepId = flow.steps[index]?.id ?? 'drives';
  const result = job.end?.outcome === 'succeeded' ? (job.end.result as SanitizeResult) : null;

  useEffect(() => {
    const first = paths[0];
    if (first === undefined) return;
    call('sanitize.estimate', { drivePath: first, training }).then(setEstimates, () => setEstimates(null));
  }, [paths, training]);
  useBridgeEvent('sanitize.progress', (progress) => {
    if (progress.jobId !== job.jobId) return;
    // A transition: React may split this render and yield, so progress never makes a long task.
    startTransition(() => setRows((current) => {
      const next = new Map(current);
      const previous = current.get(progress.target);
      const moved = previous === undefined || previous.latest.bytesDone !== progress.bytesDone || previous.latest.phase !== progress.phase;
      next.set(progress.target, { latest: progress, speeds: [...(previous?.speeds ?? []), progress.bytesPerSecond].slice(-MAX_SAMPLES), movedAt: moved ? Date.now() : previous.movedAt });
      return next;
    }));
  });

  const chosenDrives = drives.filter((assessment) => paths.includes(assessment.drive.path));
  // What people call each drive: the picker's name, else the one the wipe reports, else the file name.
  const nameOf = (drivePath: string): string => drives.find((assessment) => assessment.drive.path === drivePath)?.displayName ?? rows.get(drivePath)?.latest.displayName ?? baseName(drivePath);
  const start = (): void => {
    setRows(new Map());
    setIndex(index + 1);
    void job.start(() =>
      call('sanitize.start', {
        drivePaths: paths,
        unmount: volumesToUnmount(chosenDrives),
        method,
        verify,
        certificateFolder: folder,
        training,
        ...(sessionId === undefined ? {} : { sessionId }),
        ...(organisation === '' ? {} : { organisation }),
        ...(technician === '' ? {} : { technician }),
      }),
    );
  };
  const now = useSeconds(job.status === 'running');
  const appInfo = useAppInfo();
  const stallMs = (appInfo.status === 'ready' ? appInfo.info.stallSeconds : DEFAULT_STALL_SECONDS) * 1000;
  const count = String(paths.length);
  const body = (() => {
    switch (stepId) {
      case 'drives':
        return <DrivePicker training={training} purpose="sanitize" multiple legend={training ? 'Virtual drives to sanitize' : 'Drives to sanitize'} selected={paths} onChange={(next, assessments) => { setPaths(next); setDrives(assessments); }} />;
      case 'method':
        return (
          <div>
            <MethodChooser method={method} verify={verify} estimates={estimates} onMethod={setMethod} onVerify={setVerify} />
            <div className="field-group">
              <div className="field">
                <label htmlFor="organisation">Organisation (on the certificate)</label>
                <input id="organisation" value={organisation} onChange={(event) => setOrganisation(event.target.value)} />
              </div>
              <div className="field">
                <label htmlFor="technician">Technician (on the certificate)</label>
                <input id="technician" value={technician} onChange={(event) => setTechnician(event.target.value)} />
              </div>
            </div>
            <CertificateFolder label="Certificates" choose="Choose where to save them…" folder={folder} onChange={setFolder} />
          </div>
        );
      case 'confirm':
        return (
          <div className="confirm">
            <p>Everything on these {paths.length} drives will be overwritten and cannot be recovered:</p>
            <ul data-testid="confirm-drives">
              {paths.map((drivePath) => {
                return (
                  <li key={drivePath} title={drivePath}>
                    {nameOf(drivePath)}
                  </li>
                );
              })}
            </ul>
            <UnmountNotice assessments={chosenDrives} />
            <label htmlFor="typed-count">Type the number of drives ({paths.length}) to confirm</label>{' '}
            <input id="typed-count" inputMode="numeric" value={typed} onChange={(event) => setTyped(event.target.value)} data-testid="typed-count" />
            <div>
              <button type="button" className="primary" disabled={typed.trim() !== count} onClick={start} data-testid="start-sanitize">
                Sanitize {paths.length} {paths.length === 1 ? 'drive' : 'drives'}
              </button>
            </div>
          </div>
        );
      case 'progress':
        return (
          <div>
            <ul className="wipe-rows" aria-label="Drives being sanitized">
              {paths.map((drivePath) => {
                const row = rows.get(drivePath);
                return (
                  <li key={drivePath} className="wipe-row" data-testid="wipe-row">
                    {row === undefined ? (
                      <p>{nameOf(drivePath)}: waiting…</p>
                    ) : (
                      <>
                        <ProgressBar label={`${row.latest.displayName}: ${row.latest.phase}`} done={row.latest.bytesDone} total={row.latest.bytesTotal} bytesPerSecond={row.latest.bytesPerSecond} etaSeconds={row.latest.etaSeconds}>
                          <ThroughputChart samples={row.speeds} label={`Speed of ${row.latest.displayName}, latest ${formatBytes(row.latest.bytesPerSecond)}/s`} />
                        </ProgressBar>
                        {job.status === 'running' && now - row.movedAt > stallMs ? (
                          <p className="notice notice--error" role="status" data-testid="not-responding">
                            Not responding for {formatDuration((now - row.movedAt) / 1000)}. You can cancel: the drive is then left in an unknown state, NOT sanitized.
                          </p>
                        ) : null}
                      </>
                    )}
                  </li>
                );
              })}
            </ul>
            {job.status === 'running' ? (
              <button type="button" onClick={job.cancel}>
                Cancel (drives not finished are NOT sanitized)
              </button>
            ) : null}
            <ErrorNotice error={job.error} />
          </div>
        );
      default:
        return (
          <div data-testid="sanitize-results">
            <ErrorNotice error={job.error} />
            {result === null ? null : (
              <table className="results">
                <caption>Results</caption>
                <thead>
                  <tr>
                    <th scope="col">Drive</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">NIST SP 800-88</th>
                    <th scope="col">Verification</th>
                    <th scope="col">Time</th>
                    <th scope="col">Certificate</th>
                  </tr>
                </thead>
                <tbody>
                  {result.results.map((row) => (
                    <tr key={row.target} data-testid="result-row" data-outcome={row.outcome}>
                      <td data-label="Drive" title={row.target} data-testid="result-drive">
                        {row.displayName}
                      </td>
                      <td data-label="Outcome">{row.outcome}{row.error === null ? '' : ` — ${row.error.message}`}</td>
                      <td data-label="NIST SP 800-88">{row.nistLevel === 'Clear' ? 'Clear' : 'none'}</td>
                      <td data-label="Verification">
                        {row.verification}
                        {badSectors(row) === null ? null : <div data-testid="result-bad-sectors">{badSectors(row)}</div>}
                      </td>
                      <td data-label="Time">{formatDuration(row.durationSeconds)}</td>
                      <td data-label="Certificate" data-testid="result-certificate">
                        {row.certificate !== null ? <CertificateActions pdfPath={row.certificate.pdfPath} jsonPath={row.certificate.jsonPath} driveName={row.displayName} labelled={false} /> : row.certificateError === null ? 'not asked for' : `not saved — ${row.certificateError.message}${row.certificateError.nextStep === undefined ? '' : ` ${row.certificateError.nextStep}`}`}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        );
    }
  })();
  const canAdvance = stepId === 'drives' ? paths.length > 0 : stepId === 'method';
  const showNext = stepId === 'drives' || stepId === 'method';
  return (
    <FlowLayout
      flowId={flow.id}
      title={flow.title}
      steps={flow.steps}
      currentIndex={index}
      {...(index === 0 ? { onEscape: onExit } : {})}
      actions={
        <>
          <button type="button" onClick={onExit} disabled={job.status === 'running'} data-testid="back-home">
            {stepId === 'certificates' ? 'Done' : 'Back to home'}
          </button>
          {index > 0 && ['method', 'confirm'].includes(stepId) ? (
            <button type="button" onClick={() => setIndex(index - 1)}>
              Back
            </button>
          ) : null}
          {showNext ? (
            <button type="button" className="primary" disabled={!canAdvance} onClick={() => setIndex(index + 1)} data-testid="next">
              Next
            </button>
          ) : null}
        </>
      }
    >
      {body}
    </FlowLayout>
  );
}
