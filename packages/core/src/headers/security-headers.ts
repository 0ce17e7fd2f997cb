// Security response headers at helmet's level or stricter, computed once per configuration.
// Per request only a choice between two frozen records remains, plus the CSP string when it
// carries a nonce.
import { encodeBase64 } from '../internal/bytes.js';
import { randomBytes } from '../internal/random.js';

/** CSP directives: name to sources. `null`/`false` removes a default directive; `true` or `[]` writes it bare. */
export type CspDirectives = Readonly<Record<string, readonly string[] | string | boolean | null>>;

/** Content-Security-Policy options. */
export interface CspOptions {
  /** Directives merged over the defaults (or replacing them with `useDefaults: false`). */
  readonly directives?: CspDirectives | undefined;
  /** Start from jaf-sec's defaults. Default true. */
  readonly useDefaults?: boolean | undefined;
  /** Send `Content-Security-Policy-Report-Only` instead, to try a policy without enforcing it. */
  readonly reportOnly?: boolean | undefined;
  /**
   * Add a per-request `'nonce-…'` to these directives (`true` = `script-src` and `style-src`).
   * Then use `forRequest(secure, nonce)` with a fresh `createCspNonce()` per response.
   */
  readonly nonce?: boolean | readonly string[] | undefined;
  /** Add `'strict-dynamic'` to `script-src` (scripts loaded by a nonced script are trusted). */
  readonly strictDynamic?: boolean | undefined;
}

/** HSTS options (sent only on responses to https requests). */
export interface HstsOptions {
  /** Seconds. Default 31,536,000 (one year). */
  readonly maxAge?: number | undefined;
  /** Default true. */
  readonly includeSubDomains?: boolean | undefined;
  /** Default false: only set it once you have submitted the domain to the preload list. */
  readonly preload?: boolean | undefined;
}

/** Options of {@link securityHeaders}. Every header can be turned off with `false`. */
export interface SecurityHeadersOptions {
  readonly contentSecurityPolicy?: CspOptions | false | undefined;
  readonly strictTransportSecurity?: HstsOptions | false | undefined;
  /** Default `same-origin`. */
  readonly crossOriginOpenerPolicy?:
    | 'same-origin'
    | 'same-origin-allow-popups'
    | 'unsafe-none'
    | false
    | undefined;
  /** Default `same-origin`. */
  readonly crossOriginResourcePolicy?:
    | 'same-origin'
    | 'same-site'
    | 'cross-origin'
    | false
    | undefined;
  /** Default off (as in helmet): it breaks pages that embed cross-origin resources. */
  readonly crossOriginEmbedderPolicy?: 'require-corp' | 'credentialless' | false | undefined;
  /** `Origin-Agent-Cluster: ?1`. Default true. */
  readonly originAgentCluster?: boolean | undefined;
  /** Default `no-referrer`. */
  readonly referrerPolicy?: string | readonly string[] | false | undefined;
  /** `X-Content-Type-Options: nosniff`. Default true. */
  readonly xContentTypeOptions?: boolean | undefined;
  /** Default `DENY` (helmet: SAMEORIGIN). */
  readonly xFrameOptions?: 'DENY' | 'SAMEORIGIN' | false | undefined;
  /** Default `off`. */
  readonly xDnsPrefetchControl?: 'off' | 'on' | false | undefined;
  /** Default `none`. */
  readonly xPermittedCrossDomainPolicies?:
    | 'none'
    | 'master-only'
    | 'by-content-type'
    | 'all'
    | false
    | undefined;
  /** `X-Download-Options: noopen` (old IE). Default true, as helmet. */
  readonly xDownloadOptions?: boolean | undefined;
  /**
   * Feature to allow-list; `[]` disables the feature. Default: camera, microphone,
   * geolocation, payment, usb, and other powerful features disabled.
   */
  readonly permissionsPolicy?: Readonly<Record<string, readonly string[]>> | false | undefined;
  /** `X-XSS-Protection: 0`: the old auditor is gone and `1; mode=block` opened holes. Default true. */
  readonly xXssProtection?: boolean | undefined;
  /** Default `no-store` (API responses must not be cached by browsers or proxies). */
  readonly cacheControl?: string | false | undefined;
}

/** The precomputed headers. */
export interface SecurityHeaders {
  /** Headers for a response to an https request (HSTS and `upgrade-insecure-requests` included). */
  readonly https: Readonly<Record<string, string>>;
  /** Headers for a plain-http response (no HSTS: browsers ignore it there). */
  readonly http: Readonly<Record<string, string>>;
  /** True when the CSP takes a per-request nonce. */
  readonly usesNonce: boolean;
  /** The CSP header's name (`content-security-policy` or its `-report-only` variant), if any. */
  readonly cspHeader: string | undefined;
  /**
   * The headers for one response. Without a nonce this returns one of the shared frozen
   * records (no allocation); with one, a copy whose CSP carries `'nonce-<nonce>'`.
   */
  forRequest(secure: boolean, nonce?: string): Readonly<Record<string, string>>;
}

const DEFAULT_CSP: CspDirectives = {
  'default-src': ["'self'"],
  'base-uri': ["'self'"],
  'font-src': ["'self'", 'https:', 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
};

const DEFAULT_PERMISSIONS: Readonly<Record<string, readonly string[]>> = {
  accelerometer: [],
  camera: [],
  'display-capture': [],
  geolocation: [],
  gyroscope: [],
  magnetometer: [],
  microphone: [],
  midi: [],
  payment: [],
  usb: [],
  'browsing-topics': [],
};

const NONCE_MARK = '\u0000';

function bad(what: string): never {
  throw new TypeError(`securityHeaders: ${what}`);
}

// Values end up inside a header: no control characters, and for CSP no ";" or "," which
// would start a new directive or policy.
function checkValue(value: string, what: string, forbidden: string): void {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || c > 0x7e || forbidden.includes(value[i]!)) {
      bad(`${what} contains a character that is not allowed here: ${JSON.stringify(value)}`);
    }
  }
}

function checkDirectiveName(name: string): void {
  if (name.length === 0) bad('a CSP directive name is empty');
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (!((c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2d)) {
      bad(`CSP directive names are lower-case letters, digits and "-": ${JSON.stringify(name)}`);
    }
  }
}

/** Builds the CSP text for one scheme, with NONCE_MARK where the nonce goes. */
function buildCsp(options: CspOptions, secure: boolean): string {
  const merged: Record<string, readonly string[] | string | boolean | null> =
    options.useDefaults === false ? {} : { ...DEFAULT_CSP };
  for (const [name, value] of Object.entries(options.directives ?? {})) {
    checkDirectiveName(name);
    merged[name] = value;
  }
  const nonceDirectives =
    options.nonce === true
      ? ['script-src', 'style-src']
      : Array.isArray(options.nonce)
        ? (options.nonce as readonly string[])
        : [];
  const parts: string[] = [];
  const emitted = new Set<string>();
  const emit = (name: string, value: readonly string[] | string | boolean | null) => {
    if (value === null || value === false) return;
    const sources = value === true ? [] : typeof value === 'string' ? [value] : [...value];
    for (const s of sources) checkValue(s, `CSP source of ${name}`, ';,');
    if (nonceDirectives.includes(name)) sources.push(`'nonce-${NONCE_MARK}'`);
    if (name === 'script-src' && options.strictDynamic) sources.push("'strict-dynamic'");
    parts.push(sources.length ? `${name} ${sources.join(' ')}` : name);
    emitted.add(name);
  };
  for (const [name, value] of Object.entries(merged)) emit(name, value);
  for (const name of nonceDirectives) {
    if (!emitted.has(name)) {
      checkDirectiveName(name);
      // A nonce directive the policy lacks starts from 'self', like the fallback it replaces.
      emit(name, ["'self'"]);
    }
  }
  if (
    secure &&
    options.useDefaults !== false &&
    !('upgrade-insecure-requests' in merged) &&
    !options.reportOnly
  ) {
    // Only over https: on an http page it would turn same-origin http loads into failures.
    parts.push('upgrade-insecure-requests');
  }
  return parts.join('; ');
}

/**
 * Computes the security headers for a configuration, once. Defaults are at helmet's level
 * or stricter: a CSP without `'unsafe-inline'`, HSTS (https only), COOP and CORP
 * `same-origin`, `Origin-Agent-Cluster`, `Referrer-Policy: no-referrer`, `nosniff`,
 * `X-Frame-Options: DENY`, DNS prefetch off, cross-domain policies none, a restrictive
 * Permissions-Policy, `X-XSS-Protection: 0` and `Cache-Control: no-store`. Adapters remove
 * `X-Powered-By`.
 *
 * @param options - per-header overrides; `false` turns a header off.
 * @returns the frozen https/http records and `forRequest(secure, nonce?)`.
 * @throws TypeError on a value that would corrupt a header (control characters, `;` or `,`
 *   in a CSP source, a bad HSTS max-age).
 * @example
 * ```ts
 * const headers = securityHeaders({ contentSecurityPolicy: { nonce: true } });
 * const nonce = createCspNonce();
 * for (const [name, value] of Object.entries(headers.forRequest(true, nonce))) res.setHeader(name, value);
 * res.end(`<script nonce="${nonce}">boot()</script>`);
 * ```
 */
export function securityHeaders(options: SecurityHeadersOptions = {}): SecurityHeaders {
  const common: Record<string, string> = {};
  const csp =
    options.contentSecurityPolicy === false ? undefined : (options.contentSecurityPolicy ?? {});
  const cspHeader = csp
    ? csp.reportOnly
      ? 'content-security-policy-report-only'
      : 'content-security-policy'
    : undefined;
  const usesNonce =
    csp !== undefined && (csp.nonce === true || (Array.isArray(csp.nonce) && csp.nonce.length > 0));

  const coop = options.crossOriginOpenerPolicy ?? 'same-origin';
  if (coop) common['cross-origin-opener-policy'] = coop;
  const corp = options.crossOriginResourcePolicy ?? 'same-origin';
  if (corp) common['cross-origin-resource-policy'] = corp;
  if (options.crossOriginEmbedderPolicy)
    common['cross-origin-embedder-policy'] = options.crossOriginEmbedderPolicy;
  if (options.originAgentCluster !== false) common['origin-agent-cluster'] = '?1';
  const referrer = options.referrerPolicy ?? 'no-referrer';
  if (referrer !== false) {
    const text = typeof referrer === 'string' ? referrer : referrer.join(',');
    checkValue(text, 'referrerPolicy', ';');
    common['referrer-policy'] = text;
  }
  if (options.xContentTypeOptions !== false) common['x-content-type-options'] = 'nosniff';
  const xfo = options.xFrameOptions ?? 'DENY';
  if (xfo) common['x-frame-options'] = xfo;
  const dns = options.xDnsPrefetchControl ?? 'off';
  if (dns) common['x-dns-prefetch-control'] = dns;
  const xpcdp = options.xPermittedCrossDomainPolicies ?? 'none';
  if (xpcdp) common['x-permitted-cross-domain-policies'] = xpcdp;
  if (options.xDownloadOptions !== false) common['x-download-options'] = 'noopen';
  const permissions = options.permissionsPolicy ?? DEFAULT_PERMISSIONS;
  if (permissions !== false) {
    const items: string[] = [];
    for (const [feature, allow] of Object.entries(permissions)) {
      checkDirectiveName(feature);
      for (const a of allow) checkValue(a, `permissionsPolicy ${feature}`, ',;()');
      items.push(`${feature}=(${allow.join(' ')})`);
    }
    common['permissions-policy'] = items.join(', ');
  }
  if (options.xXssProtection !== false) common['x-xss-protection'] = '0';
  const cache = options.cacheControl ?? 'no-store';
  if (cache !== false) {
    checkValue(cache, 'cacheControl', '');
    common['cache-control'] = cache;
  }

  let hsts: string | undefined;
  if (options.strictTransportSecurity !== false) {
    const h = options.strictTransportSecurity ?? {};
    const maxAge = h.maxAge ?? 31_536_000;
    if (!Number.isInteger(maxAge) || maxAge < 0)
      bad('strictTransportSecurity.maxAge must be whole seconds');
    if (h.preload && (maxAge < 31_536_000 || h.includeSubDomains === false)) {
      bad('HSTS preload needs maxAge >= 31536000 and includeSubDomains');
    }
    hsts = `max-age=${maxAge}${h.includeSubDomains === false ? '' : '; includeSubDomains'}${h.preload ? '; preload' : ''}`;
  }

  const cspHttps = csp ? buildCsp(csp, true) : undefined;
  const cspHttp = csp ? buildCsp(csp, false) : undefined;
  const make = (secure: boolean): Readonly<Record<string, string>> => {
    const record: Record<string, string> = {};
    const text = secure ? cspHttps : cspHttp;
    if (cspHeader && text !== undefined) record[cspHeader] = text.split(NONCE_MARK).join('');
    if (secure && hsts) record['strict-transport-security'] = hsts;
    return Object.freeze(Object.assign(record, common));
  };
  const https = make(true);
  const http = make(false);
  // The CSP split around the nonce, so a request only joins strings.
  const httpsParts = cspHttps?.split(NONCE_MARK);
  const httpParts = cspHttp?.split(NONCE_MARK);

  function forRequest(secure: boolean, nonce?: string): Readonly<Record<string, string>> {
    const base = secure ? https : http;
    if (!usesNonce || nonce === undefined || !cspHeader) return base;
    if (!isNonce(nonce))
      throw new TypeError('securityHeaders.forRequest: use a nonce from createCspNonce().');
    const parts = (secure ? httpsParts : httpParts)!;
    const copy: Record<string, string> = { ...base };
    copy[cspHeader] = parts.join(nonce);
    return copy;
  }

  return { https, http, usesNonce, cspHeader, forRequest };
}

// base64 alphabet only, so a nonce can never inject a directive.
function isNonce(nonce: string): boolean {
  if (nonce.length < 16 || nonce.length > 128) return false;
  for (let i = 0; i < nonce.length; i++) {
    const c = nonce.charCodeAt(i);
    const ok =
      (c >= 0x30 && c <= 0x39) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x61 && c <= 0x7a) ||
      c === 0x2b ||
      c === 0x2f ||
      c === 0x3d ||
      c === 0x2d ||
      c === 0x5f;
    if (!ok) return false;
  }
  return true;
}

/**
 * A fresh CSP nonce: 128 random bits, base64. Use one per response, never reuse.
 *
 * @returns e.g. `"pQ1cW6O0yq7PDdbS0tq0hA=="`.
 * @example
 * ```ts
 * const nonce = createCspNonce();
 * html = `<script nonce="${nonce}">…</script>`;
 * ```
 */
export function createCspNonce(): string {
  return encodeBase64(randomBytes(16));
}
