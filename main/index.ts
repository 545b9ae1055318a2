/**
 * Electron entry, kept thin: lifecycle, one hardened window, the bridge. All real work is in
 * main/core (plain Node), reached only through the contract's handler table.
 */
import { app, ipcMain, session, type BrowserWindow } from 'electron';
import { PRODUCT } from './core/app';
import { createHandlerTable, forwardEvents, ipcEventChannel, registerIpcHandlers } from './ipc';
import { createCoreServices } from './services';
import { createMainWindow, defaultPaths, hardenSession, hardenWebContents, registerAppScheme, serveRenderer } from './window';

const trainingMode = process.argv.includes('--training') || process.env['PANORAMA_USB_TRAINING'] === '1';

app.enableSandbox();
registerAppScheme();

// A second instance would race the first for the same drives: it hands over to the first and quits.
const isFirstInstance = app.requestSingleInstanceLock();

app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

let mainWindow: BrowserWindow | null = null;

async function start(): Promise<void> {
  await app.whenReady();
  const { preloadPath, rendererDir } = defaultPaths(__dirname);
  hardenSession(session.defaultSession);
  serveRenderer(session.defaultSession, rendererDir);

  const services = createCoreServices({ shell: 'electron', trainingMode, trainingModeLocked: false });
  registerIpcHandlers(ipcMain, createHandlerTable(services));
  forwardEvents(services, (channel, payload) => {
    if (mainWindow !== null && !mainWindow.isDestroyed()) mainWindow.webContents.send(ipcEventChannel(channel), payload);
  });

  mainWindow = createMainWindow({ preloadPath, title: PRODUCT.productName });
  mainWindow.on('closed', () => {
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
