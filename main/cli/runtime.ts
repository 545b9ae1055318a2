/**
 * The CLI's conventions, implemented once (DESIGN.md, CLI contract):
 * - with --json, stdout holds exactly one JSON document: {"ok":true,…} or
 *   {"ok":false,"error":{"code","message"}}; human text and progress go to stderr;
 * - typed errors map to exit codes 1 (failed), 2 (refused), 3 (cancelled or timed out);
 * - destructive commands ask for confirmation naming what they touch, unless --yes;
 * - Ctrl+C cancels the running work through an AbortSignal.
 */
import { createInterface } from 'node:readline/promises';
import { cancelled, EXIT_CODES, exitCodeFor, refused, toPanoramaUsbError, type PanoramaUsbError } from '../core/errors';
import type { Records } from '../core/records';
import { StatusBlock } from './status-block';

export interface GlobalOptions {
  json: boolean;
  yes: boolean;
  verbose: boolean;
}

/**
 * A command that failed after doing work a script must know about (a batch of drives, some
 * sanitized, some not): with --json, `data` goes into the failure document beside the error,
 * under the same keys the success document would have used.
 */
export class FailureWithData extends Error {
  constructor(
    readonly error: PanoramaUsbError,
    readonly data: Record<string, unknown>,
  ) {
    super(error.message);
    this.name = 'FailureWithData';
  }
}

export interface CommandOutcome {
  /** Fields of the JSON document (beside "ok": true). */
  data: Record<string, unknown>;
  /** What a person reads on stdout without --json. */
  text: string;
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isInteractive: boolean;
  ask: (question: string) => Promise<string>;
  /** The terminal's width in characters (0 when unknown: the status block then takes 80). */
  columns?: () => number;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isInteractive: process.stdin.isTTY && process.stderr.isTTY,
    columns: () => process.stderr.columns,
    ask: async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(question);
      } finally {
        rl.close();
      }
    },
  };
}

export class CliRuntime {
  readonly controller = new AbortController();
  private readonly statusBlock: StatusBlock;
  private bookkeeper: Promise<Records> | null = null;
  /** The records once loaded: commands await their records before they end, so the outcome can name any problem. */
  private loadedRecords: Records | null = null;

  constructor(
    readonly globals: GlobalOptions,
    readonly io: CliIo,
    /** The built disk worker, when this CLI runs from dist/ (wipe passes then run there); inline otherwise. */
    readonly diskWorkerScript?: string,
  ) {
    this.statusBlock = new StatusBlock(io.stderr, () => io.columns?.() ?? 0);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Human-facing notes (never on stdout in --json mode, so the JSON stays one document). */
  note(text: string): void {
    if (this.globals.json) return;
    this.statusBlock.clear();
    this.io.stderr(`${text}\n`);
  }

  /**
   * Live status lines on a terminal (one per drive, redrawn in place); nothing when stderr is
   * not a terminal or with --json, where phase changes (note) are enough. Callers limit it to 4 Hz.
   * Notes and the final outcome clear the block before they print.
   */
  status(lines: readonly string[]): void {
    if (this.globals.json || !this.io.isInteractive) return;
    this.statusBlock.draw(lines);
  }

  /**
   * Ctrl+C: says the work is being cancelled (whatever the output mode: it goes to stderr) and
   * aborts it. The terminal echoed "^C" on the current line: the status block's clearing removes
   * it, else the message starts on a line of its own.
   */
  interrupt(): void {
    const cleared = this.statusBlock.clear();
    this.io.stderr(`${cleared ? '' : '\n'}Cancelling… (press Ctrl+C again to stop at once)\n`);
    this.controller.abort();
  }

  /**
   * The audit log and journal in the data folder the app reads too (PANORAMA_USB_DATA_DIR, else
   * the per-user one), loaded when a command first records something. A record that cannot be
   * written is said on stderr even with --json (and in the JSON document), never fails the command.
   */
  records(): Promise<Records> {
    this.bookkeeper ??= Promise.all([import('../core/records'), import('../core/app/data-dir')]).then(
      ([{ Records }, { defaultDataDir }]) => {
        this.loadedRecords = new Records(defaultDataDir(), (problem) => this.warn(`warning: ${problem}`));
        return this.loadedRecords;
      },
    );
    return this.bookkeeper;
  }

  /** A warning that must be seen even with --json (it goes to stderr, never to stdout). */
  warn(text: string): void {
    this.statusBlock.clear();
    this.io.stderr(`${text}\n`);
  }

  /** The problems records reported, for the JSON document ({} when there were none). */
  private recordProblems(): Record<string, unknown> {
    const problems = this.loadedRecords?.reported ?? [];
    return problems.length === 0 ? {} : { recordProblems: [...problems] };
  }

  verbose(text: string): void {
    if (!this.globals.verbose) return;
    this.statusBlock.clear();
    this.io.stderr(`${text}\n`);
  }

  /**
   * Asks before destructive work. `subject` names exactly what will be touched
   * (e.g. "/dev/sdb (SanDisk Ultra, 32 GB)"). Without a terminal and without --yes we refuse
   * rather than guess.
   */
  async confirm(action: string, subject: string, options: { typed?: string } = {}): Promise<void> {
    if (this.globals.yes) return;
    if (!this.io.isInteractive) {
      throw refused('CONFIRMATION_REQUIRED', `${action} ${subject} needs confirmation, and there is no terminal to ask.`, 'Run again with --yes to confirm.');
    }
    const expected = options.typed ?? 'yes';
    const answer = await this.io.ask(`${action} ${subject}? Type "${expected}" to continue: `);
    if (answer.trim() !== expected) {
      throw refused('NOT_CONFIRMED', `${action} ${subject} was not confirmed; nothing was changed.`);
    }
  }

  /** Prints the outcome per the contract and returns the exit code. */
  succeed(outcome: CommandOutcome): number {
    this.statusBlock.clear();
    if (this.globals.json) this.io.stdout(`${JSON.stringify({ ok: true, ...outcome.data, ...this.recordProblems() })}\n`);
    else if (outcome.text.length > 0) this.io.stdout(outcome.text.endsWith('\n') ? outcome.text : `${outcome.text}\n`);
    return EXIT_CODES.ok;
  }

  /**
   * Ctrl+C at polkit's password prompt stops its terminal agent too (same terminal, same
   * signal), and polkit then answers "not authorised": what the person did was cancel.
   */
  private asAnswered(error: PanoramaUsbError): PanoramaUsbError {
    if (!this.signal.aborted || error.code !== 'AUTHORIZATION_DENIED') return error;
    return cancelled('AUTHORIZATION_DISMISSED', 'The authorisation was cancelled at its password prompt; nothing was changed.', 'Run it again and type the password when asked.');
  }

  fail(error: unknown): number {
    const data = error instanceof FailureWithData ? error.data : {};
    const typed = this.asAnswered(toPanoramaUsbError(error instanceof FailureWithData ? error.error : error));
    const info = typed.toInfo();
    this.statusBlock.clear();
    if (this.globals.json) {
      this.io.stdout(`${JSON.stringify({ ok: false, error: info, ...data, ...this.recordProblems() })}\n`);
    } else {
      this.io.stderr(`error ${info.code}: ${info.message}\n`);
      if (info.nextStep !== undefined) this.io.stderr(`next step: ${info.nextStep}\n`);
    }
    if (this.globals.verbose && typed.cause instanceof Error && typed.cause.stack !== undefined) {
      this.io.stderr(`${typed.cause.stack}\n`);
    }
    return exitCodeFor(typed);
  }
}
