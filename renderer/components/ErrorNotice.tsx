import type { ErrorInfo } from '../../preload/contract';

/** A refusal or failure as the app reports it: what happened, what to do, and the code to quote. */
export function ErrorNotice({ error, title }: { error: ErrorInfo | null; title?: string }) {
  if (error === null) return null;
  return (
    <div className="notice notice--error" role="alert" data-testid="error" data-code={error.code}>
      <strong>{title ?? 'That did not work.'}</strong> {error.message}
      {error.nextStep === undefined ? null : <p className="notice__next">What to do: {error.nextStep}</p>}
      <p className="notice__code">Code: {error.code}</p>
    </div>
  );
}
