/**
 * One Content-Security-Policy for every way the page is served: the app:// protocol handler,
 * the browser preview's server, and (minus header-only directives) the meta tag in index.html.
 * No inline script, no eval, nothing from anywhere but our own origin.
 */
const DIRECTIVES: readonly (readonly [string, string])[] = [
  ['default-src', "'none'"],
  ['script-src', "'self'"],
  ['style-src', "'self'"],
  ['img-src', "'self' data:"],
  ['font-src', "'self'"],
  ['connect-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-src', "'none'"],
  ['worker-src', "'none'"],
];

/** Directives browsers ignore (and warn about) when they come from a meta tag. */
const HEADER_ONLY: readonly (readonly [string, string])[] = [['frame-ancestors', "'none'"]];

export function contentSecurityPolicy(options: { forMetaTag?: boolean } = {}): string {
  const directives = options.forMetaTag === true ? DIRECTIVES : [...DIRECTIVES, ...HEADER_ONLY];
  return directives.map(([name, value]) => `${name} ${value}`).join('; ');
}

/** Headers every response of ours carries, whichever shell serves it. */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
  };
}
