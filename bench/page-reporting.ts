/**
 * Some VMs (this one) hand memory freed in the guest straight back to their host ("free page
 * reporting"; here /sys/module/page_reporting/parameters/min_free_ms is 0). A benchmark that
 * drops a gigabyte of page cache before each run then makes the next reader that fills the cache
 * pay the host for every page it gets back: in a harness, dd reading a 1 GiB loop device through
 * the cache ran at 0.69–0.74 GB/s in 6 runs of 6, and with reporting held back at 3.9–5.2 GB/s
 * in 5 of 6 — while O_DIRECT reads (ours at the time), which fill no cache, never paid. Which
 * side drew the stalls decided verdicts; now that the disk worker reads through the cache too,
 * both sides would pay. A real desktop does not do this, so while the benchmark runs freed
 * pages must stay free for a while before they are reported; the setting is put back afterwards
 * (a run killed midway leaves 10 s: idle memory still goes back, a little later). A pause after
 * each drop instead was tried and is worse: pages reported during the pause made dd's reads of
 * the loop device stall in nearly every run (our ratio 3.57 — a result about the VM, not us).
 */
import { readFileSync, writeFileSync } from 'node:fs';

const MIN_FREE_MS = '/sys/module/page_reporting/parameters/min_free_ms';
/** Longer than any gap between a cache drop and the next timed run; short enough that idle memory still goes back to the host soon. */
const HOLD_MS = 10_000;

export interface HeldReporting {
  /** What was changed, for the report; null when this machine has nothing to hold back. */
  note: string | null;
  restore: () => void;
}

export function holdBackFreePageReporting(): HeldReporting {
  let previous: string;
  try {
    previous = readFileSync(MIN_FREE_MS, 'utf8').trim();
  } catch {
    return { note: null, restore: () => undefined };
  }
  if (Number(previous) >= HOLD_MS) return { note: null, restore: () => undefined };
  try {
    writeFileSync(MIN_FREE_MS, String(HOLD_MS));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { note: `this VM reports freed memory to its host at once (${MIN_FREE_MS} = ${previous}) and it could not be held back (${reason}): reads that fill the page cache may stall`, restore: () => undefined };
  }
  return {
    note: `free page reporting held back during these runs (${MIN_FREE_MS}: ${previous} → ${HOLD_MS}, restored after)`,
    restore: () => writeFileSync(MIN_FREE_MS, previous),
  };
}
