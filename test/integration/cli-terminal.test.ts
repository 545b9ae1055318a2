/**
 * `sanitize` on a real terminal: the built CLI runs under `script` (a pseudo-terminal, so it
 * draws its live status), and what it drew is replayed into xterm.js's headless terminal, which
 * tells us what a person would have seen on screen at each redraw.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Terminal } from '@xterm/headless';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../main/core/errors';
import { imageDir, MiB, sparseImage } from '../support/images';

const { dir, cleanup } = imageDir('cli-terminal');
afterAll(cleanup);

const COLUMNS = 80;
const ROWS = 40;
const BIN = path.resolve('bin/panorama-usb.cjs');

const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

/** Runs the CLI on a pseudo-terminal of COLUMNS × ROWS; returns everything it drew. */
function runOnTerminal(args: readonly string[], options: { interruptAfterSeconds?: number } = {}): { status: number | null; drawn: string } {
  // `timeout -s INT` plays the user's Ctrl+C; --preserve-status keeps the CLI's own exit code.
  // --foreground: without it timeout signals its whole process group as well, so the CLI can get
  // two SIGINTs — the second is "press Ctrl+C again to stop at once", which exits before the report.
  const interrupt = options.interruptAfterSeconds === undefined ? [] : ['timeout', '--foreground', '--preserve-status', '-s', 'INT', String(options.interruptAfterSeconds)];
  const command = `stty cols ${COLUMNS} rows ${ROWS}; exec ${[...interrupt, process.execPath, BIN, ...args].map(quote).join(' ')}`;
  const result = spawnSync('script', ['--quiet', '--return', '--command', command, '/dev/null'], { encoding: 'utf8', input: '', timeout: 120_000 });
  return { status: result.status, drawn: result.stdout };
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

describe('sanitize on a terminal', () => {
  it('keeps one status line per drive, redrawn in place, and clears them before the results', async () => {
    const images = [sparseImage(dir, 'a.img', 1100 * MiB), sparseImage(dir, 'b.img', 1100 * MiB)];
    const run = runOnTerminal(['sanitize', ...images, '--method', 'zero', '--verify', 'last', '--yes']);
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
    const run = runOnTerminal(['sanitize', ...images, '--method', 'random-zero', '--verify', 'all', '--yes'], { interruptAfterSeconds: 1.5 });
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
