/**
 * Driving the wizard in Chromium: every step is screenshotted under test/artifacts/ and checked
 * with axe-core (zero serious or critical violations), and the keyboard-only helpers move focus
 * with Tab alone.
 */
import { mkdirSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

export const ARTIFACTS = 'test/artifacts';

/**
 * Screenshot + axe: the step must have no serious or critical accessibility violation.
 * `legacy`: axe's legacy mode runs inside the page (Electron cannot open the extra page the
 * normal mode needs: dequelabs/axe-core-npm#1141).
 */
export async function checkStep(page: Page, name: string, options: { legacy?: boolean } = {}): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png`, fullPage: true });
  await checkReflow(page, name);
  const results = await new AxeBuilder({ page }).setLegacyMode(options.legacy === true).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  expect(bad.map((violation) => `${name}: ${violation.id} (${violation.impact ?? ''}) ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
}

/**
 * The widths WCAG 1.4.10 (reflow) cares about for a desktop app: a 1024 px window, and the same
 * window at 200 % zoom, where the page lays out in 512 CSS pixels (a 512 px viewport lays out
 * exactly as that; its screenshot is half the pixels, nothing else differs).
 */
export const REFLOW_WIDTHS = [
  { suffix: '1024', width: 1024, height: 768 },
  { suffix: '1024-zoom200', width: 512, height: 384 },
] as const;

/**
 * Every visible element that reaches past the viewport's sides (the page would scroll sideways,
 * or a control is cut off), as "tag#id.class [data-testid]: left–right of width" lines.
 * Elements clipped away on purpose (the visually-hidden pattern: 1 px, clip) are not seen.
 */
export function overflowingElements(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const found: string[] = [];
    if (document.documentElement.scrollWidth > width) found.push(`the page is ${document.documentElement.scrollWidth} px wide in a ${width} px viewport`);
    for (const element of Array.from(document.body.querySelectorAll('*'))) {
      const box = element.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1) continue;
      const style = getComputedStyle(element);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      if (box.left < -0.5 || box.right > width + 0.5) {
        const testId = element.getAttribute('data-testid');
        const name = `${element.tagName.toLowerCase()}${element.id === '' ? '' : `#${element.id}`}${typeof element.className === 'string' && element.className !== '' ? `.${element.className.trim().split(/\s+/).join('.')}` : ''}${testId === null ? '' : ` [${testId}]`}`;
        found.push(`${name}: ${Math.round(box.left)}–${Math.round(box.right)} of ${width} (${element.textContent.trim().slice(0, 40)})`);
      }
    }
    // Text can run past its own element's box (a long hash in a narrow cell): each text node's own extent counts too.
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      if ((node.textContent ?? '').trim() === '') continue;
      range.selectNodeContents(node);
      const box = range.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1) continue;
      const parent = node.parentElement;
      if (parent === null || getComputedStyle(parent).visibility === 'hidden') continue;
      // Text inside a clipping box (visually hidden, or a scroller) does not widen the page.
      let clipped = false;
      for (let ancestor: Element | null = parent; ancestor !== null && ancestor !== document.body; ancestor = ancestor.parentElement) {
        const style = getComputedStyle(ancestor);
        if (style.overflowX !== 'visible' || !['', 'auto'].includes(style.getPropertyValue('clip'))) clipped = true;
      }
      if (clipped) continue;
      if (box.left < -0.5 || box.right > width + 0.5) found.push(`text in ${parent.tagName.toLowerCase()}: ${Math.round(box.left)}–${Math.round(box.right)} of ${width} (${(node.textContent ?? '').trim().slice(0, 40)})`);
    }
    return found;
  });
}

/**
 * A screenshot at each REFLOW_WIDTHS width (`<name>-1024.png`, `<name>-1024-zoom200.png`) and
 * no element wider than the viewport at either; the page's own size is put back afterwards.
 * Electron's window has no viewport Playwright can set: there the check is left to the preview run.
 */
export async function checkReflow(page: Page, name: string): Promise<void> {
  const original = page.viewportSize();
  if (original === null) return;
  try {
    for (const { suffix, width, height } of REFLOW_WIDTHS) {
      await page.setViewportSize({ width, height });
      // Layout settles on the next frame after a resize.
      await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
      await page.screenshot({ path: `${ARTIFACTS}/${name}-${suffix}.png`, fullPage: true });
      expect(await overflowingElements(page), `${name} at ${width} CSS px`).toEqual([]);
    }
  } finally {
    await page.setViewportSize(original);
  }
}

export function currentStep(page: Page): Promise<string | null> {
  return page.locator('[data-step]').getAttribute('data-step');
}

export async function waitForStep(page: Page, step: string): Promise<void> {
  await page.locator(`[data-step="${step}"]`).waitFor();
}

export async function clickNext(page: Page, expected: string): Promise<void> {
  await page.getByTestId('next').click();
  await waitForStep(page, expected);
}

const focusedTestId = (page: Page): Promise<string | null> => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);

/** Presses Tab until the element with this test id has focus (no mouse); fails after `limit` presses. */
export async function tabTo(page: Page, testId: string, limit = 60): Promise<void> {
  for (let presses = 0; presses < limit; presses += 1) {
    if ((await focusedTestId(page)) === testId) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached [data-testid="${testId}"] in ${limit} presses (focus on ${(await focusedTestId(page)) ?? 'nothing'})`);
}

/** Tab to a control and press a key on it (Enter for buttons, Space for checkboxes, an arrow to move a radio group's choice). */
export async function keyboardActivate(page: Page, testId: string, key: 'Enter' | 'Space' | 'ArrowDown' = 'Enter'): Promise<void> {
  await tabTo(page, testId);
  await page.keyboard.press(key);
}

/** Tab to a text field and type into it. */
export async function keyboardType(page: Page, testId: string, text: string): Promise<void> {
  await tabTo(page, testId);
  await page.keyboard.type(text);
}
