import type { AppInfoState } from '../useAppInfo';

const PLATFORM_NAMES: Readonly<Record<string, string>> = { linux: 'Linux', darwin: 'macOS', win32: 'Windows' };

/** How real drives are reached, as the footer says it (the main process decides: AppInfo.driveAccess). */
const DRIVE_ACCESS_TEXT = {
  direct: 'Running as root: drives opened directly',
  udisks2: 'Via UDisks2: you will be asked to authorise',
  authopen: 'Via authopen: macOS will ask you to authorise',
  'images-only': 'Image files only (real drives need Administrator)',
} as const;

export function AppInfoPanel({ state }: { state: AppInfoState }) {
  if (state.status === 'loading') {
    return (
      <footer className="app-info" aria-label="About this app">
        <p role="status">Connecting to the app…</p>
      </footer>
    );
  }
  if (state.status === 'error') {
    return (
      <footer className="app-info app-info--error" aria-label="About this app">
        <p role="alert">
          <strong>Not connected.</strong> {state.error.message} {state.error.nextStep}
        </p>
      </footer>
    );
  }
  const { info } = state;
  return (
    <footer className="app-info" aria-label="About this app">
      <dl data-testid="app-info">
        <div>
          <dt>Version</dt>
          <dd data-testid="app-version">{info.version}</dd>
        </div>
        <div>
          <dt>Platform</dt>
          <dd data-testid="app-platform">
            {PLATFORM_NAMES[info.platform] ?? info.platform} ({info.arch})
          </dd>
        </div>
        <div>
          <dt>Mode</dt>
          <dd data-testid="app-mode">{info.trainingMode ? 'Training (simulated)' : 'Live'}</dd>
        </div>
        <div>
          <dt>Drive access</dt>
          <dd data-testid="app-elevated">{DRIVE_ACCESS_TEXT[info.driveAccess]}</dd>
        </div>
        <div>
          <dt>Running in</dt>
          <dd data-testid="app-shell">{info.shell === 'electron' ? `Desktop app (Electron ${info.versions.electron ?? ''})` : 'Browser preview'}</dd>
        </div>
      </dl>
      {info.platformSupport === 'not-run' && (
        <p role="note" data-testid="app-platform-note" className="app-info__note">
          Drive access on {PLATFORM_NAMES[info.platform] ?? info.platform} is written and tested against its tools&apos; documented outputs, but has not
          run on {PLATFORM_NAMES[info.platform] ?? info.platform} yet. Try it on a spare drive first.
        </p>
      )}
    </footer>
  );
}
