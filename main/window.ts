/**
 * The one window and the session it lives in, hardened per Electron's security checklist:
 * content from app:// (never file://), strict CSP, sandboxed renderer with context isolation,
 * no Node in the page, navigation / new windows / webviews / permissions all denied, and no
 * request leaves for anywhere but our own protocol.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BrowserWindow, protocol, type Session, type WebContents } from 'electron';
import { securityHeaders } from './csp';
import { APP_ORIGIN, isTrustedFrameUrl } from './ipc';
import { mimeTypeFor, resolveStaticPath } from './static-files';

export const APP_SCHEME = 'app';
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Must run before `app.ready`: app:// behaves like a secure, standard origin. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves the built renderer under app://panorama/ with our security headers on every response. */
export function serveRenderer(session: Session, rendererDir: string): void {
  session.protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === 'panorama' ? resolveStaticPath(rendererDir, url.pathname) : null;
    if (file === null) return new Response('Not found', { status: 404, headers: securityHeaders() });
    try {
      const body = await readFile(file);
      return new Response(body, { status: 200, headers: { ...securityHeaders(), 'Content-Type': mimeTypeFor(file) } });
    } catch {
      return new Response('Not found', { status: 404, headers: securityHeaders() });
    }
  });
}

export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.setDisplayMediaRequestHandler((_request, callback) => callback({}));
  // The page needs nothing from the network: anything not app:// (or devtools) is cancelled.
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed = details.url.startsWith(`${APP_SCHEME}://`) || details.url.startsWith('devtools://');
    callback({ cancel: !allowed });
  });
}

/** Applied to every webContents the app ever creates (see `web-contents-created`). */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    if (!isTrustedFrameUrl(url)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!isTrustedFrameUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export function createMainWindow(options: { preloadPath: string; title: string }): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 760,
    minWidth: 720,
    minHeight: 560,
    title: options.title,
    show: false,
    backgroundColor: '#f6f7f9',
    // Written out here, not built elsewhere, so static checkers (electronegativity) can see every value.
    // The remote module these checkers also ask about was removed from Electron in v14.
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      safeDialogs: true,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_ENTRY_URL);
  return window;
}

export function defaultPaths(baseDir: string): { preloadPath: string; rendererDir: string } {
  return {
    preloadPath: path.join(baseDir, '..', 'preload', 'index.cjs'),
    rendererDir: path.join(baseDir, '..', 'renderer'),
  };
}
