/** Helpers for benchmarks: timing in one run, side by side, and reporting ratios. */
import { spawnSync } from 'node:child_process';

export async function timeMs(work: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export function run(command: string, args: readonly string[]): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.error !== undefined) throw new Error(`${command} is not installed (${result.error.message})`);
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
}

export function rssMiB(): number {
  return Math.round(process.memoryUsage().rss / (1024 * 1024));
}

export function row(cells: readonly (string | number)[], widths: readonly number[]): string {
  return cells.map((cell, index) => String(cell).padEnd(widths[index] ?? 12)).join(' ');
}
