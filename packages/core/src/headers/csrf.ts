// Cross-site request forgery protection from Fetch Metadata and Origin, no token needed:
// browsers (all since 2020-2023) send Sec-Fetch-Site and Origin on unsafe requests, and a
// page cannot forge either. The checks never look at Content-Type, so a cross-site POST
// without one (text/plain, no-cors fetch, sendBeacon) is refused like any other.
import type { HeaderReader } from '../protect/types.js';

/** Options of {@link createCsrfProtection}. */
export interface CsrfOptions {
  /** Extra origins allowed to send unsafe requests (exact origins, e.g. `https://admin.example.com`). */
  readonly trustedOrigins?: readonly string[] | undefined;
  /**
   * Check only requests that carry a Cookie header (cookie-authenticated). Default true:
   * a request authenticated by a bearer token or API key cannot be forged by another site.
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

/** Result: `checked: false` for requests the policy does not apply to (safe methods, no cookies). */
export type CsrfDecision =
  | { readonly ok: true; readonly checked: boolean }
  | { readonly ok: false; readonly code: CsrfErrorCode; readonly message: string };

/** A compiled CSRF policy. */
export interface CsrfProtection {
  check(request: CsrfRequest): CsrfDecision;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
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
 * browser (browsers send them) and passes.
 *
 * @param options - trusted origins, cookie-only, same-site.
 * @returns `check(request)`.
 * @throws TypeError when a trusted origin is not written as an origin.
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
  const onlyWithCookies = options.onlyWithCookies !== false;
  const allowSameSite = options.allowSameSite === true;

  function check(request: CsrfRequest): CsrfDecision {
    if (SAFE.has(request.method)) return SKIPPED;
    const headers = request.headers;
    if (onlyWithCookies && headers.get('cookie') === null) return SKIPPED;
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
