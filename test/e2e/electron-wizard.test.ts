/**
 * The wizard's end-to-end flows (test/support/wizard-flows.ts, also run in the browser preview by
 * wizard.test.ts) through the real Electron app with Playwright's _electron.launch: Training mode,
 * a temporary data folder and a sped-up simulator, all set through the environment main/index.ts
 * reads. Skipped, with the reason, where no Electron binary is installed (see electron.test.ts).
 *
 * Differences from the preview run: the folder dialogs are native (dialog.showOpenDialog), which
 * Playwright cannot click, so they are stubbed in the main process to answer folders of the
 * temporary data folder; and axe runs in legacy mode, since Electron cannot open the second page
 * axe's default run finishes in.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { findElectronBinary } from '../support/electron';
import { defineWizardFlowTests, type FlowOptions, type OutputFolders } from '../support/wizard-flows';

const binary = findElectronBinary();
const skipReason = 'reason' in binary ? binary.reason : null;
if (skipReason !== null) console.warn(`Electron wizard flows skipped: ${skipReason}.`);

/** Makes the main process's next folder dialogs answer `folder`, as if the user had chosen it. */
async function answerFolderDialogWith(app: ElectronApplication, folder: string): Promise<void> {
  await app.evaluate(({ dialog }, chosen) => {
    dialog.showOpenDialog = () => Promise.resolve({ canceled: false, filePaths: [chosen] });
  }, folder);
}

describe.skipIf(skipReason !== null)('the wizard, end to end in the desktop app (Electron, Training)', () => {
  let app: ElectronApplication | undefined;
  let page: Page;
  let dataDir: string;
  let options: FlowOptions;
  const problems: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'electron-data-'));
    // Folders "chosen" in the stubbed native dialog; deliberately not the preview's output/ layout.
    const folders: OutputFolders = { logs: path.join(dataDir, 'chosen', 'logs'), certificates: path.join(dataDir, 'chosen', 'certificates') };
    for (const folder of [folders.logs, folders.certificates]) mkdirSync(folder, { recursive: true, mode: 0o700 });
    const executablePath = 'path' in binary ? binary.path : '';
    // As root, Chromium's OS sandbox cannot start (as in electron.test.ts).
    const args = process.geteuid?.() === 0 ? ['--no-sandbox', '.'] : ['.'];
    const launched = await electron.launch({
      executablePath,
      args,
      env: { ...process.env, PANORAMA_USB_TRAINING: '1', PANORAMA_USB_DATA_DIR: dataDir, PANORAMA_USB_TRAINING_TIME_SCALE: '0.05' },
    });
    app = launched;
    options = {
      dataDir,
      artifactPrefix: 'electron-',
      folders,
      answerFolderDialog: (_purpose, folder) => answerFolderDialogWith(launched, folder),
      axeLegacyMode: true,
    };
    page = await launched.firstWindow();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.getByTestId('app-version').waitFor();
    await expect(page.getByTestId('app-mode').textContent()).resolves.toBe('Training (simulated)');
  }, 60_000);

  afterAll(async () => {
    if (app !== undefined) {
      // A flow that failed mid-job would make quitting ask first, in a native box nobody can click: answer "Stop and quit".
      await app
        .evaluate(({ dialog }) => {
          dialog.showMessageBox = () => Promise.resolve({ response: 1, checkboxChecked: false });
        })
        .catch(() => undefined);
      await app.close();
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  defineWizardFlowTests(() => page, () => options, problems);
});
