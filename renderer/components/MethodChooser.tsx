import type { WipeMethodName } from '../../preload/contract';
import { formatDuration } from '../lib/format';

export const METHODS: readonly { id: WipeMethodName; title: string; detail: string }[] = [
  { id: 'quick', title: 'Quick', detail: 'Clears the partition table, the old filesystem metadata and the first and last MiB, then formats. Old file contents stay in free space: not a sanitization (no NIST level).' },
  { id: 'zero', title: 'Zero', detail: 'One pass of zeros over every byte, then formats. NIST SP 800-88 Clear when verified.' },
  { id: 'random', title: 'Random', detail: 'One pass of a random keystream (AES-128-CTR) over every byte, then formats. NIST SP 800-88 Clear when verified.' },
  { id: 'random-zero', title: 'Random, then zero', detail: 'Both passes, then formats. NIST SP 800-88 Clear when verified.' },
];

export type VerifyModeName = 'last' | 'all' | 'off';

/** Method (with the time each would take, when known) and verification. */
export function MethodChooser({ method, verify, estimates, onMethod, onVerify }: { method: WipeMethodName; verify: VerifyModeName; estimates: Partial<Record<WipeMethodName, number>> | null; onMethod: (method: WipeMethodName) => void; onVerify: (verify: VerifyModeName) => void }) {
  return (
    <div className="method-chooser">
      <fieldset>
        <legend>Method</legend>
        <ul className="choices">
          {METHODS.map((option) => (
            <li key={option.id}>
              <label className="choice">
                <input type="radio" name="method" value={option.id} checked={method === option.id} onChange={() => onMethod(option.id)} data-testid={`method-${option.id}`} />
                <span>
                  <strong>{option.title}</strong>
                  {estimates?.[option.id] === undefined ? '' : ` — about ${formatDuration(estimates[option.id] ?? 0)} on a typical USB stick`}
                  <br />
                  <span className="hint">{option.detail}</span>
                </span>
              </label>
            </li>
          ))}
        </ul>
      </fieldset>
      <label>
        Verification{' '}
        <select value={verify} onChange={(event) => onVerify(event.target.value as VerifyModeName)} data-testid="verify">
          <option value="last">Read back the last pass (recommended)</option>
          <option value="all">Read back every pass</option>
          <option value="off">No read-back (not a NIST Clear)</option>
        </select>
      </label>
      <p className="hint">Flash drives cannot be Purged by overwriting: their controllers keep spare blocks no overwrite reaches. The best an overwrite reaches is NIST SP 800-88 &ldquo;Clear&rdquo;.</p>
    </div>
  );
}
