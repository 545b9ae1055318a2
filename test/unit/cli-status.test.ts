/**
 * The CLI's status block, drawn into xterm.js's headless terminal: what a person would see after
 * each redraw. (The whole CLI on a pseudo-terminal: test/integration/cli-terminal.test.ts.)
 */
import { Terminal } from '@xterm/headless';
import { describe, expect, it } from 'vitest';
import { formatTimeLeft, StatusBlock, textBar } from '../../main/cli/status-block';

async function drawn(columns: number, reported: number, steps: (block: StatusBlock) => void): Promise<string[]> {
  // convertEol: a pseudo-terminal turns \n into \r\n (onlcr) on its way to the screen.
  const terminal = new Terminal({ cols: columns, rows: 10, convertEol: true, allowProposedApi: true });
  let output = 'earlier output\r\n';
  steps(new StatusBlock((text) => (output += text), () => reported));
  await new Promise<void>((resolve) => {
    terminal.write(output, resolve);
  });
  const lines: string[] = [];
  for (let row = 0; row < terminal.buffer.active.length; row += 1) lines.push(terminal.buffer.active.getLine(row)?.translateToString(true) ?? '');
  terminal.dispose();
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

describe('StatusBlock', () => {
  it('redraws its lines in place, shrinks, and clears to where it began', async () => {
    expect(await drawn(80, 80, (block) => {
      block.draw(['one 10%', 'two 5%']);
      block.draw(['one 20%', 'two 9%']);
    })).toEqual(['earlier output', 'one 20%', 'two 9%']);
    expect(await drawn(80, 80, (block) => {
      block.draw(['one 10%', 'two 5%', 'three 1%']);
      block.draw(['one 30%']);
    })).toEqual(['earlier output', 'one 30%']);
    expect(await drawn(80, 80, (block) => {
      block.draw(['one 10%', 'two 5%']);
      block.clear();
      block.clear();
    })).toEqual(['earlier output']);
  });

  it('cuts lines to the terminal width, leaving room for an echoed "^C", so none wraps and the redraw still lands on its block', async () => {
    const long = `/dev/disk/by-id/usb-${'x'.repeat(60)} 50%`;
    const lines = await drawn(40, 40, (block) => {
      block.draw([long, 'two']);
      block.draw([long, 'two']);
    });
    expect(lines).toEqual(['earlier output', `${long.slice(0, 36)}…`, 'two']);
  });

  it('takes a terminal that reports no width as 80 columns', async () => {
    const long = 'y'.repeat(100);
    expect(await drawn(100, 0, (block) => block.draw([long]))).toEqual(['earlier output', `${'y'.repeat(76)}…`]);
  });
});

describe('status text', () => {
  it('says the time left as coarsely as a person reads it', () => {
    expect([0, 0.2, 45, 59.5, 60, 61, 3000, 3599, 7500].map(formatTimeLeft)).toEqual(['0 s', '1 s', '45 s', '1 min', '1 min', '2 min', '50 min', '1 h 00 min', '2 h 05 min']);
  });

  it('draws a bar of 20 cells, clamped to 0 and 1', () => {
    expect(textBar(0)).toBe(`[${'░'.repeat(20)}]`);
    expect(textBar(0.5)).toBe(`[${'█'.repeat(10)}${'░'.repeat(10)}]`);
    expect(textBar(1.7)).toBe(`[${'█'.repeat(20)}]`);
  });
});
