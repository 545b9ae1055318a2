/**
 * Typed errors shared by the CLI, the bridge and every core module.
 *
 * Each error carries a stable UPPER_SNAKE_CASE code (scripts match on it), a message a person
 * can read, the next step to take, and an outcome that decides the CLI exit code:
 *   refused   -> 2  (bad input, ineligible or changed drive; nothing was changed)
 *   failed    -> 1  (the operation was attempted and did not complete)
 *   cancelled -> 3  (the user cancelled, or a timeout ran out)
 */
export type ErrorOutcome = 'refused' | 'failed' | 'cancelled';

export interface ErrorInfo {
  code: string;
  message: string;
  nextStep?: string;
}

const CODE_PATTERN = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

export class PanoramaUsbError extends Error {
  readonly code: string;
  readonly outcome: ErrorOutcome;
  readonly nextStep: string | undefined;

  constructor(outcome: ErrorOutcome, code: string, message: string, options: { nextStep?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (!CODE_PATTERN.test(code)) {
      // A malformed code would break scripts that match on it; fail loudly during development.
      throw new TypeError(`error code must be UPPER_SNAKE_CASE, got ${JSON.stringify(code)}`);
    }
    this.name = 'PanoramaUsbError';
    this.outcome = outcome;
    this.code = code;
    this.nextStep = options.nextStep;
  }

  toInfo(): ErrorInfo {
    return this.nextStep === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, nextStep: this.nextStep };
  }
}

export function refused(code: string, message: string, nextStep?: string): PanoramaUsbError {
  return new PanoramaUsbError('refused', code, message, nextStep === undefined ? {} : { nextStep });
}

export function failed(code: string, message: string, nextStep?: string, cause?: unknown): PanoramaUsbError {
  return new PanoramaUsbError('failed', code, message, { ...(nextStep === undefined ? {} : { nextStep }), cause });
}

export function cancelled(code: string, message: string, nextStep?: string): PanoramaUsbError {
  return new PanoramaUsbError('cancelled', code, message, nextStep === undefined ? {} : { nextStep });
}

export const EXIT_CODES: Readonly<Record<ErrorOutcome | 'ok', number>> = {
  ok: 0,
  failed: 1,
  refused: 2,
  cancelled: 3,
};

/** The errno-style code (ENOENT, EBUSY…) of a Node error, or null. One reader for every module. */
export function errnoCode(error: unknown): string | null {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : null;
}

export function exitCodeFor(error: unknown): number {
  return error instanceof PanoramaUsbError ? EXIT_CODES[error.outcome] : EXIT_CODES.failed;
}

/**
 * Turns anything thrown into a typed error. Unknown errors become INTERNAL_ERROR with their
 * message only: stack traces and error properties could carry paths or data we must not echo.
 */
export function toPanoramaUsbError(error: unknown): PanoramaUsbError {
  if (error instanceof PanoramaUsbError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return failed('INTERNAL_ERROR', `Unexpected error: ${message}`, 'Run again with --verbose and report the problem if it persists.', error);
}

/** Features whose issue has not landed yet say so plainly instead of pretending. */
export function notAvailableYet(feature: string): PanoramaUsbError {
  return failed('NOT_AVAILABLE_YET', `${feature} is not available yet in this version of panorama-usb.`, 'Check for a newer version; nothing was changed.');
}
