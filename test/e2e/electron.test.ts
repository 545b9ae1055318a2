/**
 * The real app through Playwright's _electron.launch. Runs whenever an Electron binary is
 * installed; these CI machines cannot download one, so there it is skipped with the reason.
 * The wizard's flows in the app are in electron-wizard.test.ts.
 */
import { mkdirSync } from 'node:fs';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import packageJson from '../../package.json';
import { findElectronBinary } from '../support/electron';

const binary = findElectronBinary();
const skipReason = 'reason' in binary ? binary.reason : null;
if (skipReason !== null) console.warn(`Electron end-to-end tests skipped: ${skipReason}.`);

describe.skipIf(skipReason !== null)('the desktop app (Electron)', () => {
  let app: ElectronApplication;
  let page: Page;

  beforeAll(async () => {
    mkdirSync('test/artifacts', { recursive: true });
    const executablePath = 'path' in binary ? binary.path : '';
    // As root, Chromium's OS sandbox cannot start; the renderer's sandbox: true web preference is still checked below.
    const args = process.geteuid?.() === 0 ? ['--no-sandbox', '.'] : ['.'];
    app = await electron.launch({ executablePath, args, env: { ...process.env, PANORAMA_USB_TRAINING: '1' } });
    page = await app.firstWindow();
    await page.getByTestId('app-version').waitFor();
  });

  afterAll(async () => {
    await app.close();
  });

  it('loads the wizard from app:// and shows app.info over IPC', async () => {
    expect(page.url()).toBe('app://panorama/index.html');
    await expect(page.getByTestId('app-version').textContent()).resolves.toBe(packageJson.version);
    await expect(page.getByTestId('app-shell').textContent()).resolves.toMatch(/^Desktop app \(Electron \d+/);
    await expect(page.getByTestId('app-mode').textContent()).resolves.toBe('Training (simulated)');
    await page.screenshot({ path: 'test/artifacts/electron-home.png' });
  });

  it('gives the page the contract bridge and nothing of Node', async () => {
    const surface = await page.evaluate(() => ({
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
      keys: Object.keys(window.provisioner ?? {}).sort(),
    }));
    // pathForFile is the preload's one extra (preload/index.ts): a dropped file's path only, never its bytes.
    expect(surface).toEqual({ require: 'undefined', process: 'undefined', keys: ['invoke', 'on', 'pathForFile'] });
  });

  it('denies new windows, foreign navigation and permission requests', async () => {
    await expect(page.evaluate(() => window.open('https://example.com') === null)).resolves.toBe(true);
    expect(app.windows()).toHaveLength(1);
    await page.evaluate(() => {
      window.location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe('app://panorama/index.html');
    await expect(page.evaluate(() => Notification.requestPermission())).resolves.toBe('denied');
  });

  it('sends the CSP header with the page', async () => {
    const header = await page.evaluate(async () => (await fetch('app://panorama/index.html')).headers.get('content-security-policy'));
    expect(header).toContain("script-src 'self'");
  });
});
