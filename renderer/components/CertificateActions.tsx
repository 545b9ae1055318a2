/**
 * What a person does with a certificate of sanitization once it is written: in the desktop app,
 * open it or show it in its folder (the app checks it wrote that file, in the folder chosen for
 * certificates); in the browser preview, which cannot reach files on this computer, download it.
 */
import { call } from '../lib/calls';
import { baseName } from '../lib/format';
import { useAction } from '../lib/hooks';
import { useAppInfo } from '../useAppInfo';
import { ErrorNotice } from './ErrorNotice';
import { MiddlePath } from './MiddlePath';

/** Saves bytes the bridge sent as a file the browser downloads. */
function saveAs(name: string, mimeType: string, base64: string): void {
  const bytes = Uint8Array.from(atob(base64), (character) => character.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  try {
    link.click();
  } finally {
    link.remove();
    // The download has started from the click; revoking at once can cancel it in some browsers.
    window.setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
}

/** `labelled`: false where a column header already says "Certificate". */
export function CertificateActions({ pdfPath, jsonPath, driveName, labelled = true }: { pdfPath: string; jsonPath: string; driveName?: string; labelled?: boolean }) {
  const appInfo = useAppInfo();
  const { busy, error, run } = useAction();
  const shell = appInfo.status === 'ready' ? appInfo.info.shell : null;
  // Several rows show these buttons at once: each says which certificate it acts on.
  const subject = `the certificate for ${driveName ?? baseName(pdfPath)}`;
  const reveal = (action: 'open' | 'show-in-folder'): void =>
    run(async () => {
      await call('certificate.open', { path: pdfPath, action });
    });
  const download = (file: string): void =>
    run(async () => {
      const saved = await call('certificate.download', { path: file });
      saveAs(saved.fileName, saved.mimeType, saved.base64);
    });
  return (
    <div className="certificate-actions">
      <p className="certificate-actions__path">
        {labelled ? 'Certificate: ' : null}
        <MiddlePath path={pdfPath} testId="certificate-path" />
      </p>
      {shell === 'electron' ? (
        <div className="certificate-actions__buttons">
          <button type="button" disabled={busy} onClick={() => reveal('open')} aria-label={`Open ${subject}`} data-testid="certificate-open">
            Open
          </button>
          <button type="button" disabled={busy} onClick={() => reveal('show-in-folder')} aria-label={`Show in folder: ${subject}`} data-testid="certificate-show">
            Show in folder
          </button>
        </div>
      ) : null}
      {shell === 'preview' ? (
        <div className="certificate-actions__buttons">
          <button type="button" disabled={busy} onClick={() => download(pdfPath)} aria-label={`Download ${subject}`} data-testid="certificate-download">
            Download
          </button>
          <button type="button" disabled={busy} onClick={() => download(jsonPath)} aria-label={`Download the JSON record of ${subject}`} data-testid="certificate-download-json">
            Download the JSON record
          </button>
        </div>
      ) : null}
      <ErrorNotice error={error} title="The certificate could not be reached." />
    </div>
  );
}
