import type { ReactNode } from 'react';
import { formProblems, type CreateForm, type ProvisionState, type Update } from './state';

function Field({ id, label, problem, children, hint }: { id: string; label: string; problem: string | undefined; children: ReactNode; hint?: string }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint === undefined ? null : <p className="hint">{hint}</p>}
      {problem === undefined ? null : (
        <p className="field__problem" id={`${id}-problem`} role="status">
          {problem}
        </p>
      )}
    </div>
  );
}

/** The "create it now" form, checked as the user types (the app checks again before calling AWS). */
export function CreateFormFields({ state, update }: { state: ProvisionState; update: Update }) {
  const form = state.form;
  const problems = formProblems(form);
  const set = (patch: Partial<CreateForm>): void => update({ form: { ...form, ...patch } });
  const input = (key: keyof CreateForm, label: string, hint?: string) => (
    <Field id={`form-${key}`} label={label} problem={form[key] === '' && key !== 'name' ? undefined : problems[key]} {...(hint === undefined ? {} : { hint })}>
      <input
        id={`form-${key}`}
        value={form[key]}
        onChange={(event) => set({ [key]: event.target.value })}
        aria-invalid={problems[key] !== undefined && form[key] !== ''}
        aria-describedby={problems[key] === undefined ? undefined : `form-${key}-problem`}
        data-testid={`form-${key}`}
      />
    </Field>
  );
  return (
    <div className="panel create-form">
      {input('name', 'Device name', 'What the console will call the appliance; no personal data.')}
      {input('description', 'Description (optional)')}
      <fieldset>
        <legend>Ethernet0 network</legend>
        <label className="choice">
          <input type="radio" name="mode" checked={form.mode === 'dhcp'} onChange={() => set({ mode: 'dhcp' })} data-testid="form-dhcp" /> DHCP (automatic)
        </label>
        <label className="choice">
          <input type="radio" name="mode" checked={form.mode === 'static'} onChange={() => set({ mode: 'static' })} data-testid="form-static" /> Fixed address
        </label>
        {form.mode === 'static' ? (
          <div className="field-group">
            {input('ipAddress', 'IP address')}
            {input('mask', 'Mask')}
            {input('gateway', 'Gateway')}
            {input('dns', 'DNS servers', 'Separated by commas.')}
          </div>
        ) : null}
      </fieldset>
      {input('ntp', 'NTP servers (optional)', 'Separated by commas; empty for the defaults.')}
      {state.training ? (
        <p className="hint">Training: the device is created on the built-in simulator; no AWS account is used.</p>
      ) : (
        <div className="field-group">
          {input('region', 'AWS Region (optional)', 'Empty: your default region.')}
          {input('profile', 'AWS profile (optional)', 'Empty: your default credentials.')}
        </div>
      )}
    </div>
  );
}
