import { useState } from 'react';
import type { DriveAssessment } from '../../preload/contract';
import { call } from '../lib/calls';
import { usePolling } from '../lib/hooks';
import { CapacityCheckAction } from './CapacityCheck';
import { ErrorNotice } from './ErrorNotice';

const POLL_MS = 2000;

/** The drive's own volumes that are unmounted before it is written, if the person goes on. */
export function volumesToUnmount(assessments: readonly DriveAssessment[]): string[] {
  return assessments.flatMap((assessment) => assessment.unmount ?? []);
}

/** Said in every confirmation: which volumes are unmounted first (nothing when none are mounted). */
export function UnmountNotice({ assessments }: { assessments: readonly DriveAssessment[] }) {
  const volumes = volumesToUnmount(assessments);
  if (volumes.length === 0) return null;
  return (
    <p data-testid="confirm-unmount">
      First {volumes.length === 1 ? 'this volume is' : 'these volumes are'} unmounted: <strong>{volumes.join(', ')}</strong>. Close any file open on {volumes.length === 1 ? 'it' : 'them'}.
    </p>
  );
}

/** What the drives are for: written for the appliance (1 GB or more), or erased and reformatted (any size). */
export type DrivePurpose = 'provision' | 'sanitize';

const NO_DRIVE: Readonly<Record<DrivePurpose, string>> = {
  provision: 'No usable drive is plugged in. Plug in a USB drive of 1 GB or more; this list updates by itself.',
  sanitize: 'No drive that can be erased is plugged in. Plug in the USB drives to sanitize; this list updates by itself.',
};

/**
 * The drives the rules allow for `purpose`, updated live as drives come and go; refused ones
 * hidden behind a "show N hidden" button, each with its reason. One drive (radio) or several (checkboxes).
 */
export function DrivePicker({ training, purpose, multiple, selected, onChange, legend }: { training: boolean; purpose: DrivePurpose; multiple: boolean; selected: readonly string[]; onChange: (paths: string[], assessments: DriveAssessment[]) => void; legend: string }) {
  const { value, error } = usePolling(() => call('drives.list', { all: true, purpose, training }), POLL_MS);
  const [showHidden, setShowHidden] = useState(false);
  const drives = value ?? [];
  const eligible = drives.filter((assessment) => assessment.eligible);
  const refused = drives.filter((assessment) => !assessment.eligible);
  const choose = (path: string, checked: boolean): void => {
    const next = multiple ? (checked ? [...selected, path] : selected.filter((item) => item !== path)) : [path];
    onChange(next, drives.filter((assessment) => next.includes(assessment.drive.path)));
  };
  return (
    <div className="drive-picker">
      <ErrorNotice error={error} title="The drive list could not be read." />
      <fieldset>
        <legend>{legend}</legend>
        {value === null ? <p>Looking for drives…</p> : null}
        {value !== null && eligible.length === 0 ? <p data-testid="no-drives">{NO_DRIVE[purpose]}</p> : null}
        <ul className="choices">
          {eligible.map((assessment, position) => (
            <li key={assessment.drive.path}>
              <label className="choice">
                <input
                  type={multiple ? 'checkbox' : 'radio'}
                  name="drive"
                  value={assessment.drive.path}
                  checked={selected.includes(assessment.drive.path)}
                  onChange={(event) => choose(assessment.drive.path, event.target.checked)}
                  data-testid={`drive-option-${position}`}
                />
                <span title={assessment.drive.path}>{assessment.displayName}</span>
              </label>
              {assessment.unmount === undefined || assessment.unmount.length === 0 ? null : (
                <p className="note" data-testid="will-unmount">
                  Mounted at {assessment.unmount.join(', ')}; it will be unmounted.
                </p>
              )}
              {assessment.warnings.filter((warning) => warning.code !== 'WILL_UNMOUNT').map((warning) => (
                <p key={warning.code} className="warning">
                  Warning: {warning.message}
                </p>
              ))}
              <CapacityCheckAction drivePath={assessment.drive.path} training={training} />
            </li>
          ))}
        </ul>
      </fieldset>
      {refused.length > 0 ? (
        <div className="hidden-drives">
          <button type="button" className="link" aria-expanded={showHidden} onClick={() => setShowHidden((shown) => !shown)} data-testid="show-hidden">
            {showHidden ? 'Hide' : 'Show'} {refused.length} hidden {refused.length === 1 ? 'drive' : 'drives'}
          </button>
          {showHidden ? (
            <ul>
              {refused.map((assessment) => (
                <li key={assessment.drive.path}>
                  {assessment.displayName}: {assessment.refusals.map((reason) => reason.message).join(' ')}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
