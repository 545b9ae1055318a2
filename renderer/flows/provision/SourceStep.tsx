import { useState, type DragEvent } from 'react';
import { getProvisioner } from '../../bridge';
import { ErrorNotice } from '../../components/ErrorNotice';
import { call } from '../../lib/calls';
import { useAction } from '../../lib/hooks';
import { CreateFormFields } from './CreateFormFields';
import { NAME_PATTERN, type ProvisionState, type Update } from './state';

/** Step 1: the archive downloaded from the console (dialog, drag and drop, or Training's simulated console), or "create it now". */
export function SourceStep({ state, update, ensureSession }: { state: ProvisionState; update: Update; ensureSession: (source: 'import' | 'create') => Promise<string> }) {
  const { busy, error, setError, run } = useAction();
  const [downloadName, setDownloadName] = useState('');
  const [dragging, setDragging] = useState(false);

  const importFrom = async (archivePath: string): Promise<void> => {
    const sessionId = await ensureSession('import');
    const report = await call('archive.inspect', { path: archivePath, sessionId });
    update({ archivePath, report, source: 'import' });
  };

  const onDrop = (event: DragEvent<HTMLDivElement>): void => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file === undefined) return;
    const filePath = getProvisioner()?.pathForFile?.(file) ?? null;
    if (filePath === null) {
      setError({ code: 'DROP_NOT_AVAILABLE', message: 'This window cannot read where a dropped file is.', nextStep: state.training ? 'Use "Download from the simulated console" instead.' : 'Use "Choose the archive…" instead.' });
      return;
    }
    run(() => importFrom(filePath));
  };

  return (
    <div>
      <fieldset className="source-choice">
        <legend>Where does the configuration archive come from?</legend>
        <label className="choice">
          <input type="radio" name="source" value="import" checked={state.source === 'import'} onChange={() => update({ source: 'import' })} data-testid="source-import" />
          <span>{state.training ? 'I downloaded it from the (simulated) console' : 'I downloaded the archive from the console'}</span>
        </label>
        <label className="choice">
          <input type="radio" name="source" value="create" checked={state.source === 'create'} onChange={() => update({ source: 'create' })} data-testid="source-create" />
          <span>Create the device now — its archive goes straight to the drive, never to this computer</span>
        </label>
      </fieldset>

      {state.source === 'import' ? (
        <div className="panel">
          {state.training ? (
            <div className="inline-form">
              <label>
                Device name for the simulated console{' '}
                <input value={downloadName} onChange={(event) => setDownloadName(event.target.value)} aria-describedby="download-help" data-testid="download-name" />
              </label>
              <button type="button" disabled={busy || !NAME_PATTERN.test(downloadName)} onClick={() => run(async () => importFrom((await call('training.console-download', { name: downloadName })).path))} data-testid="console-download">
                Download from the simulated console
              </button>
              <p id="download-help" className="hint">
                Like the real console, this saves <code>certificates-omni_{downloadName || 'NAME'}.zip</code> on this computer: a local copy you will shred in the Clean up step.
              </p>
            </div>
          ) : null}
          <button type="button" disabled={busy} onClick={() => run(async () => {
            const chosen = await call('dialog.open-archive', {});
            if (chosen.path !== null) await importFrom(chosen.path);
          })} data-testid="open-archive">
            Choose the archive…
          </button>
          <div
            className={`drop-zone${dragging ? ' drop-zone--active' : ''}`}
            onDragOver={(event) => {
              event.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
          >
            Or drop <code>certificates-omni_*.zip</code> here.
          </div>
          {state.report === null ? null : (
            <p className="success" role="status" data-testid="imported">
              Imported {state.report.fileName} for device <strong>{state.report.deviceName}</strong>.
            </p>
          )}
        </div>
      ) : (
        <CreateFormFields state={state} update={update} />
      )}
      <ErrorNotice error={error} />
    </div>
  );
}
