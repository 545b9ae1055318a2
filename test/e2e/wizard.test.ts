/**
 * The wizard end to end in Chromium, through the preview's bridge to the real core: the
 * Training world's simulator and virtual drives (image files), the real write, monitor, log
 * collection, shred and wipe. Every step is screenshotted and checked with axe-core; results are
 * checked with tools nobody here wrote (fsck.fat, mtools, pdftotext) and by the audit chain.
 * The flows themselves are in test/support/wizard-flows.ts, shared with the Electron run
 * (test/e2e/electron-wizard.test.ts).
 */
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe } from 'vitest';
import type { PreviewServer } from '../../main/preview/server';
import type { CoreServices } from '../../main/services';
import { launchChromium } from '../support/chromium';
import { startTestPreview } from '../support/preview';
import { defineWizardFlowTests, previewFolders, type FlowOptions } from '../support/wizard-flows';

describe('the wizard, end to end in Training', () => {
  let server: PreviewServer;
  let services: CoreServices;
  let dataDir: string;
  let browser: Browser;
  let page: Page;
  let options: FlowOptions;
  const problems: string[] = [];

  beforeAll(async () => {
    ({ server, services, dataDir } = await startTestPreview({ trainingTimeScale: 0.05 }));
    // The preview's folder "dialog" answers with <dataDir>/output/<purpose> by itself.
    options = { dataDir, artifactPrefix: '', folders: previewFolders(dataDir) };
    browser = await launchChromium();
    // axe's Playwright runner needs a page from an explicit context.
    page = await (await browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(server.url);
    await page.getByTestId('app-version').waitFor();
  }, 60_000);

  afterAll(async () => {
    await browser.close();
    await server.close();
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  defineWizardFlowTests(() => page, () => options, problems);
});
