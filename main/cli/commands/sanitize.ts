/**
 * `sanitize TARGET… --method … [--verify …] [--certificate DIR]`: every drive is checked before
 * any is touched, the confirmation names each one, the drives are wiped in parallel with
 * progress, and each gets its own result (and certificate). One failing drive never stops the
 * others; the command fails if any drive was not sanitized.
 */
import { stallSeconds } from '../../core/app/info';
import { describeDrive, formatSize } from '../../core/drives';
import { cancelled, failed } from '../../core/errors';
import { passEngineFor } from '../../core/offthread';
import { certifiedWipes, checkCertificateFolder, issueCertificates } from '../../core/sanitize/certificate';
import { sanitizeDrives, type VerifyMode, type WipeMethod, type WipeProgress, type WipeResult } from '../../core/sanitize/wipe';
import { driveFacts, sanitizeSubject } from '../../core/records';
import { chooseDrive, type ChosenDrive } from '../../core/target';
import { recordWipes } from '../records';
import { FailureWithData, type CliRuntime, type CommandOutcome } from '../runtime';
import { withUnmounts } from '../unmount';
import { formatTimeLeft, textBar } from '../status-block';

const METHOD_WORDS: Readonly<Record<WipeMethod, string>> = {
  quick: 'quick (partition table, filesystem metadata, first and last MiB; not a full overwrite)',
  zero: 'one pass of zeros',
  random: 'one pass of random data (AES-128-CTR)',
  'random-zero': 'random data, then zeros',
};

/** Redraws at most this often, however many drives report (each reports at ≤ 4 Hz). */
const STATUS_INTERVAL_MS = 250;

/**
 * A note per drive's phase change; on a terminal, a status block with one bar per drive, redrawn
 * at most 4 times a second. A drive whose bytes have not moved for the stall time is said to be
 * not responding (a note, and its status line counts the time), until it moves again.
 */
function progressPrinter(runtime: CliRuntime): { onProgress: (progress: WipeProgress) => void; stop: () => void } {
  const phases = new Map<string, string>();
  // Drives keep the line they first reported on.
  const latest = new Map<string, { progress: WipeProgress; movedAt: number; stalled: boolean }>();
  const stallMs = stallSeconds() * 1000;
  let drawnAt = 0;
  const draw = (now: number): void => {
    drawnAt = now;
    const nameWidth = Math.max(...[...latest.keys()].map((target) => target.length));
    runtime.status([...latest.values()].map((state) => statusLine(state.progress, nameWidth, state.stalled ? now - state.movedAt : null)));
  };
  // Progress stops coming from a stuck drive: time is checked on a clock of its own.
  const clock = setInterval(() => {
    const now = Date.now();
    let changed = false;
    for (const state of latest.values()) {
      if (state.stalled || now - state.movedAt < stallMs) continue;
      state.stalled = true;
      changed = true;
      runtime.note(`${state.progress.target}: not responding (no progress for ${Math.round((now - state.movedAt) / 1000)} s); Ctrl+C cancels, leaving it in an unknown state`);
    }
    if (changed || [...latest.values()].some((state) => state.stalled)) draw(now);
  }, 1000);
  clock.unref();
  return {
    onProgress: (progress) => {
      const now = Date.now();
      const before = latest.get(progress.target);
      const still = before !== undefined && before.progress.bytesDone === progress.bytesDone && before.progress.phase === progress.phase;
      latest.set(progress.target, still ? { progress, movedAt: before.movedAt, stalled: before.stalled } : { progress, movedAt: now, stalled: false });
      if (phases.get(progress.target) !== progress.phase) {
        phases.set(progress.target, progress.phase);
        runtime.note(`${progress.target}: ${progress.phase}`);
      }
      if (now - drawnAt >= STATUS_INTERVAL_MS) draw(now);
    },
    stop: () => clearInterval(clock),
  };
}

/** "/dev/sdb  [████████░░░░░░░░░░░░]  41%  pass 1/2: random  31.2 MB/s  12 min left", or "… not responding for 42 s". */
function statusLine(progress: WipeProgress, nameWidth: number, stalledMs: number | null): string {
  const fraction = progress.bytesTotal > 0 ? progress.bytesDone / progress.bytesTotal : 0;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  if (stalledMs !== null) return `${progress.target.padEnd(nameWidth)}  ${textBar(fraction)} ${percent}  ${progress.phase}  NOT RESPONDING for ${formatTimeLeft(stalledMs / 1000)}`;
  // Nothing rather than "0 bytes/s" or "0 s left" before a speed is known or while formatting.
  const speed = progress.bytesPerSecond > 0 ? `  ${formatSize(progress.bytesPerSecond)}/s` : '';
  const eta = progress.etaSeconds === null || progress.etaSeconds === 0 ? '' : `  ${formatTimeLeft(progress.etaSeconds)} left`;
  return `${progress.target.padEnd(nameWidth)}  ${textBar(fraction)} ${percent}  ${progress.phase}${speed}${eta}`;
}

/** A drive's error for the summary: a cancellation's message says it all, without its code in front. */
function failureText(result: WipeResult): string {
  const message = (result.error?.message ?? '').replace(/\.$/, '');
  return result.error === null || result.error.code === 'CANCELLED' ? message : `${result.error.code}: ${message}`;
}

export async function sanitizeCommand(runtime: CliRuntime, args: string[], options: Record<string, unknown>): Promise<CommandOutcome> {
  const method = options['method'] as WipeMethod;
  const verify = (options['verify'] ?? 'last') as VerifyMode;
  const certificateDir = typeof options['certificate'] === 'string' ? options['certificate'] : undefined;
  const unique = [...new Set(args)];
  // The certificate folder and every drive (eligibility, identity) are checked before any drive is touched.
  if (certificateDir !== undefined) await checkCertificateFolder(certificateDir);
  const chosen: ChosenDrive[] = [];
  // Judged for erasing, not for the appliance: a 256 MB stick is sanitized like any other.
  for (const target of unique) chosen.push(await chooseDrive(target, 'sanitize', { unmount: options['unmount'] === true }));
  for (const drive of chosen) for (const warning of drive.assessment.warnings) runtime.note(`warning: ${drive.assessment.drive.path}: ${warning.message}`);
  const names = chosen.map((drive) => describeDrive(drive.assessment.drive)).join('; ');
  await runtime.confirm(withUnmounts(chosen, `Erase (${METHOD_WORDS[method]}) and reformat${chosen.length === 1 ? '' : ` ${chosen.length} drives:`}`), names, chosen.length > 1 ? { typed: String(chosen.length) } : {});

  const records = await runtime.records();
  const printer = progressPrinter(runtime);
  const results = await recordWipes(records, chosen.map((drive) => driveFacts(drive.assessment.drive)), { method, verify }, () =>
    sanitizeDrives(chosen, { method, verify, signal: runtime.signal, onProgress: printer.onProgress, passEngine: passEngineFor(runtime.diskWorkerScript) }).finally(printer.stop),
  );
  const wiped = certifiedWipes(results, chosen);
  // Each drive's certificate on its own: one that cannot be written leaves the others (and this report) whole.
  const issues = certificateDir === undefined ? [] : await issueCertificates(wiped, certificateDir);
  for (const [index, result] of results.entries()) {
    const issue = issues[index];
    const { outcome, subject } = sanitizeSubject(result, issue?.certificate ?? null, issue?.error ?? null);
    await records.record('sanitize', outcome, subject);
  }
  const certificates = issues.flatMap((issue) => (issue.certificate === null ? [] : [{ target: issue.target, ...issue.certificate }]));
  const unwritten = issues.flatMap((issue) => (issue.error === null ? [] : [`${issue.target}: ${issue.error.code}: ${issue.error.message.replace(/\.$/, '')}`]));
  const unwrittenText = unwritten.length === 0 ? '' : ` Certificates NOT written: ${unwritten.join('; ')}.`;
  const summary = (result: WipeResult): string =>
    `${result.target}: ${result.outcome}${result.outcome === 'sanitized' ? `, NIST SP 800-88 Rev.2 level: ${result.nistLevel === 'Clear' ? 'Clear' : 'none (not a full, verified overwrite)'}, verification ${result.verification}` : ` (${failureText(result)})`}, ${Math.round(result.durationSeconds)} s`;
  // A script sanitizing twenty sticks must learn which ones are Clear, also when some are not.
  const data = { results, certificates };
  const notSanitized = results.filter((result) => result.outcome !== 'sanitized');
  if (notSanitized.length > 0) {
    const detail = notSanitized.map(summary).join('; ');
    const written = certificates.length > 0 ? ` Certificates, each saying what was and was not done, written to ${certificateDir ?? ''}.` : '';
    if (notSanitized.every((result) => result.outcome === 'cancelled')) throw new FailureWithData(cancelled('CANCELLED', `Sanitizing was cancelled: ${detail}. The drives are NOT sanitized.${written}`, 'Run it again to sanitize them.'), data);
    throw new FailureWithData(failed('SANITIZE_INCOMPLETE', `${results.length - notSanitized.length} of ${results.length} drives sanitized. Not sanitized: ${detail}.${written}${unwrittenText}`, 'Check the drives named (reseat or replace them) and sanitize them again.'), data);
  }
  if (unwritten.length > 0) {
    const written = certificates.length > 0 ? ` Certificates written: ${certificates.map((certificate) => certificate.pdfPath).join(', ')}.` : '';
    throw new FailureWithData(failed('CERTIFICATE_NOT_WRITTEN', `Every drive was sanitized (${results.map(summary).join('; ')}), but not every certificate could be written.${unwrittenText}${written}`, 'A certificate is made when its wipe ends: free space in (or restore) the certificate folder, then sanitize the drives named again to get theirs.'), data);
  }
  const lines = [
    ...results.map(summary),
    'Flash media (USB sticks, SD cards) cannot be Purged by overwriting: the best this reaches is NIST SP 800-88 Rev.2 "Clear".',
    ...certificates.map((certificate) => `Certificate: ${certificate.pdfPath} (record ${certificate.jsonPath}, SHA-256 ${certificate.sha256})`),
  ];
  return { data, text: lines.join('\n') };
}
