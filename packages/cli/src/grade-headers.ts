import { isLoopbackHost } from '@jaf-sec/core/config';
/** How one check went. `n/a` checks do not count towards the score. */
export type HeaderCheckStatus = 'pass' | 'warn' | 'fail' | 'n/a';

/** One graded aspect of a response's security headers. */
export interface HeaderCheck {
  readonly header: string;
  readonly status: HeaderCheckStatus;
  /** What was found (the header value, shortened), or `missing`. */
  readonly found: string;
  /** What to change; empty when it passes. */
  readonly advice: string;
  readonly weight: number;
}

/** A letter grade from A+ (every check passes) to F. */
export type HeaderGrade = 'A+' | 'A' | 'B' | 'C' | 'D' | 'F';

/** The report of {@link gradeSecurityHeaders}. */
export interface HeaderReport {
  readonly url: string;
  readonly status: number;
  readonly grade: HeaderGrade;
  /** 0-100. */
  readonly score: number;
  readonly checks: readonly HeaderCheck[];
}

/** Order of grades, best first, for comparisons (`--min-grade`). */
export const GRADES: readonly HeaderGrade[] = ['A+', 'A', 'B', 'C', 'D', 'F'];

const short = (value: string) => (value.length > 120 ? `${value.slice(0, 117)}...` : value);

// The host parsed as an address, not matched by prefix: http://127.0.0.1.example.com is a
// remote host served over plain http, not a local one.
const isLoopback = (url: URL): boolean => isLoopbackHost(url.hostname);

/** Directives of a CSP header: name -> source list (lower case). */
function parseCsp(value: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of value.split(';')) {
    const tokens = part.trim().split(/\s+/).filter(Boolean);
    const name = tokens.shift()?.toLowerCase();
    if (name && !out.has(name))
      out.set(
        name,
        tokens.map((t) => t.toLowerCase()),
      );
  }
  return out;
}

const CSP_EXAMPLE =
  "default-src 'self'; script-src 'self' 'nonce-<random>'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

function checkCsp(headers: Headers): HeaderCheck {
  const weight = 25;
  const value = headers.get('content-security-policy');
  if (!value) {
    const reportOnly = headers.get('content-security-policy-report-only');
    return {
      header: 'Content-Security-Policy',
      status: 'fail',
      found: reportOnly ? `report-only: ${short(reportOnly)}` : 'missing',
      advice: reportOnly
        ? 'The policy is only reported, not enforced; once the reports are clean, send it as Content-Security-Policy.'
        : `Add a policy such as "${CSP_EXAMPLE}" (securityHeadersRule() from @jaf-sec/core/headers sends one with a per-request nonce).`,
      weight,
    };
  }
  const csp = parseCsp(value);
  const scripts = csp.get('script-src') ?? csp.get('default-src');
  const problems: string[] = [];
  if (!scripts) problems.push('no script-src or default-src, so scripts may load from anywhere');
  else {
    const hasNonceOrHash = scripts.some((s) => s.startsWith("'nonce-") || s.startsWith("'sha"));
    if (scripts.includes("'unsafe-inline'") && !hasNonceOrHash) {
      problems.push(
        "'unsafe-inline' in script-src lets injected scripts run (use nonces or hashes)",
      );
    }
    if (scripts.includes("'unsafe-eval'"))
      problems.push("'unsafe-eval' in script-src allows eval()");
    if (scripts.some((s) => s === '*' || s === 'http:' || s === 'https:' || s === 'data:')) {
      problems.push('a wildcard or scheme source in script-src allows scripts from any host');
    }
  }
  const objects = csp.get('object-src') ?? csp.get('default-src');
  if (!objects?.includes("'none'")) problems.push("object-src is not 'none'");
  if (!csp.has('base-uri'))
    problems.push(
      "no base-uri (set 'self' or 'none' so injected <base> tags cannot redirect scripts)",
    );
  return {
    header: 'Content-Security-Policy',
    status: problems.length === 0 ? 'pass' : 'warn',
    found: short(value),
    advice: problems.length === 0 ? '' : `${problems.join('; ')}.`,
    weight,
  };
}

function checkHsts(headers: Headers, url: URL): HeaderCheck {
  const weight = 20;
  const header = 'Strict-Transport-Security';
  if (url.protocol !== 'https:') {
    return isLoopback(url)
      ? {
          header,
          status: 'n/a',
          found: 'plain http on a local address',
          advice: 'Check the HTTPS deployment: HSTS only applies over HTTPS.',
          weight,
        }
      : {
          header,
          status: 'fail',
          found: 'served over plain http',
          advice:
            'Serve the site over HTTPS only, redirect http to https, then send Strict-Transport-Security.',
          weight,
        };
  }
  const value = headers.get('strict-transport-security');
  if (!value) {
    return {
      header,
      status: 'fail',
      found: 'missing',
      advice:
        'Send "max-age=63072000; includeSubDomains" (two years) once every subdomain serves HTTPS.',
      weight,
    };
  }
  let maxAge = -1;
  let subdomains = false;
  for (const part of value.split(';')) {
    const [k, v] = part.trim().split('=');
    if (k?.toLowerCase() === 'max-age') maxAge = Number((v ?? '').replace(/"/g, ''));
    if (k?.toLowerCase() === 'includesubdomains') subdomains = true;
  }
  if (!(maxAge >= 0))
    return {
      header,
      status: 'fail',
      found: short(value),
      advice: 'max-age is missing or not a number: send "max-age=63072000; includeSubDomains".',
      weight,
    };
  if (maxAge < 15_552_000) {
    return {
      header,
      status: 'warn',
      found: short(value),
      advice: `max-age=${maxAge} is under 180 days; use at least 31536000 (one year).`,
      weight,
    };
  }
  if (!subdomains) {
    return {
      header,
      status: 'warn',
      found: short(value),
      advice:
        'Add includeSubDomains once every subdomain serves HTTPS, so a subdomain cannot be used to strip HTTPS or set cookies.',
      weight,
    };
  }
  return { header, status: 'pass', found: short(value), advice: '', weight };
}

function simple(
  header: string,
  value: string | null,
  weight: number,
  decide: (v: string) => [HeaderCheckStatus, string],
  missing: [HeaderCheckStatus, string],
): HeaderCheck {
  if (value === null)
    return { header, status: missing[0], found: 'missing', advice: missing[1], weight };
  const [status, advice] = decide(value.trim());
  return { header, status, found: short(value), advice, weight };
}

const GOOD_REFERRER = new Set([
  'no-referrer',
  'same-origin',
  'strict-origin',
  'strict-origin-when-cross-origin',
]);

/**
 * Grades the security headers of one HTTP response and says what to change. Pure: the
 * caller fetched the response. Checks: Content-Security-Policy, Strict-Transport-Security
 * (HTTPS only), X-Content-Type-Options, clickjacking protection (frame-ancestors or
 * X-Frame-Options), Referrer-Policy, Permissions-Policy, Cross-Origin-Opener-Policy,
 * Cross-Origin-Resource-Policy, X-XSS-Protection (should be 0 or absent), technology
 * disclosure (X-Powered-By, versioned Server), CORS with credentials, cookie flags.
 *
 * @example
 * ```ts
 * const res = await fetch(url);
 * const report = gradeSecurityHeaders(res.headers, new URL(res.url), res.status);
 * console.log(report.grade);
 * ```
 */
export function gradeSecurityHeaders(headers: Headers, url: URL, status = 200): HeaderReport {
  const checks: HeaderCheck[] = [];
  const csp = checkCsp(headers);
  checks.push(csp);
  checks.push(checkHsts(headers, url));
  checks.push(
    simple(
      'X-Content-Type-Options',
      headers.get('x-content-type-options'),
      10,
      (v) =>
        v.toLowerCase() === 'nosniff' ? ['pass', ''] : ['fail', 'The only valid value is nosniff.'],
      [
        'fail',
        'Send "X-Content-Type-Options: nosniff" so browsers do not guess a script out of an upload.',
      ],
    ),
  );
  const cspValue = headers.get('content-security-policy');
  const frameAncestors = cspValue ? parseCsp(cspValue).get('frame-ancestors') : undefined;
  checks.push(
    frameAncestors
      ? {
          header: 'Clickjacking (frame-ancestors)',
          status: 'pass',
          found: `frame-ancestors ${frameAncestors.join(' ')}`,
          advice: '',
          weight: 10,
        }
      : simple(
          'X-Frame-Options',
          headers.get('x-frame-options'),
          10,
          (v) => {
            const u = v.toUpperCase();
            return u === 'DENY' || u === 'SAMEORIGIN'
              ? ['pass', '']
              : [
                  'fail',
                  'Use DENY or SAMEORIGIN (ALLOW-FROM is ignored by browsers), or CSP frame-ancestors.',
                ];
          },
          [
            'fail',
            'Send "X-Frame-Options: DENY" or CSP "frame-ancestors \'none\'" so the site cannot be framed for clickjacking.',
          ],
        ),
  );
  checks.push(
    simple(
      'Referrer-Policy',
      headers.get('referrer-policy'),
      10,
      (v) => {
        const last = v.split(',').pop()!.trim().toLowerCase();
        if (GOOD_REFERRER.has(last)) return ['pass', ''];
        if (last === 'unsafe-url')
          return [
            'fail',
            'unsafe-url sends full URLs (with query tokens) to every site; use strict-origin-when-cross-origin or no-referrer.',
          ];
        return [
          'warn',
          `${last} can leak paths to other sites; use strict-origin-when-cross-origin or no-referrer.`,
        ];
      },
      [
        'warn',
        'Send "Referrer-Policy: strict-origin-when-cross-origin" (or no-referrer) rather than rely on browser defaults.',
      ],
    ),
  );
  checks.push(
    simple('Permissions-Policy', headers.get('permissions-policy'), 5, () => ['pass', ''], [
      'warn',
      'Send a Permissions-Policy that switches off what the app does not use, e.g. "camera=(), microphone=(), geolocation=()".',
    ]),
  );
  checks.push(
    simple(
      'Cross-Origin-Opener-Policy',
      headers.get('cross-origin-opener-policy'),
      5,
      (v) =>
        v.toLowerCase().startsWith('same-origin')
          ? ['pass', '']
          : ['warn', 'Use same-origin (or same-origin-allow-popups for OAuth popups).'],
      [
        'warn',
        'Send "Cross-Origin-Opener-Policy: same-origin" to isolate the window from cross-origin openers.',
      ],
    ),
  );
  checks.push(
    simple(
      'Cross-Origin-Resource-Policy',
      headers.get('cross-origin-resource-policy'),
      5,
      (v) =>
        ['same-origin', 'same-site', 'cross-origin'].includes(v.toLowerCase())
          ? ['pass', '']
          : ['warn', 'Use same-origin, same-site or cross-origin.'],
      [
        'warn',
        'Send "Cross-Origin-Resource-Policy: same-origin" (or same-site) so other sites cannot embed responses.',
      ],
    ),
  );
  checks.push(
    simple(
      'X-XSS-Protection',
      headers.get('x-xss-protection'),
      5,
      (v) =>
        v === '0'
          ? ['pass', '']
          : [
              'warn',
              'Send 0 or nothing: the XSS auditor is gone from browsers, and "1; mode=block" created cross-site leaks. Rely on CSP.',
            ],
      ['pass', ''],
    ),
  );
  const powered = headers.get('x-powered-by');
  const server = headers.get('server');
  const disclosed = [
    powered ? `X-Powered-By: ${powered}` : '',
    server && /\d/.test(server) ? `Server: ${server}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  checks.push({
    header: 'Technology disclosure',
    status: disclosed ? 'warn' : 'pass',
    found: disclosed ? short(disclosed) : 'none',
    advice: disclosed
      ? 'Remove X-Powered-By and version numbers from Server: they tell attackers which exploits to try.'
      : '',
    weight: 5,
  });
  const acao = headers.get('access-control-allow-origin');
  const acac = headers.get('access-control-allow-credentials');
  if (acao !== null) {
    const bad =
      acao.trim() === 'null' || (acao.trim() === '*' && acac?.trim().toLowerCase() === 'true');
    checks.push({
      header: 'CORS',
      status: bad ? 'fail' : 'pass',
      found: short(
        `Access-Control-Allow-Origin: ${acao}${acac ? `, Allow-Credentials: ${acac}` : ''}`,
      ),
      advice: bad ? 'Allow exact origins only; never "null", never "*" with credentials.' : '',
      weight: 10,
    });
  }
  const cookies = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : [];
  if (cookies.length > 0) {
    const weak: string[] = [];
    for (const cookie of cookies) {
      const name = cookie.split('=')[0]!.trim();
      const attrs = cookie
        .split(';')
        .slice(1)
        .map((a) => a.trim().toLowerCase());
      const missing: string[] = [];
      if (url.protocol === 'https:' && !attrs.includes('secure')) missing.push('Secure');
      if (!attrs.includes('httponly')) missing.push('HttpOnly');
      if (!attrs.some((a) => a.startsWith('samesite='))) missing.push('SameSite');
      if (missing.length > 0) weak.push(`${name} lacks ${missing.join(', ')}`);
    }
    checks.push({
      header: 'Set-Cookie',
      status: weak.length === 0 ? 'pass' : 'warn',
      found: weak.length === 0 ? `${cookies.length} cookie(s)` : short(weak.join('; ')),
      advice:
        weak.length === 0
          ? ''
          : 'Mark session cookies Secure, HttpOnly and SameSite=Lax (or Strict); only cookies scripts must read may skip HttpOnly.',
      weight: 5,
    });
  }

  let earned = 0;
  let total = 0;
  for (const c of checks) {
    if (c.status === 'n/a') continue;
    total += c.weight;
    earned += c.status === 'pass' ? c.weight : c.status === 'warn' ? c.weight / 2 : 0;
  }
  const score = total === 0 ? 0 : Math.round((earned / total) * 100);
  let grade: HeaderGrade =
    score >= 90 ? 'A' : score >= 80 ? 'B' : score >= 70 ? 'C' : score >= 60 ? 'D' : 'F';
  if (checks.every((c) => c.status === 'pass' || c.status === 'n/a')) grade = 'A+';
  // A missing CSP or a credentialed wildcard CORS is serious whatever else is right.
  const capped =
    csp.status === 'fail' || checks.some((c) => c.header === 'CORS' && c.status === 'fail');
  if (capped && GRADES.indexOf(grade) < GRADES.indexOf('C')) grade = 'C';
  return { url: url.href, status, grade, score, checks };
}
