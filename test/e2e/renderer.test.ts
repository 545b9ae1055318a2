/**
 * The Vite-built renderer in a real Chromium, with window.provisioner provided by the preview's
 * bridge to the real handler table (no mock of core). Screenshots go to test/artifacts/.
 */
import { mkdirSync, rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreviewServer } from '../../main/preview/server';
import type { CoreServices } from '../../main/services';
import packageJson from '../../package.json';
import { launchChromium } from '../support/chromium';
import { runBin } from '../support/cli';
import { startTestPreview } from '../support/preview';

const ARTIFACTS = 'test/artifacts';

describe('the wizard frame in Chromium', () => {
  let server: PreviewServer;
  let services: CoreServices;
  let dataDir: string;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ({ server, services, dataDir } = await startTestPreview());
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
    });
    await page.goto(server.url);
    await page.getByTestId('app-version').waitFor();
  });

  afterAll(async () => {
    await browser.close();
    await server.close();
    // Its data folder (journal, Training world) is this test's own: nothing of it stays in /tmp.
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const focusedTestId = (): Promise<string | null> => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);

  it('shows the real app.info from core', async () => {
    await expect(page.getByTestId('app-version').textContent()).resolves.toBe(packageJson.version);
    await expect(page.getByTestId('app-platform').textContent()).resolves.toContain(process.platform === 'linux' ? 'Linux' : process.platform);
    await expect(page.getByTestId('app-mode').textContent()).resolves.toBe('Training (simulated)');
    await expect(page.getByTestId('app-shell').textContent()).resolves.toBe('Browser preview');
    const elevated = process.geteuid?.() === 0;
    await expect(page.getByTestId('app-elevated').textContent()).resolves.toMatch(elevated ? /^Running as root/ : process.platform === 'linux' ? /^Via UDisks2/ : /^Image files only/);
    await page.screenshot({ path: `${ARTIFACTS}/home.png`, fullPage: true });
  });

  it('says on Linux nothing about untried platforms, and on macOS that drive access has not run there yet', async () => {
    await expect(page.getByTestId('app-platform-note').count()).resolves.toBe(process.platform === 'linux' ? 0 : 1);
    // The same page given a Mac's app.info (the answer core gives on darwin, rewritten in flight):
    // the footer must not let a technician assume the macOS path has been tried.
    const mac = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    try {
      await mac.route('**/api/invoke/app.info', async (route) => {
        const response = await route.fetch();
        const answer = (await response.json()) as { ok: boolean; value: Record<string, unknown> };
        await route.fulfill({ response, json: { ...answer, value: { ...answer.value, platform: 'darwin', elevated: false, driveAccess: 'authopen', platformSupport: 'not-run' } } });
      });
      await mac.goto(server.url);
      await mac.getByTestId('app-platform-note').waitFor();
      await expect(mac.getByTestId('app-platform').textContent()).resolves.toMatch(/^macOS/);
      await expect(mac.getByTestId('app-elevated').textContent()).resolves.toMatch(/^Via authopen/);
      await expect(mac.getByTestId('app-platform-note').textContent()).resolves.toMatch(/has not\s+run on macOS yet/);
    } finally {
      await mac.close();
    }
  });

  it('offers the three paths, labelled for screen readers, under a Training banner', async () => {
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('What do you want to do?');
    for (const name of ['Provision an appliance', 'Sanitize drives', 'Training (simulated)']) {
      await expect(page.getByRole('button', { name: new RegExp(`^${name.replace(/[()]/g, '\\$&')}`) }).count()).resolves.toBe(1);
    }
    await expect(page.getByRole('note', { name: 'Training mode' }).isVisible()).resolves.toBe(true);
    await expect(page.getByRole('contentinfo', { name: 'About this app' }).isVisible()).resolves.toBe(true);
  });

  it('is keyboard navigable: Tab to a path, Enter opens it, Escape returns with focus restored', async () => {
    for (let presses = 0; presses < 10 && (await focusedTestId()) !== 'path-provision'; presses += 1) await page.keyboard.press('Tab');
    expect(await focusedTestId()).toBe('path-provision');
    await page.keyboard.press('Enter');
    await page.getByTestId('flow-provision').waitFor();
    // Focus moves to the step's heading so screen readers announce where they are.
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('step-title');
    await page.screenshot({ path: `${ARTIFACTS}/provision-step-1.png`, fullPage: true });

    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: 'What do you want to do?' }).waitFor();
    expect(await focusedTestId()).toBe('path-provision');

    await page.keyboard.press('Tab');
    expect(await focusedTestId()).toBe('path-sanitize');
    await page.keyboard.press('Enter');
    await page.getByTestId('flow-sanitize').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/sanitize-step-1.png`, fullPage: true });
    await page.getByTestId('back-home').click();
  });

  it('shows a step indicator with the current step marked, and the Training appliance beside it', async () => {
    await page.getByTestId('path-training').click();
    await page.getByTestId('flow-training').waitFor();
    const steps = page.getByRole('navigation', { name: /steps/ }).getByRole('listitem');
    await expect(steps.count()).resolves.toBe(8);
    await expect(page.locator('[aria-current="step"]').textContent()).resolves.toContain('Scenario');
    // Every step is built: nothing says "not available yet" any more.
    await expect(page.getByText(/not available yet/i).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Next' }).isDisabled()).resolves.toBe(false);
    await page.getByTestId('appliance-panel').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/training-step-1.png`, fullPage: true });
    await page.getByTestId('back-home').click();
  });

  it('gives the page exactly the contract bridge, and nothing of Node', async () => {
    const surface = await page.evaluate(() => ({
      keys: Object.keys(window.provisioner ?? {}).sort(),
      frozen: Object.isFrozen(window.provisioner),
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }));
    expect(surface).toEqual({ keys: ['invoke', 'on'], frozen: true, require: 'undefined', process: 'undefined' });
    const unknown = await page.evaluate(() => window.provisioner?.invoke('fs.readFile' as 'app.info', {}));
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    const invalid = await page.evaluate(() => window.provisioner?.invoke('job.cancel', { jobId: 'not-a-uuid' }));
    expect(invalid).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });

  it('shows the IAM policy for each role, the same document `panorama-usb iam-policy` prints, and copies it', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(server.url).origin });
    await page.getByTestId('open-permissions').click();
    await page.getByTestId('iam-policy').waitFor();
    const shown = async (): Promise<unknown> => JSON.parse((await page.getByTestId('iam-policy').textContent()) ?? '') as unknown;
    const cli = (role: string): unknown => JSON.parse(runBin(['iam-policy', '--role', role]).stdout) as unknown;
    await expect(shown()).resolves.toEqual(cli('technician'));
    await page.getByTestId('iam-role-it-staff').check();
    await page.waitForFunction(() => document.querySelector('[data-testid="iam-policy"]')?.textContent.includes('panorama:DeleteDevice') === true);
    await expect(shown()).resolves.toEqual(cli('it-staff'));
    await page.getByTestId('iam-copy').click();
    await page.getByTestId('iam-copied').waitFor();
    await expect(page.evaluate(() => navigator.clipboard.readText()).then((text) => JSON.parse(text) as unknown)).resolves.toEqual(cli('it-staff'));
    await page.screenshot({ path: `${ARTIFACTS}/permissions.png`, fullPage: true });
    await page.getByTestId('back-home').click();
    await page.getByRole('heading', { name: 'What do you want to do?' }).waitFor();
  });

  it('runs under the CSP with no errors or warnings in the console', () => {
    expect(problems).toEqual([]);
  });
});
