/**
 * `sanitize` on a real terminal: the built CLI runs under `script` (a pseudo-terminal, so it
 * draws its live status), and what it drew is replayed into xterm.js's headless terminal, which
 * tells us what a person would have seen on screen at each redraw.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Terminal } from '@xterm/headless';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../main/core/errors';
import { testDataDir } from '../support/cli';
import { imageDir, MiB, sparseImage } from '../support/images';

const { dir, cleanup } = imageDir('cli-terminal');
afterAll(cleanup);

const COLUMNS = 80;
const ROWS = 40;
const BIN = path.resolve('bin/panorama-usb.cjs');

const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * Runs the CLI on a pseudo-terminal of COLUMNS × ROWS; resolves with everything it drew.
 * `interruptWhen`: as soon as what the CLI drew so far satisfies it, Ctrl+C is typed on that
 * terminal — its line discipline turns it into one SIGINT for the CLI, as when a person presses
 * it, at a point the test chose (not after a guessed delay, which a slow start can outlast).
 */
function runOnTerminal(args: readonly string[], options: { interruptWhen?: (drawn: string) => boolean } = {}): Promise<{ status: number | null; drawn: string; interrupted: boolean }> {
  // The terminal echoes the Ctrl+C as "^C" after the last status line, as a person's terminal
  // does: the block leaves room for it (a wrapped echo once left a status line behind).
  const command = `stty cols ${COLUMNS} rows ${ROWS}; exec ${[process.execPath, BIN, ...args].map(quote).join(' ')}`;
  const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, PANORAMA_USB_DATA_DIR: testDataDir() } });
  // Nothing to type unless we interrupt: the terminal's input ends at once, as `script < /dev/null`.
  if (options.interruptWhen === undefined) child.stdin.end();
  let drawn = '';
  let interrupted = false;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    drawn += chunk;
    if (interrupted || options.interruptWhen?.(drawn) !== true) return;
    interrupted = true;
    child.stdin.end('\x03');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, drawn, interrupted });
    });
  });
}

function writeTo(terminal: Terminal, data: string): Promise<void> {
  return new Promise((resolve) => {
    terminal.write(data, resolve);
  });
}

/** The screen's lines, a line the terminal wrapped joined back into one. */
function screen(terminal: Terminal): string[] {
  const lines: string[] = [];
  const buffer = terminal.buffer.active;
  for (let row = 0; row < buffer.length; row += 1) {
    const line = buffer.getLine(row);
    const text = line?.translateToString(true) ?? '';
    const previous = lines.pop();
    if (previous === undefined) lines.push(text);
    else if (line?.isWrapped === true) lines.push(`${previous}${text}`);
    else lines.push(previous, text);
  }
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const CLEAR_BELOW = '\x1b[J';
const isBar = (line: string): boolean => /[█░]/.test(line);
/** Every image has had a status line (its path, then its bar) drawn so far. */
const barsDrawnFor = (images: readonly string[], drawn: string): boolean => images.every((image) => drawn.split(image).slice(1).some((after) => /^[^\r\n]*[█░]/.test(after)));

describe('sanitize on a terminal', () => {
  it('keeps one status line per drive, redrawn in place, and clears them before the results', async () => {
    const images = [sparseImage(dir, 'a.img', 1100 * MiB), sparseImage(dir, 'b.img', 1100 * MiB)];
    const run = await runOnTerminal(['sanitize', ...images, '--method', 'zero', '--verify', 'last', '--yes']);
    expect(run.status, run.drawn).toBe(0);

    const terminal = new Terminal({ cols: COLUMNS, rows: ROWS, scrollback: 1000, allowProposedApi: true });
    // Replay redraw by redraw: every redraw ends by clearing below the block.
    const redraws = run.drawn.split(CLEAR_BELOW).map((part, index, parts) => (index < parts.length - 1 ? `${part}${CLEAR_BELOW}` : part));
    let bothShown = 0;
    for (const redraw of redraws) {
      await writeTo(terminal, redraw);
      const lines = screen(terminal);
      const bars = lines.filter(isBar);
      // Never more status lines than drives (a line that wrapped, or a block not redrawn in place, leaves extra ones)…
      expect(bars.length, lines.join('\n')).toBeLessThanOrEqual(images.length);
      // …each one a single drive's, within the terminal's width, and all at the bottom of the screen.
      for (const bar of bars) {
        expect(images.filter((image) => bar.startsWith(image)), bar).toHaveLength(1);
        expect(bar.length).toBeLessThan(COLUMNS);
      }
      expect(lines.slice(lines.length - bars.length).every(isBar), lines.join('\n')).toBe(true);
      if (new Set(bars.flatMap((bar) => images.filter((image) => bar.startsWith(image)))).size === images.length) bothShown += 1;
    }
    // Both drives were on screen together, each on its own line.
    expect(bothShown).toBeGreaterThan(0);

    const final = screen(terminal);
    expect(final.filter(isBar), final.join('\n')).toEqual([]);
    for (const image of images) {
      // The result lines begin at the first column: nothing of a status line is left in front of them.
      expect(final.filter((line) => line.startsWith(`${image}: sanitized, NIST SP 800-88 Rev.2 level: Clear, verification passed`))).toHaveLength(1);
      // Phase changes are printed as whole lines too.
      expect(final).toContain(`${image}: pass 1/1: zero`);
    }
    terminal.dispose();
  }, 180_000);

  it('on Ctrl+C takes the status lines away, says it is cancelling, and ends with the drives NOT sanitized', async () => {
    const images = [sparseImage(dir, 'c.img', 1100 * MiB), sparseImage(dir, 'd.img', 1100 * MiB)];
    // Ctrl+C once both status lines are drawn: both wipes have started, with seconds of work left.
    const run = await runOnTerminal(['sanitize', ...images, '--method', 'random-zero', '--verify', 'all', '--yes'], { interruptWhen: (drawn) => barsDrawnFor(images, drawn) });
    expect(run.interrupted, run.drawn).toBe(true);
    expect(run.status, run.drawn).toBe(EXIT_CODES.cancelled);
    const terminal = new Terminal({ cols: COLUMNS, rows: ROWS, scrollback: 1000, allowProposedApi: true });
    await writeTo(terminal, run.drawn);
    const final = screen(terminal);
    terminal.dispose();
    expect(final.filter(isBar), final.join('\n')).toEqual([]);
    expect(final).toContain('Cancelling… (press Ctrl+C again to stop at once)');
    const error = final.find((line) => line.startsWith('error CANCELLED: Sanitizing was cancelled:'));
    expect(error, final.join('\n')).toContain('The drives are NOT sanitized.');
    expect(final[final.length - 1]).toBe('next step: Run it again to sanitize them.');
  }, 180_000);
});
