import { call } from '../lib/calls';
import { useAction } from '../lib/hooks';
import { ErrorNotice } from './ErrorNotice';

/** Where certificates of sanitization go: "not saved" until the user picks a folder in the dialog. */
export function CertificateFolder({ label, choose, folder, onChange }: { label: string; choose: string; folder: string | null; onChange: (folder: string | null) => void }) {
  const { error, run } = useAction();
  const pick = (): void =>
    run(async () => {
      const chosen = await call('dialog.choose-folder', { purpose: 'certificates' });
      // Cancelling the dialog keeps the folder chosen before.
      if (chosen.path !== null) onChange(chosen.path);
    });
  return (
    <>
      <p>
        {label}: {folder === null ? 'not saved' : <code data-testid="certificate-folder-path">{folder}</code>}{' '}
        <button type="button" onClick={pick} data-testid="certificate-folder">
          {choose}
        </button>
      </p>
      <ErrorNotice error={error} />
    </>
  );
}
