// Cross-site request forgery protection from Fetch Metadata and Origin, no token needed:
// browsers (all since 2020-2023) send Sec-Fetch-Site and Origin on unsafe requests, and a
// page cannot forge either. The checks never look at Content-Type, so a cross-site POST
// without one (text/plain, no-cors fetch, sendBeacon) is refused like any other.
import { normalizeMethod } from '../internal/http-method.js';
import type { HeaderReader } from '../protect/types.js';

/** Options of {@link createCsrfProtection}. */
export interface CsrfOptions {
  /** Extra origins allowed to send unsafe requests (exact origins, e.g. `https://admin.example.com`). */
  readonly trustedOrigins?: readonly string[] | undefined;
  /**
   * Check only requests that carry credentials a browser attaches by itself: a Cookie
   * header, or an Authorization header of any scheme but `Bearer` / `DPoP` (browsers cache
   * `Basic`, `Digest`, `Negotiate` and `NTLM` credentials and resend them cross-site).
   * Default true: a request authenticated only by a bearer token or an API-key header cannot
   * be forged by another site. `false` checks every unsafe request. (TLS client
   * certificates are not visible here: with them, set `false`.)
   */
  readonly onlyWithAmbientCredentials?: boolean | undefined;
  /**
   * @deprecated The former name of `onlyWithAmbientCredentials`, same meaning: it now also
   * counts HTTP authentication a browser resends, not only cookies.
   */
  readonly onlyWithCookies?: boolean | undefined;
  /** Accept `Sec-Fetch-Site: same-site` (sibling subdomains). Default false. */
  readonly allowSameSite?: boolean | undefined;
}

/** Why an unsafe request was refused. */
export type CsrfErrorCode = 'CSRF_CROSS_ORIGIN';

/** What the CSRF check reads. */
export interface CsrfRequest {
  readonly method: string;
  readonly headers: HeaderReader;
  /** The server's own origin, e.g. `new URL(request.url).origin`. */
  readonly origin: string;
}

/**
 * Result: `checked: false` for requests the policy does not apply to (safe methods, no
 * ambient credentials).
 */
export type CsrfDecision =
  | { readonly ok: true; readonly checked: boolean }
  | { readonly ok: false; readonly code: CsrfErrorCode; readonly message: string };

/** A compiled CSRF policy. */
export interface CsrfProtection {
  check(request: CsrfRequest): CsrfDecision;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
// Authorization schemes a browser never sends on its own: a page's script must set them.
const EXPLICIT_SCHEMES = new Set(['bearer', 'dpop']);

/**
 * True when the request carries a credential the browser may have attached by itself: a
 * cookie, or HTTP authentication other than Bearer / DPoP. A value with a comma (two
 * Authorization lines joined, or Digest parameters) is ambient too: a bearer token has none.
 */
function hasAmbientCredentials(headers: HeaderReader): boolean {
  if (headers.get('cookie') !== null) return true;
  const auth = headers.get('authorization');
  if (auth === null) return false;
  let start = 0;
  while (
    start < auth.length &&
    (auth.charCodeAt(start) === 0x20 || auth.charCodeAt(start) === 0x09)
  )
    start++;
  let end = start;
  while (end < auth.length && auth.charCodeAt(end) !== 0x20 && auth.charCodeAt(end) !== 0x09) end++;
  const scheme = auth.slice(start, end).toLowerCase();
  return !EXPLICIT_SCHEMES.has(scheme) || auth.includes(',');
}
const SKIPPED: CsrfDecision = Object.freeze({ ok: true, checked: false });
const PASSED: CsrfDecision = Object.freeze({ ok: true, checked: true });
const REFUSED: CsrfDecision = Object.freeze({
  ok: false,
  code: 'CSRF_CROSS_ORIGIN',
  message: 'Cross-origin request refused.',
});

/**
 * Compiles a CSRF policy (the algorithm of Go 1.25's CrossOriginProtection): unsafe
 * methods pass when `Sec-Fetch-Site` is `same-origin` or `none`; otherwise the Origin must
 * be the server's own or a trusted one. A request with neither header is not from a
 * browser (browsers send them) and passes. By default only requests carrying ambient
 * credentials (cookies, Basic / Digest / Negotiate / NTLM authentication) are checked.
 *
 * @param options - trusted origins, ambient-credentials-only, same-site.
 * @returns `check(request)`.
 * @throws TypeError when a trusted origin is not written as an origin, or the two names of
 *   `onlyWithAmbientCredentials` disagree.
 * @example
 * ```ts
 * const csrf = createCsrfProtection({ trustedOrigins: ['https://admin.example.com'] });
 * const d = csrf.check({ method: 'POST', headers: request.headers, origin: 'https://app.example.com' });
 * if (!d.ok) return new Response(null, { status: 403 });
 * ```
 */
export function createCsrfProtection(options: CsrfOptions = {}): CsrfProtection {
  const trusted = new Set<string>();
  for (const o of options.trustedOrigins ?? []) {
    let url: URL | undefined;
    try {
      url = new URL(o);
    } catch {}
    if (!url || url.origin === 'null' || url.origin !== o) {
      throw new TypeError(
        `createCsrfProtection: trusted origin ${JSON.stringify(o)} must be an origin like "https://admin.example.com".`,
      );
    }
    trusted.add(o);
  }
  if (
    options.onlyWithAmbientCredentials !== undefined &&
    options.onlyWithCookies !== undefined &&
    options.onlyWithAmbientCredentials !== options.onlyWithCookies
  ) {
    throw new TypeError(
      'createCsrfProtection: onlyWithCookies is the old name of onlyWithAmbientCredentials; set only onlyWithAmbientCredentials.',
    );
  }
  const onlyAmbient = (options.onlyWithAmbientCredentials ?? options.onlyWithCookies) !== false;
  const allowSameSite = options.allowSameSite === true;

  function check(request: CsrfRequest): CsrfDecision {
    if (SAFE.has(normalizeMethod(request.method))) return SKIPPED;
    const headers = request.headers;
    if (onlyAmbient && !hasAmbientCredentials(headers)) return SKIPPED;
    const origin = headers.get('origin');
    const site = headers.get('sec-fetch-site');
    if (site !== null) {
      if (site === 'same-origin' || site === 'none') return PASSED;
      if (site === 'same-site' && allowSameSite) return PASSED;
      return origin !== null && trusted.has(origin) ? PASSED : REFUSED;
    }
    if (origin === null) return PASSED;
    if (origin === request.origin || trusted.has(origin)) return PASSED;
    return REFUSED;
  }

  return { check };
}
