/**
 * The preview runs in a browser, which cannot hand a file's path to the server: there is no
 * native open dialog. Folders (where certificates and log bundles go) are answered with a
 * folder of the preview's own data folder, said plainly in the wizard; opening an archive is
 * "not available" — Training's simulated console download stands in for it, and tests script
 * the answers.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { refused } from '../core/errors';
import type { FolderPurpose, ShellDialogs } from '../services';

export function previewDialogs(dataDir: string): ShellDialogs {
  return {
    openArchive: () =>
      Promise.reject(
        refused('DIALOG_NOT_AVAILABLE', 'The browser preview cannot open files on this computer.', 'In Training, use "Download from the simulated console"; in the app, the open dialog works.'),
      ),
    chooseFolder: async (purpose: FolderPurpose) => {
      const folder = path.join(dataDir, 'output', purpose);
      await mkdir(folder, { recursive: true, mode: 0o700 });
      return folder;
    },
    // The browser cannot be handed a file on this computer to open: "Download" saves it instead.
    openPath: () => Promise.reject(refused('NOT_AVAILABLE_IN_PREVIEW', 'The browser preview cannot open files on this computer.', 'Use "Download" to save the certificate through the browser.')),
    showInFolder: () => Promise.reject(refused('NOT_AVAILABLE_IN_PREVIEW', 'The browser preview cannot show files in their folder.', 'Use "Download" to save the certificate through the browser.')),
  };
}
