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
  const results = await new AxeBuilder({ page }).setLegacyMode(options.legacy === true).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = results.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  expect(bad.map((violation) => `${name}: ${violation.id} (${violation.impact ?? ''}) ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`)).toEqual([]);
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
