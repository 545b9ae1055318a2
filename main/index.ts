/**
 * Electron entry, kept thin: lifecycle, one hardened window, the bridge. All real work is in
 * main/core (plain Node), reached only through the contract's handler table.
 */
import path from 'node:path';
import { app, dialog, ipcMain, session, type BrowserWindow } from 'electron';
import { defaultDataDir, PRODUCT } from './core/app';
import { createHandlerTable, forwardEvents, ipcEventChannel, registerIpcHandlers } from './ipc';
import { createCoreServices } from './services';
import { confirmQuit, electronDialogs, integrateWithDesktop } from './shell-integration';
import { createMainWindow, defaultPaths, hardenSession, hardenWebContents, registerAppScheme, serveRenderer } from './window';

const trainingMode = process.argv.includes('--training') || process.env['PANORAMA_USB_TRAINING'] === '1';

// Nothing of ours runs as root: Chromium would need --no-sandbox, which the hardening forbids, and
// on Linux drives are authorised one at a time through UDisks2 and polkit instead.
if (process.platform === 'linux' && process.getuid?.() === 0) {
  dialog.showErrorBox(
    `${PRODUCT.productName} does not run as root`,
    'There is no need: start it as yourself. When you choose a drive, the system (UDisks2 and polkit) asks you to authorise that drive alone, with your desktop\'s own password prompt. An administrator can allow it without a prompt with a polkit rule (see the README).',
  );
  app.exit(1);
}

app.enableSandbox();
registerAppScheme();

// PANORAMA_USB_DATA_DIR moves the whole data folder (as for the CLI), the single-instance lock
// included: a test or demo instance must not hand over to the user's running app.
const dataDirOverride = process.env['PANORAMA_USB_DATA_DIR'];
if (dataDirOverride !== undefined && dataDirOverride !== '') app.setPath('userData', dataDirOverride);

// A second instance would race the first for the same drives: it hands over to the first and quits.
const isFirstInstance = app.requestSingleInstanceLock();

app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

let mainWindow: BrowserWindow | null = null;

async function start(): Promise<void> {
  await app.whenReady();
  const { preloadPath, rendererDir } = defaultPaths(__dirname);
  hardenSession(session.defaultSession);
  serveRenderer(session.defaultSession, rendererDir);

  const currentWindow = (): BrowserWindow | null => (mainWindow !== null && !mainWindow.isDestroyed() ? mainWindow : null);
  // PANORAMA_USB_TRAINING_TIME_SCALE speeds up the simulated appliance and service (demos, tests).
  // The records (audit log, journal, Training world) live where the CLI keeps them, so what a
  // killed `panorama-usb write` left behind shows on the home screen; Chromium's own files stay in userData.
  const dataDir = defaultDataDir();
  const timeScale = Number(process.env['PANORAMA_USB_TRAINING_TIME_SCALE'] ?? '1');
  const services = createCoreServices({
    shell: 'electron',
    trainingMode,
    trainingModeLocked: false,
    dataDir,
    dialogs: electronDialogs(currentWindow),
    // FatFs writes synchronously: they run in a worker so the window never waits on a drive.
    diskWorkerScript: path.join(__dirname, 'disk-worker.cjs'),
    ...(Number.isFinite(timeScale) && timeScale > 0 && timeScale <= 1 ? { trainingTimeScale: timeScale } : {}),
  });
  registerIpcHandlers(ipcMain, createHandlerTable(services));
  forwardEvents(services, (channel, payload) => currentWindow()?.webContents.send(ipcEventChannel(channel), payload));
  integrateWithDesktop(services, currentWindow);

  const window = createMainWindow({ preloadPath, title: PRODUCT.productName });
  mainWindow = window;
  let quitConfirmed = false;
  window.on('close', (event) => {
    if (quitConfirmed) return;
    event.preventDefault();
    void confirmQuit(services, window).then(async (quit) => {
      if (!quit) return;
      quitConfirmed = true;
      await services.close();
      window.close();
    });
  });
  window.on('closed', () => {
    mainWindow = null;
  });
}

app.on('second-instance', () => {
  if (mainWindow !== null) {
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  }
});

app.on('window-all-closed', () => app.quit());

if (isFirstInstance) {
  start().catch((error: unknown) => {
    console.error('panorama-usb failed to start:', error instanceof Error ? error.message : error);
    app.exit(1);
  });
} else {
  app.quit();
}
