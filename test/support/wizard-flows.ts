/**
 * The wizard's end-to-end flows as functions over a Playwright page, so the same flows run in the
 * browser preview (test/e2e/wizard.test.ts) and in the real Electron app
 * (test/e2e/electron-wizard.test.ts). Every check works from outside the app: the page, the
 * Training world's files in the data folder (image files, downloads), the output folders, and the
 * audit log and journal read back from disk — never the app's in-process services.
 *
 * The flows build on each other's state (which drives hold what, which certificates exist), so
 * run them in this order against a fresh data folder: training provision, keyboard create,
 * expired certificate, sanitize two drives, audit view.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { AUDIT_FILE_NAME, verifyText } from '../../main/core/audit';
import { Journal } from '../../main/core/journal';
import { fileSha256, MiB } from './images';
import { fsckFat, mtools, mtoolsImage, mustRun } from './tools';
import { checkStep, clickNext, keyboardActivate, keyboardType, waitForStep } from './wizard';

const GiB = 1024 ** 3;
/** The training drives' FAT32 partition starts at sector 2048. */
const PARTITION_OFFSET = MiB;

/** The folders the shell's folder dialog answers with, by purpose. */
export interface OutputFolders {
  logs: string;
  certificates: string;
}

export type FolderPurpose = keyof OutputFolders;

export interface FlowOptions {
  /** The app's data folder (the preview's, or PANORAMA_USB_DATA_DIR): audit log, journal, the Training world's drives and downloads. */
  dataDir: string;
  /** Put before every screenshot's name: '' in the preview, 'electron-' in the app. */
  artifactPrefix: string;
  /** Where log bundles and certificates land: the folders the shell's folder dialog answers with. */
  folders: OutputFolders;
  /**
   * Called just before a click opens the folder dialog for this purpose. The preview answers by
   * itself (previewFolders); the Electron test stubs the native dialog here to answer `folder`.
   */
  answerFolderDialog?: (purpose: FolderPurpose, folder: string) => Promise<void>;
  /**
   * Run axe with setLegacyMode(true). axe's default run finishes in a second page
   * (context.newPage()), which Electron cannot open (Target.createTarget is not supported):
   * legacy mode runs it in the page itself.
   */
  axeLegacyMode?: boolean;
}

/** The folders the preview's stand-in dialog answers with (main/preview/dialogs.ts): `<dataDir>/output/<purpose>`. */
export function previewFolders(dataDir: string): OutputFolders {
  return { logs: path.join(dataDir, 'output', 'logs'), certificates: path.join(dataDir, 'output', 'certificates') };
}

/** The API's registration and connection values: people read words, these stay in "Status codes for a support call". */
const API_ENUMS = /\b(AWAITING_PROVISIONING|AWAITING_CREDENTIALS|NOT_AVAILABLE|SUCCEEDED|PENDING|ONLINE|OFFLINE|IN_PROGRESS)\b|awaiting provisioning|not_available|awaiting_credentials/;

/**
 * Screenshot + axe + reflow (1024 px and 200 % zoom) under the flow's prefix, and what a person
 * reads on the screen: never a training drive's image path as its name, never an API enum.
 */
async function check(page: Page, options: FlowOptions, step: string): Promise<void> {
  await checkStep(page, `${options.artifactPrefix}${step}`, { legacy: options.axeLegacyMode === true });
  const text = await page.locator('body').innerText();
  expect(text, step).not.toContain(path.join('training', 'drives'));
  expect(text, step).not.toMatch(API_ENUMS);
}

async function answerFolderDialog(options: FlowOptions, purpose: FolderPurpose): Promise<void> {
  await options.answerFolderDialog?.(purpose, options.folders[purpose]);
}

/**
 * A certificate's actions where `scope` shows one: its path shortened in the middle (whole in the
 * tooltip), and in the preview "Download", whose file is byte for byte the certificate on disk;
 * in the desktop app "Open" and "Show in folder" (which hand the file to the desktop: not clicked here).
 */
async function checkCertificateActions(page: Page, options: FlowOptions, scope: Locator): Promise<void> {
  const shown = scope.getByTestId('certificate-path');
  const pdfPath = (await shown.getAttribute('title')) ?? '';
  expect(pdfPath.startsWith(options.folders.certificates)).toBe(true);
  expect(existsSync(pdfPath)).toBe(true);
  if (options.artifactPrefix === 'electron-') {
    await expect(scope.getByTestId('certificate-open').isVisible()).resolves.toBe(true);
    await expect(scope.getByTestId('certificate-show').isVisible()).resolves.toBe(true);
    return;
  }
  const [download] = await Promise.all([page.waitForEvent('download'), scope.getByTestId('certificate-download').click()]);
  expect(download.suggestedFilename()).toBe(path.basename(pdfPath));
  const saved = await download.path();
  expect(readFileSync(saved).equals(readFileSync(pdfPath))).toBe(true);
}

/** Back to a freshly loaded home screen. */
async function reloadHome(page: Page): Promise<void> {
  await page.reload();
  await page.getByTestId('app-version').waitFor();
}

const drivePath = (dataDir: string, id: string): string => path.join(dataDir, 'training', 'drives', `${id}.img`);

/** The audit log as written on disk, checked link by link (main/core/audit's verifyText). */
export function readAuditChain(dataDir: string): ReturnType<typeof verifyText> {
  const file = path.join(dataDir, AUDIT_FILE_NAME);
  return verifyText(existsSync(file) ? readFileSync(file, 'utf8') : '');
}

/** Training from the home screen: simulated console download → write → register → clean up → receipt. */
export async function trainingProvisionFlow(page: Page, options: FlowOptions): Promise<void> {
  const { dataDir } = options;
  await check(page, options, 'wizard-home');
  await page.getByTestId('path-training').click();
  await waitForStep(page, 'scenario');
  await page.getByTestId('appliance-panel').waitFor();
  // A registration that works, with newer appliance software waiting: the receipt offers the update.
  await page.getByTestId('scenario').selectOption('update-available');
  // Short names in the picker, the chosen scenario's whole summary under it.
  await expect.poll(() => page.getByTestId('scenario').locator('option:checked').textContent()).toBe('Update available');
  await expect(page.getByTestId('scenario-summary').textContent()).resolves.toMatch(/newer appliance software is available/);
  await check(page, options, 'training-1-scenario');

  await clickNext(page, 'source');
  await page.getByTestId('download-name').fill('lobby-cam-01');
  await page.getByTestId('console-download').click();
  await page.getByTestId('imported').waitFor();
  const download = path.join(dataDir, 'training', 'downloads', 'certificates-omni_lobby-cam-01.zip');
  expect(existsSync(download)).toBe(true);
  await check(page, options, 'training-2-source');

  await clickNext(page, 'review');
  await expect(page.getByTestId('review').textContent()).resolves.toContain('lobby-cam-01');
  await expect(page.getByTestId('countdown').textContent()).resolves.toMatch(/left/);
  // The site network checklist, collapsed until asked for, from the archive just downloaded.
  await expect(page.getByTestId('site-checklist').getAttribute('open')).resolves.toBeNull();
  await page.getByTestId('site-checklist').locator('summary').click();
  await expect(page.locator('[data-rule="aws-iot"]').textContent()).resolves.toContain('*.iot.us-east-1.amazonaws.com');
  await expect(page.locator('[data-rule="aws-iot"]').textContent()).resolves.toContain('TCP 443');
  await expect(page.locator('[data-rule="inbound"]').textContent()).resolves.toMatch(/^deny/);
  await check(page, options, 'training-3-review');
  // Printed, the checklist alone is on paper (print media), the wizard around it is not.
  await page.evaluate(() => {
    window.print = () => undefined;
  });
  await page.getByTestId('site-print').click();
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByTestId('site-rules').isVisible()).resolves.toBe(true);
  await expect(page.locator('#step-title').evaluate((element) => getComputedStyle(element).visibility)).resolves.toBe('hidden');
  await page.emulateMedia({ media: 'screen' });
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  await expect(page.locator('#step-title').evaluate((element) => getComputedStyle(element).visibility)).resolves.toBe('visible');

  await clickNext(page, 'drive');
  await page.getByTestId('drive-option-0').check();
  await expect(page.locator('label', { has: page.getByTestId('drive-option-0') }).textContent()).resolves.toBe('Training drive 1');
  await check(page, options, 'training-4-drive');

  await clickNext(page, 'write');
  await expect(page.getByTestId('confirm-drive').textContent()).resolves.toBe('Training drive 1');
  await page.getByTestId('write').click();
  await page.getByTestId('written').waitFor({ timeout: 30_000 });
  await check(page, options, 'training-5-write');
  expect(mtools('mdir', ['-b', '-i', mtoolsImage(drivePath(dataDir, 'drive-1'), PARTITION_OFFSET), '::']).trim()).toBe('::/certificates-omni_lobby-cam-01.zip');

  await clickNext(page, 'register');
  // The service's 30-second monitoring job: the step says why "online" can come after the green light.
  await expect(page.getByTestId('online-lag').textContent()).resolves.toMatch(/lag .* up to 30 seconds.* checks .* every 30 seconds/);
  await page.getByTestId('plug-drive-1').click();
  // Once the appliance has begun registering, the certificate's countdown has done its job.
  await page.locator('[data-testid="countdown"][data-over="true"]').waitFor({ timeout: 60_000 });
  await page.getByTestId('registered').waitFor({ timeout: 60_000 });
  await page.locator('[data-testid="appliance-lights"][data-lights="green"]').waitFor({ timeout: 30_000 });
  // The timeline in words, from the table the CLI shares; the API's values only under "Status codes for a support call".
  const words = await page.getByTestId('timeline-words').allTextContents();
  // How many middle states a poll sees depends on timing: each one seen is in words.
  expect(words[0]).toBe('Waiting for the appliance to read the drive');
  expect(words.at(-1)).toBe('Registered and online');
  for (const said of words) expect(['Waiting for the appliance to read the drive', 'Credentials being exchanged', 'The appliance is registering', 'Registered; waiting for the service to see it online (it checks every 30 seconds)', 'Registered and online']).toContain(said);
  await expect(page.getByTestId('timeline-raw').locator('code').allTextContents()).resolves.toContain('SUCCEEDED / ONLINE');
  await expect(page.getByTestId('appliance-message').textContent()).resolves.toMatch(/^Registered as device-\S+: green light$/);
  // Registered: the certificate's countdown has ended and says why, instead of still counting.
  await expect(page.locator('[data-testid="countdown"][data-over="true"]').textContent()).resolves.toMatch(/no longer counts — the appliance has registered/);
  await expect(page.getByTestId('countdown').getByRole('timer').count()).resolves.toBe(0);
  await check(page, options, 'training-6-register');

  await clickNext(page, 'clean-up');
  // Like a real stick, the drive comes out of the appliance before its logs are read.
  await page.getByTestId('unplug').click();
  await page.getByTestId('plug-drive-1').waitFor();
  await answerFolderDialog(options, 'logs');
  await page.getByTestId('collect-logs').click();
  await page.getByTestId('logs-collected').waitFor({ timeout: 30_000 });
  await page.getByTestId('shred').click();
  await page.getByTestId('shred-results').waitFor();
  expect(existsSync(download)).toBe(false);
  await answerFolderDialog(options, 'certificates');
  await page.getByTestId('certificate-folder').click();
  await page.getByText('Certificate of sanitization: ').locator('code').waitFor();
  await expect(page.getByTestId('sanitize').textContent()).resolves.toBe('Sanitize Training drive 1');
  await page.getByTestId('sanitize').click();
  await page.locator('[data-testid="sanitized"][data-outcome="sanitized"]').waitFor({ timeout: 60_000 });
  await checkCertificateActions(page, options, page.getByTestId('sanitized'));
  await check(page, options, 'training-7-clean-up');

  await clickNext(page, 'done');
  const deviceId = (await page.getByTestId('receipt-device-id').textContent()) ?? '';
  expect(deviceId).toMatch(/^device-/);
  await page.getByTestId('software-check').click();
  await expect(page.getByTestId('software-result').textContent()).resolves.toContain('Update available');
  await page.getByTestId('software-update').click();
  await page.getByTestId('software-updated').waitFor({ timeout: 60_000 });
  // The archive is shredded by now: the receipt keeps the checklist Review made.
  await expect(page.getByTestId('receipt').getByTestId('site-checklist').locator('[data-rule="aws-iot"]').textContent()).resolves.toContain('*.iot.us-east-1.amazonaws.com');
  await check(page, options, 'training-8-done');
  await page.getByTestId('finish').click();
  await page.getByRole('heading', { name: 'What do you want to do?' }).waitFor();

  // The drive was quick-erased and reformatted: a clean FAT32 volume without the archive.
  expect(fsckFat(drivePath(dataDir, 'drive-1'), PARTITION_OFFSET, GiB - PARTITION_OFFSET).status).toBe(0);
  expect(mtools('mdir', ['-b', '-i', mtoolsImage(drivePath(dataDir, 'drive-1'), PARTITION_OFFSET), '::']).trim()).toBe('');
  const bundles = readdirSync(options.folders.logs);
  expect(bundles).toHaveLength(1);
  expect(mustRun('unzip', ['-Z1', path.join(options.folders.logs, bundles[0] ?? '')])).toMatch(/\.log/);
  // The journal on disk has nothing pending for this finished session; the audit chain on disk holds.
  await expect(Journal.open(dataDir).pending()).resolves.toEqual([]);
  const audit = readAuditChain(dataDir);
  expect(audit.verification).toMatchObject({ ok: true, brokenAt: null });
  const actions = audit.entries.map((entry) => entry.action);
  for (const action of ['inspect', 'write', 'registration', 'collect-logs', 'shred', 'sanitize']) expect(actions).toContain(action);
}

/** The Provision path with "create the device now", driven with the keyboard alone. */
export async function createFlowWithKeyboard(page: Page, options: FlowOptions): Promise<void> {
  await reloadHome(page);
  await keyboardActivate(page, 'path-provision');
  await waitForStep(page, 'source');
  // Radios: Tab reaches the checked one, arrows move the choice.
  await keyboardActivate(page, 'source-import', 'ArrowDown');
  await keyboardType(page, 'form-name', 'dock cam');
  await expect(page.locator('#form-name-problem').textContent()).resolves.toContain('no spaces');
  // ControlOrMeta: Select all on macOS too, where the Electron run may happen.
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('dock-cam-02');
  await keyboardActivate(page, 'form-dhcp', 'ArrowDown');
  await keyboardType(page, 'form-ipAddress', '192.168.1.300');
  await expect(page.locator('#form-ipAddress-problem').textContent()).resolves.toContain('IPv4');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('30');
  await keyboardType(page, 'form-gateway', '192.168.1.1');
  await keyboardType(page, 'form-dns', '192.168.1.2, 192.168.1.3');
  await check(page, options, 'create-1-source');
  await keyboardActivate(page, 'next');
  await waitForStep(page, 'review');
  await expect(page.getByTestId('review').textContent()).resolves.toContain('fixed address 192.168.1.30');
  // From the form: DNS to the two servers typed, the address in every rule's "from".
  await expect(page.locator('[data-rule="dns"]').textContent()).resolves.toContain('192.168.1.2, 192.168.1.3');
  await expect(page.locator('[data-rule="aws-iot"]').textContent()).resolves.toContain('Ethernet0, 192.168.1.30');
  await check(page, options, 'create-2-review');
  await keyboardActivate(page, 'next');
  await waitForStep(page, 'drive');
  await keyboardActivate(page, 'drive-option-0', 'Space');
  await check(page, options, 'create-3-drive');
  await keyboardActivate(page, 'next');
  await waitForStep(page, 'write');
  await keyboardActivate(page, 'write');
  await page.getByTestId('written').waitFor({ timeout: 30_000 });
  await check(page, options, 'create-4-write');
  await keyboardActivate(page, 'next');
  await waitForStep(page, 'register');
  // The Provision flow in Training mode still has the Training world's appliance beside it.
  await keyboardActivate(page, 'plug-drive-1');
  await page.getByTestId('registered').waitFor({ timeout: 60_000 });
  await check(page, options, 'create-5-register');
  await keyboardActivate(page, 'next');
  await waitForStep(page, 'clean-up');
  await expect(page.getByText('there is no local copy to shred').count()).resolves.toBe(1);
  await keyboardActivate(page, 'unplug');
  await page.getByTestId('plug-drive-1').waitFor();
  await keyboardActivate(page, 'next');
  await waitForStep(page, 'done');
  await expect(page.getByTestId('receipt').textContent()).resolves.toContain('dock-cam-02');
  await expect(page.getByTestId('receipt').textContent()).resolves.toContain('Not sanitized: it still holds the archive.');
  await check(page, options, 'create-6-done');
  await keyboardActivate(page, 'finish');
  await page.getByRole('heading', { name: 'What do you want to do?' }).waitFor();
  // Finished with the drive still holding the archive: nothing pending (the user chose so), but the audit on disk says what happened.
  const audit = readAuditChain(options.dataDir);
  expect(audit.verification.ok).toBe(true);
  const provision = audit.entries.filter((entry) => entry.action === 'provision');
  expect(provision.at(-1)).toMatchObject({ outcome: 'succeeded', subject: { deviceName: 'dock-cam-02' } });
}

/** Training's expired-certificate scenario: the registration fails and the wizard gives that failure's advice. */
/**
 * From the Training flow's first step: the simulated console download of `name`, then the write
 * to the first virtual drive, up to "written and verified".
 */
export async function downloadAndWrite(page: Page, name: string): Promise<void> {
  await clickNext(page, 'source');
  await page.getByTestId('download-name').fill(name);
  await page.getByTestId('console-download').click();
  await page.getByTestId('imported').waitFor();
  await clickNext(page, 'review');
  await clickNext(page, 'drive');
  await page.getByTestId('drive-option-0').check();
  await clickNext(page, 'write');
  await page.getByTestId('write').click();
  await page.getByTestId('written').waitFor({ timeout: 30_000 });
}

export async function expiredCertificateFlow(page: Page, options: FlowOptions): Promise<void> {
  await reloadHome(page);
  await page.getByTestId('path-training').click();
  await waitForStep(page, 'scenario');
  await page.getByTestId('scenario').selectOption('expired-certificate');
  await downloadAndWrite(page, 'expired-cam');
  await clickNext(page, 'register');
  const plug = page.locator('[data-testid^="plug-drive-"]').first();
  await plug.click();
  const error = page.locator('[data-testid="error"][data-code="REGISTRATION_FAILED"]');
  await error.waitFor({ timeout: 60_000 });
  await expect(error.textContent()).resolves.toContain('Archives cannot be reused');
  await page.locator('[data-testid="appliance-lights"][data-lights="red-fast"]').waitFor({ timeout: 30_000 });
  await check(page, options, 'expired-register-failed');
  await page.getByTestId('unplug').click();
  await page.getByTestId('scenario').selectOption('success');
  await page.getByTestId('back-home').click();
}

/** The Sanitize path on drive-2 and drive-3: typed confirmation, a row per drive, a certificate each. */
export async function sanitizeTwoDrivesFlow(page: Page, options: FlowOptions): Promise<void> {
  await reloadHome(page);
  await page.getByTestId('path-sanitize').click();
  await waitForStep(page, 'drives');
  // "Check this drive" (the quick capacity check, which puts back what it overwrites): genuine,
  // and not a byte of the drive changed.
  const checked = await page.getByTestId('drive-option-2').getAttribute('value');
  if (checked === null) throw new Error('the drive option has no path');
  const before = await fileSha256(checked);
  await page.locator('li', { has: page.getByTestId('drive-option-2') }).getByTestId('check-drive').click();
  await page.locator('[data-testid="check-verdict"][data-verdict="genuine"]').waitFor({ timeout: 60_000 });
  await expect(page.getByTestId('check-verdict').textContent()).resolves.toMatch(/^Genuine: it holds the 1\.1 GB it claims\.$/);
  expect(await fileSha256(checked)).toBe(before);
  await page.getByTestId('drive-option-1').check();
  await page.getByTestId('drive-option-2').check();
  await check(page, options, 'sanitize-1-drives');
  await clickNext(page, 'method');
  await page.getByTestId('method-zero').check();
  await page.locator('#organisation').fill('Example Field Services');
  await page.locator('#technician').fill('A. Technician');
  await answerFolderDialog(options, 'certificates');
  await page.getByTestId('certificate-folder').click();
  await page.getByTestId('certificate-folder-path').waitFor();
  await check(page, options, 'sanitize-2-method');
  await clickNext(page, 'confirm');
  await expect(page.getByTestId('start-sanitize').isDisabled()).resolves.toBe(true);
  await page.getByTestId('typed-count').fill('3');
  await expect(page.getByTestId('start-sanitize').isDisabled()).resolves.toBe(true);
  await page.getByTestId('typed-count').fill('2');
  await check(page, options, 'sanitize-3-confirm');
  await page.getByTestId('start-sanitize').click();
  await waitForStep(page, 'progress');
  await expect(page.getByTestId('wipe-row').count()).resolves.toBe(2);
  await page.locator('.wipe-row progress').first().waitFor({ timeout: 30_000 });
  await expect(page.getByTestId('wipe-row').first().textContent()).resolves.toMatch(/^Training drive [23]/);
  await check(page, options, 'sanitize-4-progress');
  await waitForStep(page, 'certificates');
  await page.locator('[data-testid="result-row"]').first().waitFor({ timeout: 180_000 });
  await expect(page.locator('[data-testid="result-row"][data-outcome="sanitized"]').count()).resolves.toBe(2);
  await expect(page.getByTestId('result-drive').allTextContents()).resolves.toEqual(['Training drive 2', 'Training drive 3']);
  for (const row of await page.getByTestId('result-row').all()) await checkCertificateActions(page, options, row);
  await check(page, options, 'sanitize-5-certificates');
  const folder = options.folders.certificates;
  // The provision flow left drive-1's certificate here too.
  const pdfs = readdirSync(folder).filter((name) => name.endsWith('.pdf') && /drive-[23]/.test(name));
  expect(pdfs).toHaveLength(2);
  for (const pdf of pdfs) {
    const text = mustRun('pdftotext', [path.join(folder, pdf), '-']);
    expect(text).toContain('Clear');
    expect(text).toContain('Example Field Services');
    // The name the technician saw on screen, and the full path the wipe was done on.
    const record = JSON.parse(readFileSync(path.join(folder, pdf.replace(/\.pdf$/, '.json')), 'utf8')) as { drive: { name?: string; path: string } };
    const id = /drive-[23]/.exec(pdf)?.[0] ?? '';
    expect(record.drive).toMatchObject({ name: `Training drive ${id.slice(-1)}`, path: drivePath(options.dataDir, id) });
    expect(text).toContain(`Training drive ${id.slice(-1)}`);
  }
  for (const id of ['drive-2', 'drive-3']) expect(fsckFat(drivePath(options.dataDir, id), PARTITION_OFFSET, GiB - PARTITION_OFFSET).status).toBe(0);
  await page.getByTestId('back-home').click();
}

/** From the home screen: the audit log view, with its chain verified. */
export async function auditViewFlow(page: Page, options: FlowOptions): Promise<void> {
  await page.getByTestId('open-audit').click();
  await page.locator('[data-testid="audit-chain"][data-ok="true"]').waitFor();
  // A record, not a step: full paths and codes are what an audit log is for.
  await checkStep(page, `${options.artifactPrefix}audit-log`, { legacy: options.axeLegacyMode === true });
  await page.getByTestId('back-home').click();
}

/** The trainer's "Reset the training world": scenario back to success, every virtual drive re-made empty. */
export async function resetTrainingWorldFlow(page: Page, options: FlowOptions): Promise<void> {
  await reloadHome(page);
  await page.getByTestId('path-training').click();
  await waitForStep(page, 'scenario');
  await page.getByTestId('scenario').selectOption('slow-registration');
  await page.getByTestId('reset-world').click();
  // Three 1 GiB drives are re-made: seconds on a busy machine, announced on the button meanwhile.
  const resetButton = page.getByTestId('reset-world');
  await expect
    .poll(async () => ({ scenario: await page.getByTestId('scenario').inputValue(), resetting: await resetButton.getAttribute('data-resetting'), enabled: await resetButton.isEnabled() }), { timeout: 60_000 })
    .toEqual({ scenario: 'success', resetting: 'false', enabled: true });
  await page.locator('[data-testid="appliance-message"][data-phase="unplugged"]').waitFor();
  await check(page, options, 'training-reset');
  // Every drive was re-made: a fresh FAT32 volume with no archive on it.
  for (const id of ['drive-1', 'drive-2', 'drive-3']) {
    const image = path.join(options.dataDir, 'training', 'drives', `${id}.img`);
    expect(mtools('mdir', ['-b', '-i', mtoolsImage(image, MiB), '::']).trim()).toBe('');
  }
  const audit = readAuditChain(options.dataDir);
  expect(audit.entries.at(-1)).toMatchObject({ action: 'training', subject: { event: 'reset' } });
  await page.getByTestId('back-home').click();
}

/**
 * Registers the whole set of flow tests, in order, for one shell (the preview or Electron):
 * `page()` and `options()` are read when each test runs (both are set in beforeAll), `problems`
 * collects the page's errors.
 */
export function defineWizardFlowTests(page: () => Page, options: () => FlowOptions, problems: readonly string[]): void {
  it('Training provision flow: simulated console download → write → register → clean up → receipt', { timeout: 180_000 }, () => trainingProvisionFlow(page(), options()));
  it('create-via-API flow, with the keyboard alone', { timeout: 180_000 }, () => createFlowWithKeyboard(page(), options()));
  it("expired-certificate scenario: the registration fails and the wizard gives that failure's advice", { timeout: 180_000 }, () => expiredCertificateFlow(page(), options()));
  it('Sanitize flow with two drives: typed confirmation, a row per drive, certificates', { timeout: 240_000 }, () => sanitizeTwoDrivesFlow(page(), options()));
  it('shows the audit log with its chain verified', () => auditViewFlow(page(), options()));
  it('resets the training world from the appliance panel', { timeout: 120_000 }, () => resetTrainingWorldFlow(page(), options()));
  it('had no page errors', () => {
    expect(problems).toEqual([]);
  });
}
