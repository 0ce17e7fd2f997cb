// CORS decisions from an allow-list of exact origins and explicit wildcard patterns.
// Everything is compiled at construction; a request costs a Set lookup (plus a suffix
// check per pattern) and returns one of a few precomputed header records.
import { getPublicSuffix } from 'tldts';
import { compileMethodFilter, methodMatches, normalizeMethod } from '../internal/http-method.js';
import type { HeaderReader } from '../protect/types.js';

/** Options of {@link createCors}. */
export interface CorsOptions {
  /**
   * Allowed origins: exact origins such as `https://app.example.com`, patterns with one
   * leading wildcard label such as `https://*.example.com` (any subdomain, not the apex),
   * or `'*'` for any origin (only without credentials). A pattern over a public suffix
   * (`https://*.co.uk`, `https://*.vercel.app`, by the Public Suffix List) is refused, and
   * a pattern never matches a host under a deeper public suffix (`*.amazonaws.com` does not
   * match `x.s3.amazonaws.com`). `null` is refused: sandboxed
   * frames and `file:` pages share it, so allowing it allows them all.
   */
  readonly origins: readonly string[] | '*';
  /** Send `Access-Control-Allow-Credentials: true` (cookies, HTTP auth). Default false. */
  readonly credentials?: boolean | undefined;
  /**
   * Methods allowed on preflight, matched case-insensitively; `GET` also allows `HEAD`
   * (frameworks run the GET handler for it). Default `GET, HEAD, POST, PUT, PATCH, DELETE`.
   */
  readonly methods?: readonly string[] | undefined;
  /** Request headers allowed on preflight. Default `content-type, authorization`. */
  readonly allowedHeaders?: readonly string[] | undefined;
  /** Response headers the page may read. Default none. */
  readonly exposedHeaders?: readonly string[] | undefined;
  /** Seconds a preflight may be cached. Default 600. */
  readonly maxAge?: number | undefined;
}

/**
 * A CORS decision:
 * - `none`: no Origin, or the request's own origin: no CORS headers needed.
 * - `preflight`: an allowed preflight; answer 204 with `headers`.
 * - `allowed`: an allowed cross-origin request; add `headers` to the response.
 * - `rejected`: a cross-origin request or preflight that is not allowed, with the reason
 *   (`CORS_ORIGIN_NOT_ALLOWED`, `CORS_METHOD_NOT_ALLOWED`, `CORS_HEADER_NOT_ALLOWED`).
 */
export type CorsDecision =
  | { readonly kind: 'none'; readonly headers: Readonly<Record<string, string>> }
  | { readonly kind: 'preflight'; readonly headers: Readonly<Record<string, string>> }
  | { readonly kind: 'allowed'; readonly headers: Readonly<Record<string, string>> }
  | {
      readonly kind: 'rejected';
      readonly code: CorsErrorCode;
      readonly headers: Readonly<Record<string, string>>;
    };

/** Why a cross-origin request was refused. */
export type CorsErrorCode =
  | 'CORS_ORIGIN_NOT_ALLOWED'
  | 'CORS_METHOD_NOT_ALLOWED'
  | 'CORS_HEADER_NOT_ALLOWED';

/** What CORS reads of a request. */
export interface CorsRequest {
  readonly method: string;
  readonly headers: HeaderReader;
  /** The server's own origin (e.g. `new URL(request.url).origin`), to recognise same-origin requests. */
  readonly origin?: string | undefined;
}

/** A compiled CORS policy. */
export interface Cors {
  decide(request: CorsRequest): CorsDecision;
  /** True when `origin` is allowed by the policy. */
  isAllowedOrigin(origin: string): boolean;
}

interface Pattern {
  readonly scheme: string;
  readonly suffix: string;
  readonly port: string;
  /** The public suffix of the pattern's domain: a matching host must have the same one. */
  readonly publicSuffix: string;
}

// The Public Suffix List, ICANN and private sections (vercel.app, github.io, s3.amazonaws.com
// are public suffixes too: anyone can own a name under them).
const PSL = { allowPrivateDomains: true, extractHostname: false } as const;

const withoutTrailingDot = (host: string): string =>
  host.endsWith('.') ? host.slice(0, -1) : host;

/** The public suffix of a host name, or undefined when the list cannot tell. */
function publicSuffixOf(host: string): string | undefined {
  return getPublicSuffix(withoutTrailingDot(host), PSL) ?? undefined;
}

const DEFAULT_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
const DEFAULT_HEADERS = ['content-type', 'authorization'];

function bad(what: string): never {
  throw new TypeError(`createCors: ${what}`);
}

const isHostChar = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2e;

function checkToken(value: string, what: string): void {
  if (value.length === 0) bad(`${what} must not be empty`);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || '(),/:;<=>?@[\\]{}"'.includes(value[i]!)) {
      bad(`${what} is not an HTTP token: ${JSON.stringify(value)}`);
    }
  }
}

function compileOrigin(entry: string, exact: Set<string>, patterns: Pattern[]): void {
  if (typeof entry !== 'string' || entry.length === 0) bad('origins must be non-empty strings');
  if (entry === 'null') {
    bad('the "null" origin cannot be allowed: sandboxed iframes and file: pages all send it.');
  }
  if (entry === '*') bad("'*' goes alone: origins: '*' (and then credentials must be false).");
  const star = entry.indexOf('*');
  if (star >= 0) {
    const schemeEnd = entry.indexOf('://');
    if (
      schemeEnd < 0 ||
      star !== schemeEnd + 3 ||
      entry[star + 1] !== '.' ||
      entry.indexOf('*', star + 1) >= 0
    ) {
      bad(
        `pattern ${JSON.stringify(entry)} must look like "https://*.example.com" (one leading wildcard label).`,
      );
    }
    const scheme = entry.slice(0, schemeEnd);
    let rest = entry.slice(star + 1); // ".example.com[:port]"
    let port = '';
    const colon = rest.indexOf(':');
    if (colon >= 0) {
      port = rest.slice(colon);
      rest = rest.slice(0, colon);
    }
    const probe = `${scheme}://x${rest}${port}`;
    let url: URL;
    try {
      url = new URL(probe);
    } catch {
      bad(`pattern ${JSON.stringify(entry)} is not a valid origin pattern.`);
    }
    if (url.origin !== probe) {
      bad(
        `pattern ${JSON.stringify(entry)} must be lower-case, without path or trailing slash (https://*.example.com).`,
      );
    }
    const domain = withoutTrailingDot(rest.slice(1));
    const publicSuffix = publicSuffixOf(domain);
    if (publicSuffix === undefined || publicSuffix === domain) {
      bad(
        `pattern ${JSON.stringify(entry)} covers the public suffix "${domain}", where anyone can register a site: use a pattern under a registrable domain you own (e.g. "${scheme}://*.your-app.${domain}") or list the origins exactly.`,
      );
    }
    patterns.push({ scheme: `${scheme}://`, suffix: rest, port, publicSuffix });
    return;
  }
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    bad(`origin ${JSON.stringify(entry)} is not a URL; write it as "https://app.example.com".`);
  }
  if (url.origin === 'null' || url.origin !== entry) {
    bad(
      `origin ${JSON.stringify(entry)} must be written as its origin: ${JSON.stringify(url.origin)} (scheme, host, port; no path or trailing slash).`,
    );
  }
  exact.add(entry);
}

function matchesPattern(origin: string, p: Pattern): boolean {
  if (!origin.startsWith(p.scheme)) return false;
  let hostEnd = origin.length;
  if (p.port) {
    if (!origin.endsWith(p.port)) return false;
    hostEnd -= p.port.length;
  }
  const host = origin.slice(p.scheme.length, hostEnd);
  if (host.length <= p.suffix.length || !host.endsWith(p.suffix)) return false;
  const label = host.slice(0, host.length - p.suffix.length);
  if (label.charCodeAt(0) === 0x2e || label.charCodeAt(label.length - 1) === 0x2e) return false;
  for (let i = 0; i < label.length; i++) if (!isHostChar(label.charCodeAt(i))) return false;
  // A deeper public suffix under the pattern's domain (s3.amazonaws.com under
  // *.amazonaws.com) starts other owners' sites: the host must share the pattern's suffix.
  return publicSuffixOf(host) === p.publicSuffix;
}

/**
 * Compiles a CORS policy. Configuration mistakes that open an API to every site are
 * refused here, once: `'*'` with credentials, the `null` origin, origins with paths, wildcard
 * patterns over a public suffix.
 *
 * @param options - origins, credentials, methods, headers, max-age.
 * @returns `decide(request)` giving a {@link CorsDecision}.
 * @throws TypeError on a refused or malformed option, with how to fix it.
 * @example
 * ```ts
 * const cors = createCors({ origins: ['https://app.example.com', 'https://*.preview.example.com'], credentials: true });
 * const d = cors.decide({ method: req.method, headers: req.headers, origin: 'https://api.example.com' });
 * ```
 */
export function createCors(options: CorsOptions): Cors {
  if (!options || typeof options !== 'object') bad('options are required: { origins: [...] }');
  const credentials = options.credentials === true;
  const any = options.origins === '*';
  if (any && credentials) {
    bad("origins '*' cannot be combined with credentials: list the origins that may send cookies.");
  }
  const exact = new Set<string>();
  const patterns: Pattern[] = [];
  if (!any) {
    if (!Array.isArray(options.origins) || options.origins.length === 0) {
      bad("origins must be a non-empty array of origins, or '*'.");
    }
    for (const o of options.origins as readonly string[]) compileOrigin(o, exact, patterns);
  }
  const methods = (options.methods ?? DEFAULT_METHODS).map((m) => {
    checkToken(m, 'a method');
    return m.toUpperCase();
  });
  const allowedHeaders = (options.allowedHeaders ?? DEFAULT_HEADERS).map((h) => {
    checkToken(h, 'an allowed header');
    return h.toLowerCase();
  });
  const exposed = (options.exposedHeaders ?? []).map((h) => {
    checkToken(h, 'an exposed header');
    return h.toLowerCase();
  });
  const maxAge = options.maxAge ?? 600;
  if (!Number.isInteger(maxAge) || maxAge < 0) bad('maxAge must be whole seconds');
  // An empty list allows no preflight at all (simple requests only).
  const methodSet: ReadonlySet<string> =
    methods.length === 0 ? new Set() : compileMethodFilter(methods, 'createCors: methods');
  const headerSet = new Set(allowedHeaders);

  const VARY: Readonly<Record<string, string>> = Object.freeze(
    any ? ({} as Record<string, string>) : { vary: 'Origin' },
  );
  const actualExtra: Record<string, string> = {};
  if (credentials) actualExtra['access-control-allow-credentials'] = 'true';
  if (exposed.length) actualExtra['access-control-expose-headers'] = exposed.join(', ');
  const preflightExtra: Record<string, string> = {
    ...(credentials ? { 'access-control-allow-credentials': 'true' } : {}),
    'access-control-allow-methods': methods.join(', '),
    'access-control-allow-headers': allowedHeaders.join(', '),
    'access-control-max-age': String(maxAge),
  };
  // With '*', the answers do not depend on the origin: build them once.
  const anyActual = Object.freeze({ 'access-control-allow-origin': '*', ...actualExtra });
  const anyPreflight = Object.freeze({ 'access-control-allow-origin': '*', ...preflightExtra });

  function isAllowedOrigin(origin: string): boolean {
    if (any) return origin !== 'null';
    if (exact.has(origin)) return true;
    for (const p of patterns) if (matchesPattern(origin, p)) return true;
    return false;
  }

  function decide(request: CorsRequest): CorsDecision {
    const origin = request.headers.get('origin');
    if (origin === null || (request.origin !== undefined && origin === request.origin)) {
      return { kind: 'none', headers: VARY };
    }
    const requestedMethod =
      normalizeMethod(request.method) === 'OPTIONS'
        ? request.headers.get('access-control-request-method')
        : null;
    if (!isAllowedOrigin(origin))
      return { kind: 'rejected', code: 'CORS_ORIGIN_NOT_ALLOWED', headers: VARY };
    if (requestedMethod !== null) {
      if (!methodMatches(methodSet, requestedMethod)) {
        return { kind: 'rejected', code: 'CORS_METHOD_NOT_ALLOWED', headers: VARY };
      }
      const requestedHeaders = request.headers.get('access-control-request-headers');
      if (requestedHeaders) {
        for (const h of requestedHeaders.split(',')) {
          const name = h.trim().toLowerCase();
          if (name && !headerSet.has(name)) {
            return { kind: 'rejected', code: 'CORS_HEADER_NOT_ALLOWED', headers: VARY };
          }
        }
      }
      return {
        kind: 'preflight',
        headers: any
          ? anyPreflight
          : { 'access-control-allow-origin': origin, vary: 'Origin', ...preflightExtra },
      };
    }
    return {
      kind: 'allowed',
      headers: any
        ? anyActual
        : { 'access-control-allow-origin': origin, vary: 'Origin', ...actualExtra },
    };
  }

  return { decide, isAllowedOrigin };
}
