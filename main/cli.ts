/** Entry of the `panorama-usb` command (bin/panorama-usb.cjs loads the built copy of this file). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { allowTerminalAuthorisation } from './core/access/terminal-agent';
import { runCli } from './cli/program';

// The AWS SDK warns on every run under Node 20 that future SDK versions will need Node 22. Our
// lockfile pins a version that supports Node 20, so the warning only adds noise to every command.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const text = typeof warning === 'string' ? warning : warning.message;
  const type = typeof rest[0] === 'string' ? rest[0] : typeof rest[0] === 'object' && rest[0] !== null && 'type' in rest[0] ? String(rest[0].type) : '';
  if (type === 'NodeVersionSupportWarning' || /will require node >=22/.test(text)) return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
});

// A person at a terminal can answer polkit there (core/access/terminal-agent.ts); a script cannot.
if (process.stdin.isTTY && process.stderr.isTTY) allowTerminalAuthorisation();

// Built next to this file (dist/main/disk-worker.cjs): wipe passes run there, off this thread's heap.
const diskWorker = path.join(__dirname, 'main', 'disk-worker.cjs');

/**
 * A second SIGINT this soon after the first is the same Ctrl+C arriving twice (the terminal signals
 * every process in its group, and a wrapper such as npx or timeout passes it on as well), not a
 * person asking to stop at once: that would exit before the report that says what state each drive is in.
 */
const SAME_CTRL_C_MS = 500;
let interruptedAt: number | null = null;
runCli(process.argv.slice(2), undefined, (runtime) => {
  process.on('SIGINT', () => {
    const now = performance.now();
    if (interruptedAt !== null) {
      if (now - interruptedAt >= SAME_CTRL_C_MS) process.exit(3);
      return;
    }
    interruptedAt = now;
    runtime.interrupt();
  });
}, existsSync(diskWorker) ? diskWorker : undefined)
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    process.stderr.write(`panorama-usb: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
