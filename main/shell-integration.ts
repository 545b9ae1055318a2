/**
 * What the desktop does around long jobs, in the Electron shell only: the machine kept awake
 * while drives are wiped, the taskbar/dock progress bar, a notification when a registration
 * ends, and a question before quitting while a job runs (a write or wipe stopped half-way
 * leaves a drive holding part of a secret or no volume at all).
 */
import { dialog, Notification, powerSaveBlocker, shell, type BrowserWindow } from 'electron';
import { failed } from './core/errors';
import type { CoreServices, FolderPurpose, ShellDialogs } from './services';

const FOLDER_TITLES: Readonly<Record<FolderPurpose, string>> = {
  certificates: 'Where should the certificates of sanitization be saved?',
  logs: "Where should the appliance's log bundle be saved?",
  'audit-export': 'Where should the exported audit log be saved?',
};

export function electronDialogs(window: () => BrowserWindow | null): ShellDialogs {
  return {
    openArchive: async () => {
      const parent = window();
      const options = { title: 'Open the configuration archive', properties: ['openFile' as const], filters: [{ name: 'Configuration archive (certificates-omni_*.zip)', extensions: ['zip'] }] };
      const result = parent === null ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(parent, options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    chooseFolder: async (purpose) => {
      const parent = window();
      const options = { title: FOLDER_TITLES[purpose], properties: ['openDirectory' as const, 'createDirectory' as const] };
      const result = parent === null ? await dialog.showOpenDialog(options) : await dialog.showOpenDialog(parent, options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    // Only paths WrittenFiles verified get here: files this run wrote, inside a folder chosen in the dialog above.
    openPath: async (file) => {
      const problem = await shell.openPath(file);
      if (problem !== '') throw failed('OPEN_FAILED', `The desktop could not open ${file}: ${problem}`, 'Use "Show in folder" and open it from there, or check that an app for this kind of file is installed.');
    },
    showInFolder: (file) => {
      shell.showItemInFolder(file);
      return Promise.resolve();
    },
  };
}

export function integrateWithDesktop(services: CoreServices, window: () => BrowserWindow | null): void {
  const blockers = new Map<string, number>();
  services.jobs.events.on('progress', (progress) => {
    const win = window();
    if (win !== null && progress.bytesTotal > 0) win.setProgressBar(progress.bytesDone / progress.bytesTotal);
  });
  services.events.on('sanitize.progress', (progress) => {
    if (!blockers.has(progress.jobId)) blockers.set(progress.jobId, powerSaveBlocker.start('prevent-app-suspension'));
  });
  services.jobs.events.on('ended', (end) => {
    const blocker = blockers.get(end.jobId);
    if (blocker !== undefined) {
      powerSaveBlocker.stop(blocker);
      blockers.delete(end.jobId);
    }
    window()?.setProgressBar(-1);
    if (end.kind === 'monitor' && Notification.isSupported()) {
      const body = end.outcome === 'succeeded' ? 'The appliance registered and is online.' : end.error.message;
      new Notification({ title: end.outcome === 'succeeded' ? 'Registration complete' : 'Registration did not complete', body }).show();
    }
  });
}

/** Asks before closing while jobs run; returns true when the window may close. */
export async function confirmQuit(services: CoreServices, window: BrowserWindow): Promise<boolean> {
  const running = services.jobs.list();
  if (running.length === 0) return true;
  const kinds = [...new Set(running.map((job) => job.kind))].join(', ');
  const { response } = await dialog.showMessageBox(window, {
    type: 'warning',
    buttons: ['Keep working', 'Stop and quit'],
    defaultId: 0,
    cancelId: 0,
    title: 'A job is still running',
    message: `Still running: ${kinds}.`,
    detail: 'Quitting stops it. A write or wipe stopped half-way leaves the drive unfinished: it will be listed as pending the next time you start.',
  });
  return response === 1;
}
