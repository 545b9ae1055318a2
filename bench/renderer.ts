/**
 * Wizard benchmarks (issue: the wizard end to end), in Debian's Chromium against the preview
 * bridge and the real core:
 *
 *   renderer JavaScript, gzipped                      goal ≤ 350 KB
 *   home screen interactive (navigation → paths usable, app.info shown), median of 5   goal ≤ 1 s
 *   during a wipe of two virtual drives:
 *     progress events per drive in any 1-second window    goal ≤ 4
 *     longest task on the page's main thread               goal ≤ 50 ms (no long tasks)
 *     longest stall of the backend's event loop            (reference: what the Electron main process would feel)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import type { CoreServices } from '../main/services';
import { median, row } from './support';

const WIDTHS = [52, 22, 24];
const ASSETS = path.join('dist', 'renderer', 'assets');

function verdict(pass: boolean, goal: string): string {
  return `${pass ? 'PASS' : 'MISS'} (goal ${goal})`;
}

function rendererGzipBytes(): number {
  return readdirSync(ASSETS)
    .filter((name) => name.endsWith('.js'))
    .reduce((sum, name) => sum + gzipSync(readFileSync(path.join(ASSETS, name)), { level: 9 }).length, 0);
}

/** Milliseconds from navigation start until the home's paths are enabled and app.info has arrived. */
async function timeToInteractive(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(() => {
    const version = document.querySelector('[data-testid="app-version"]');
    const path = document.querySelector<HTMLButtonElement>('[data-testid="path-provision"]');
    return version !== null && version.textContent !== '' && path !== null && !path.disabled;
  });
  return page.evaluate(() => performance.now());
}

/** The most events of one drive inside any window of 1000 ms. */
function maxPerSecond(events: readonly { target: string; at: number }[]): number {
  let most = 0;
  for (const target of new Set(events.map((event) => event.target))) {
    const times = events.filter((event) => event.target === target).map((event) => event.at);
    for (let first = 0, last = 0; last < times.length; last += 1) {
      while ((times[last] ?? 0) - (times[first] ?? 0) >= 1000) first += 1;
      most = Math.max(most, last - first + 1);
    }
  }
  return most;
}

interface WipeObservation {
  /** Measured where they are sent (the page's arrival times add network and scheduling jitter). */
  maxEventsPerSecond: number;
  maxArrivalsPerSecond: number;
  longestTaskMs: number;
  longTasks: number;
  events: number;
}

/** Runs the Sanitize flow on two virtual drives through the UI while the page records long tasks and progress events. */
async function observeWipe(page: Page, services: CoreServices): Promise<WipeObservation> {
  const sent: { target: string; at: number }[] = [];
  const onProgress = (progress: { target: string }): void => {
    sent.push({ target: progress.target, at: performance.now() });
  };
  services.events.on('sanitize.progress', onProgress);
  await page.evaluate(() => {
    const record = window as unknown as { benchLongTasks: { at: number; ms: number }[]; benchEvents: { target: string; at: number }[] };
    record.benchLongTasks = [];
    record.benchEvents = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) record.benchLongTasks.push({ at: entry.startTime, ms: entry.duration });
    }).observe({ type: 'longtask', buffered: false });
    window.provisioner?.on('sanitize.progress', (progress) => record.benchEvents.push({ target: progress.target, at: performance.now() }));
  });
  await page.getByTestId('path-sanitize').click();
  await page.getByTestId('drive-option-0').check();
  await page.getByTestId('drive-option-1').check();
  await page.getByTestId('next').click();
  await page.getByTestId('method-zero').check();
  await page.getByTestId('next').click();
  await page.getByTestId('typed-count').fill('2');
  // Only what happens during the wipe counts (opening the flow compiles its code the first time).
  const wipeStartedAt = await page.evaluate(() => performance.now());
  await page.getByTestId('start-sanitize').click();
  await page.locator('[data-testid="result-row"]').first().waitFor({ timeout: 300_000 });
  const { longTasks, events } = await page.evaluate((since) => {
    const record = window as unknown as { benchLongTasks: { at: number; ms: number }[]; benchEvents: { target: string; at: number }[] };
    return { longTasks: record.benchLongTasks.filter((task) => task.at >= since).map((task) => task.ms), events: record.benchEvents };
  }, wipeStartedAt);
  services.events.off('sanitize.progress', onProgress);
  return { maxEventsPerSecond: maxPerSecond(sent), maxArrivalsPerSecond: maxPerSecond(events), longestTaskMs: Math.max(0, ...longTasks), longTasks: longTasks.length, events: events.length };
}

export async function benchRenderer(): Promise<void> {
  console.log('\nWizard in Chromium (preview bridge, real core, Training world)');
  const gz = rendererGzipBytes();
  console.log(row(['renderer JavaScript, gzipped', `${(gz / 1024).toFixed(0)} KB`, verdict(gz <= 350 * 1024, '≤ 350 KB')], WIDTHS));

  // Loaded here, not at the top: Playwright and the preview would otherwise weigh on every other benchmark's memory figures.
  const { launchChromium } = await import('../test/support/chromium');
  const { startTestPreview } = await import('../test/support/preview');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-renderer-'));
  const { server, services } = await startTestPreview({ dataDir, trainingTimeScale: 0.05 });
  const browser = await launchChromium();
  try {
    // The Training world (three 1 GiB virtual drives) is made once, before anything is timed.
    await services.trainingWorld();
    const times: number[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const context = await browser.newContext();
      const page = await context.newPage();
      const ms = await timeToInteractive(page, server.url);
      // The first load also warms Chromium's own caches: it is not counted.
      if (attempt > 0) times.push(ms);
      await context.close();
    }
    const interactive = median(times);
    console.log(row(['home screen interactive (median of 5)', `${interactive.toFixed(0)} ms`, verdict(interactive <= 1000, '≤ 1000 ms')], WIDTHS));

    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    await timeToInteractive(page, server.url);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const observed = await observeWipe(page, services);
    loop.disable();
    console.log(row(['wipe of 2 drives: progress events per drive, any 1 s', `${observed.maxEventsPerSecond} sent (of ${observed.events})`, verdict(observed.maxEventsPerSecond <= 4, '≤ 4')], WIDTHS));
    console.log(row(['  the same, as they arrived in the page', `${observed.maxArrivalsPerSecond}`, '(reference: adds transport jitter)'], WIDTHS));
    console.log(row(['wipe of 2 drives: longest task on the page', `${observed.longestTaskMs.toFixed(0)} ms (${observed.longTasks} over 50)`, verdict(observed.longTasks === 0, 'no task > 50 ms')], WIDTHS));
    console.log(row(['wipe of 2 drives: longest backend event-loop stall', `${(loop.max / 1e6).toFixed(0)} ms`, '(reference)'], WIDTHS));
    await context.close();
  } finally {
    await browser.close();
    await server.close();
    await services.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
