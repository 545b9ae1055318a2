import { useState } from 'react';
import type { ErrorInfo } from '../../preload/contract';
import { call, toErrorInfo } from '../lib/calls';
import { formatTime } from '../lib/format';
import { usePolling } from '../lib/hooks';
import { ErrorNotice } from './ErrorNotice';

/** The audit log's viewer: whether the hash chain holds, the latest entries, and an export. */
export function AuditView({ onExit }: { onExit: () => void }) {
  const { value, error } = usePolling(() => call('audit.read', { limit: 200 }), 5000);
  const [exported, setExported] = useState<string | null>(null);
  const [exportError, setExportError] = useState<ErrorInfo | null>(null);
  const exportLog = (): void => {
    setExportError(null);
    call('dialog.choose-folder', { purpose: 'audit-export' })
      .then(async ({ path }) => {
        if (path === null) return;
        const done = await call('audit.export', { folder: path });
        setExported(`${done.entries} entries exported to ${done.path} (SHA-256 ${done.sha256}). Keep the SHA-256 apart from the file: it is what shows nothing was cut from the end.`);
      })
      .catch((failure: unknown) => setExportError(toErrorInfo(failure)));
  };
  return (
    <section aria-labelledby="audit-title" data-testid="audit">
      <h1 id="audit-title" tabIndex={-1}>
        Audit log
      </h1>
      <ErrorNotice error={error} />
      {value === null ? (
        <p>Reading the audit log…</p>
      ) : (
        <>
          <p className={value.verification.ok ? 'success' : 'notice notice--error'} role="status" data-testid="audit-chain" data-ok={value.verification.ok}>
            {value.verification.ok ? `The hash chain holds: ${value.verification.entries} entries, none changed, removed or reordered.` : `The hash chain is broken at line ${value.verification.brokenAt ?? '?'}: ${value.verification.reason ?? ''}`}
          </p>
          <p className="hint">File: {value.path}</p>
          <table className="results">
            <caption>Latest entries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Time</th>
                <th scope="col">Action</th>
                <th scope="col">Outcome</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {value.entries.map((entry) => (
                <tr key={entry.seq}>
                  <td data-label="#">{entry.seq}</td>
                  <td data-label="Time">{formatTime(entry.time)}</td>
                  <td data-label="Action">{entry.action}</td>
                  <td data-label="Outcome">{entry.outcome}</td>
                  <td data-label="Details">
                    {Object.entries(entry.subject)
                      .map(([key, detail]) => `${key}: ${String(detail)}`)
                      .join('; ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <div className="actions">
        <button type="button" onClick={onExit} data-testid="back-home">
          Back to home
        </button>
        <button type="button" onClick={exportLog} data-testid="audit-export">
          Export…
        </button>
      </div>
      {exported === null ? null : <p role="status">{exported}</p>}
      <ErrorNotice error={exportError} />
    </section>
  );
}
