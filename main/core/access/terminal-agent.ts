/**
 * In a terminal with no desktop around it (ssh, a console), nobody would answer polkit when it
 * wants a password, and every drive would be AUTHORIZATION_DENIED. There, as udisksctl does,
 * polkit's own text agent (pkttyagent) is started for this process: it asks on the terminal,
 * and the password goes from the terminal to polkit's helper — never through our code. It is
 * registered for this process only (in a desktop's terminal it asks there, as udisksctl does,
 * rather than the desktop's dialog: measured, polkit 122 never asks an agent registered with
 * --fallback for a process) and stopped when we exit. Only the command line turns it on, and
 * only when a person sits at the terminal.
 */
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';

let allowed = false;
let started: Promise<void> | null = null;

/** Called by the CLI when a person sits at its terminal. */
export function allowTerminalAuthorisation(): void {
  allowed = true;
}

function startAgent(): Promise<void> {
  return new Promise((resolve) => {
    // fd 3: pkttyagent closes it once it is registered, so nothing is asked before it can answer.
    // It talks on the terminal itself (/dev/tty); stdout stays ours (--json's one document).
    const agent = spawn('pkttyagent', ['--notify-fd', '3', '--process', String(process.pid)], { stdio: ['ignore', 'ignore', 'inherit', 'pipe'] });
    const stop = (): void => {
      agent.kill();
    };
    process.once('exit', stop);
    agent.once('exit', () => process.removeListener('exit', stop));
    // Not installed, or gone: polkit's answer (AUTHORIZATION_DENIED, with its advice) stands.
    agent.once('error', () => resolve());
    agent.once('exit', () => resolve());
    // Extra stdio pipes are sockets (node:child_process).
    const registered = agent.stdio[3] as Socket | null;
    if (registered === null) {
      resolve();
      return;
    }
    registered.resume();
    registered.once('close', () => resolve());
    // Neither the agent nor its pipe keeps the command running once its work is done.
    agent.unref();
    registered.unref();
  });
}

/** Starts the terminal agent once, before the first request that polkit may want to authorise. */
export function ensureTerminalAgent(): Promise<void> {
  if (!allowed || process.platform !== 'linux' || process.geteuid?.() === 0) return Promise.resolve();
  started ??= startAgent();
  return started;
}
