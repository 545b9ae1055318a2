import { useEffect, useState } from 'react';
import type { ErrorInfo, IamPolicyView } from '../../preload/contract';
import { call, toErrorInfo } from '../lib/calls';
import { ErrorNotice } from './ErrorNotice';

type Role = IamPolicyView['role'];

const ROLE_WORDS: Readonly<Record<Role, string>> = {
  technician: 'Technician: provision, follow registration, update software',
  'it-staff': 'IT staff: also decommission (delete) devices',
};

/**
 * Help: the IAM policy this app's Panorama calls need (the same document as `panorama-usb
 * iam-policy`), with a copy button, for the administrator who creates the role.
 */
export function PermissionsView({ onExit }: { onExit: () => void }) {
  const [role, setRole] = useState<Role>('technician');
  const [view, setView] = useState<IamPolicyView | null>(null);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    call('help.iam-policy', { role }).then(
      (value) => current && setView(value),
      (failure: unknown) => current && setError(toErrorInfo(failure)),
    );
    return () => {
      current = false;
    };
  }, [role]);
  const text = view === null ? '' : JSON.stringify(view.policy, null, 2);
  const copy = (): void => {
    navigator.clipboard.writeText(text).then(
      () => setCopied('Copied: paste it as a new policy in the IAM console (JSON tab), or save it and use `aws iam create-policy --policy-document file://policy.json`.'),
      () => setCopied('The clipboard is not available here: select the policy and copy it, or run `panorama-usb iam-policy > policy.json`.'),
    );
  };
  return (
    <section aria-labelledby="permissions-title" data-testid="permissions">
      <h1 id="permissions-title" tabIndex={-1}>
        AWS permissions (IAM policy)
      </h1>
      <p>
        The least privilege this app needs in AWS Panorama: exactly the API calls it makes, nothing more. AWS&apos;s security pages recommend starting from a least-privilege policy; give this one to the role or user the technicians sign in with.
      </p>
      <fieldset className="permissions-roles">
        <legend>Role</legend>
        {(['technician', 'it-staff'] as const).map((option) => (
          <label key={option}>
            <input type="radio" name="iam-role" value={option} checked={role === option} onChange={() => {
                setCopied(null);
                setRole(option);
              }} data-testid={`iam-role-${option}`} /> {ROLE_WORDS[option]}
          </label>
        ))}
      </fieldset>
      <ErrorNotice error={error} />
      {view === null ? null : (
        <>
          <pre className="policy" data-testid="iam-policy" tabIndex={0} aria-label={`IAM policy for the ${view.role} role`}>
            {text}
          </pre>
          <button type="button" onClick={copy} data-testid="iam-copy">
            Copy policy
          </button>
          {copied === null ? null : (
            <p role="status" data-testid="iam-copied">
              {copied}
            </p>
          )}
          <ul className="hint">
            {view.notes.map((note) => (
              <li key={note}>{note}</li>
            ))}
          </ul>
        </>
      )}
      <p>
        <button type="button" onClick={onExit} data-testid="back-home">
          Back to home
        </button>
      </p>
    </section>
  );
}
