/**
 * A block of live status lines on a terminal, redrawn in place: one line per drive, so several
 * drives wiped at once each keep their own line instead of taking turns on one.
 *
 * Every line is cut to the terminal's width: a line that wrapped would take two rows and the
 * cursor-up count that finds the block's top would be wrong.
 */
export class StatusBlock {
  /** Rows the block takes on screen now (0: nothing drawn). */
  private rows = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly columns: () => number,
  ) {}

  draw(lines: readonly string[]): void {
    // A terminal that reports no width (0) is taken as 80 columns. Three columns stay free: the
    // terminal echoes Ctrl+C as "^C" after the last line, which must not wrap it onto a new row.
    const columns = this.columns();
    const width = Math.max(20, (columns > 0 ? columns : 80) - 3);
    const body = lines.map((line) => `\x1b[2K${fitToWidth(line, width)}`).join('\n');
    // Back to the block's first row, redraw, and clear any rows a longer block left below.
    this.write(`${this.toTop()}${body}\x1b[J`);
    this.rows = lines.length;
  }

  /** Removes the block, leaving the cursor where it began, so ordinary output follows cleanly. Says whether there was one. */
  clear(): boolean {
    if (this.rows === 0) return false;
    this.write(`${this.toTop()}\x1b[J`);
    this.rows = 0;
    return true;
  }

  private toTop(): string {
    return this.rows > 1 ? `\r\x1b[${this.rows - 1}A` : '\r';
  }
}

function fitToWidth(line: string, width: number): string {
  return line.length <= width ? line : `${line.slice(0, width - 1)}…`;
}

/** "[██████░░░░░░░░░░░░░░]": a text bar for a fraction of 0 to 1. */
export function textBar(fraction: number, cells = 20): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * cells);
  return `[${'█'.repeat(filled)}${'░'.repeat(cells - filled)}]`;
}

/** Time left, as coarse as a person reads it: "45 s", "12 min", "2 h 05 min". */
export function formatTimeLeft(seconds: number): string {
  const whole = Math.max(0, Math.ceil(seconds));
  if (whole < 60) return `${whole} s`;
  const minutes = Math.ceil(whole / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
