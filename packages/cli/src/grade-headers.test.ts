import { securityHeaders } from '@jaf-sec/core/headers';
import { describe, expect, it } from 'vitest';
import { gradeSecurityHeaders } from './grade-headers.js';

const HTTPS = new URL('https://app.example.com/');
const strong = {
  'content-security-policy':
    "default-src 'self'; script-src 'self' 'nonce-r4nd'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'",
  'strict-transport-security': 'max-age=63072000; includeSubDomains; preload',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'permissions-policy': 'camera=()',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};
const check = (headers: Record<string, string>, name: string, url = HTTPS) =>
  gradeSecurityHeaders(new Headers(headers), url).checks.find((c) => c.header === name);

describe('gradeSecurityHeaders', () => {
  it('gives A+ when every check passes over HTTPS', () => {
    const r = gradeSecurityHeaders(new Headers(strong), HTTPS);
    expect(r.grade).toBe('A+');
    expect(r.score).toBe(100);
  });

  it("grades jaf-sec's own default security headers A+ over HTTPS", () => {
    const headers = securityHeaders();
    const r = gradeSecurityHeaders(new Headers(headers.https), HTTPS);
    expect(r.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(r.grade).toBe('A+');
  });

  it('caps the grade at C without a CSP, however good the rest', () => {
    const { 'content-security-policy': _omit, ...rest } = strong;
    const r = gradeSecurityHeaders(new Headers({ ...rest, 'x-frame-options': 'DENY' }), HTTPS);
    expect(r.score).toBe(75);
    expect(r.grade).toBe('C');
  });

  it("warns about 'unsafe-inline' without nonces, 'unsafe-eval', wildcards and missing object-src/base-uri", () => {
    const c = check(
      { 'content-security-policy': "script-src * 'unsafe-inline' 'unsafe-eval'" },
      'Content-Security-Policy',
    );
    expect(c?.status).toBe('warn');
    expect(c?.advice).toMatch(/'unsafe-inline'.*'unsafe-eval'.*wildcard.*object-src.*base-uri/);
    expect(
      check(
        {
          'content-security-policy':
            "script-src 'unsafe-inline' 'nonce-x'; object-src 'none'; base-uri 'none'",
        },
        'Content-Security-Policy',
      )?.status,
    ).toBe('pass');
    expect(
      check(
        { 'content-security-policy-report-only': "default-src 'self'" },
        'Content-Security-Policy',
      )?.found,
    ).toMatch(/^report-only/);
  });

  it('grades HSTS: missing, short max-age, no includeSubDomains, plain http', () => {
    expect(check({}, 'Strict-Transport-Security')?.status).toBe('fail');
    expect(
      check({ 'strict-transport-security': 'max-age=3600' }, 'Strict-Transport-Security')?.advice,
    ).toMatch(/under 180 days/);
    expect(
      check({ 'strict-transport-security': 'max-age=31536000' }, 'Strict-Transport-Security')
        ?.advice,
    ).toMatch(/includeSubDomains/);
    expect(check({}, 'Strict-Transport-Security', new URL('http://example.com/'))?.found).toBe(
      'served over plain http',
    );
    expect(check({}, 'Strict-Transport-Security', new URL('http://localhost:3000/'))?.status).toBe(
      'n/a',
    );
  });

  it('treats a host that only starts with 127. as remote (issue 19)', () => {
    const remote = new URL('http://127.0.0.1.example.com/');
    expect(check({}, 'Strict-Transport-Security', remote)?.found).toBe('served over plain http');
    expect(check({}, 'Strict-Transport-Security', new URL('http://127.0.0.2:8080/'))?.status).toBe(
      'n/a',
    );
  });

  it('accepts frame-ancestors instead of X-Frame-Options and refuses ALLOW-FROM', () => {
    const r = gradeSecurityHeaders(new Headers(strong), HTTPS);
    expect(
      r.checks.some((c) => c.header === 'Clickjacking (frame-ancestors)' && c.status === 'pass'),
    ).toBe(true);
    expect(check({ 'x-frame-options': 'ALLOW-FROM https://x' }, 'X-Frame-Options')?.status).toBe(
      'fail',
    );
  });

  it('wants X-XSS-Protection 0 or absent (the guide\'s "1; mode=block" is outdated)', () => {
    expect(check({}, 'X-XSS-Protection')?.status).toBe('pass');
    expect(check({ 'x-xss-protection': '0' }, 'X-XSS-Protection')?.status).toBe('pass');
    expect(check({ 'x-xss-protection': '1; mode=block' }, 'X-XSS-Protection')?.status).toBe('warn');
  });

  it('flags unsafe-url referrers, version disclosure, credentialed wildcard CORS and weak cookies', () => {
    expect(check({ 'referrer-policy': 'unsafe-url' }, 'Referrer-Policy')?.status).toBe('fail');
    expect(
      check(
        { 'referrer-policy': 'no-referrer, strict-origin-when-cross-origin' },
        'Referrer-Policy',
      )?.status,
    ).toBe('pass');
    expect(check({ server: 'nginx/1.25.3' }, 'Technology disclosure')?.status).toBe('warn');
    expect(check({ server: 'nginx' }, 'Technology disclosure')?.status).toBe('pass');
    expect(check({ 'access-control-allow-origin': 'null' }, 'CORS')?.status).toBe('fail');
    expect(
      check(
        {
          'access-control-allow-origin': 'https://a.example',
          'access-control-allow-credentials': 'true',
        },
        'CORS',
      )?.status,
    ).toBe('pass');
    const h = new Headers();
    h.append('set-cookie', 'a=1; Secure; HttpOnly; SameSite=Strict');
    h.append('set-cookie', 'b=2; HttpOnly');
    const cookie = gradeSecurityHeaders(h, HTTPS).checks.find((c) => c.header === 'Set-Cookie');
    expect(cookie?.found).toBe('b lacks Secure, SameSite');
  });
});
