// Issue 15: CSRF and CORS checks that could be walked around (ambient HTTP authentication,
// method spelling, HEAD routed to GET).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCors } from './cors.js';
import { createCsrfProtection } from './csrf.js';

const self = 'https://app.example.com';
const foreign = { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' };
const check = (method: string, headers: Record<string, string>, options = {}) =>
  createCsrfProtection(options).check({ method, headers: new Headers(headers), origin: self });

describe('CSRF: credentials a browser attaches by itself are checked', () => {
  it.each([
    ['Basic', 'Basic YWxpY2U6c2VjcmV0'],
    ['basic (lower case)', 'basic YWxpY2U6c2VjcmV0'],
    ['Digest', 'Digest username="alice", realm="api", nonce="n", uri="/x", response="r"'],
    ['Negotiate', 'Negotiate YIIGhgYGKwYBBQUCoIIGejCCBnag'],
    ['NTLM', 'NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw=='],
    ['an unknown scheme', 'Custom abc'],
    ['a bare token with no scheme', 'YWxpY2U6c2VjcmV0'],
    ['an empty value', ''],
    ['Bearer joined with Basic', 'Bearer abc, Basic YWxpY2U6c2VjcmV0'],
  ])('refuses a cross-site POST with Authorization: %s and no cookie', (_, authorization) => {
    const d = check('POST', { ...foreign, authorization });
    expect(d.ok || d.code).toBe('CSRF_CROSS_ORIGIN');
    // The same request from the page's own origin passes.
    expect(check('POST', { authorization, 'sec-fetch-site': 'same-origin' })).toEqual({
      ok: true,
      checked: true,
    });
  });

  it('refuses it on older browsers too (Origin only, no Sec-Fetch-Site)', () => {
    const d = check('PUT', {
      authorization: 'Basic YWxpY2U6c2VjcmV0',
      origin: 'https://evil.example',
    });
    expect(d.ok || d.code).toBe('CSRF_CROSS_ORIGIN');
  });

  it.each([
    ['Bearer', { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.x' }],
    ['bearer (lower case, extra spaces)', { authorization: '  bearer   abc' }],
    ['DPoP', { authorization: 'DPoP eyJhbGciOiJFUzI1NiJ9.e30.x' }],
    ['an API-key header', { 'x-api-key': 'sk_live_abc' }],
  ])('skips a cross-site POST carrying only %s (a browser never adds it)', (_, headers) => {
    expect(check('POST', { ...foreign, ...headers })).toEqual({ ok: true, checked: false });
  });

  it('a bearer token does not exempt a request that also carries a cookie', () => {
    const d = check('POST', { ...foreign, authorization: 'Bearer abc', cookie: 'sid=1' });
    expect(d.ok || d.code).toBe('CSRF_CROSS_ORIGIN');
  });

  it('exempts a cross-site request only for a lone Bearer / DPoP credential (property)', () => {
    const unit = fc.constantFrom(
      'Bearer',
      'bearer',
      'DPoP',
      'Basic',
      'Digest',
      ' ',
      ',',
      'x',
      '=',
      '\t',
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 8 }), (authorization) => {
        const d = check('POST', { ...foreign, authorization });
        const scheme = authorization.trim().split(/[ \t]/)[0]!.toLowerCase();
        const explicit = (scheme === 'bearer' || scheme === 'dpop') && !authorization.includes(',');
        expect(d.ok).toBe(explicit);
      }),
      { numRuns: 2000 },
    );
  });

  it('takes onlyWithAmbientCredentials, keeps onlyWithCookies as its old name', () => {
    const basic = { ...foreign, 'x-api-key': 'k' };
    expect(check('POST', basic, { onlyWithAmbientCredentials: false }).ok).toBe(false);
    expect(check('POST', basic, { onlyWithCookies: false }).ok).toBe(false);
    // The old name no longer means "cookies only".
    const viaBasic = { ...foreign, authorization: 'Basic YWxpY2U6c2VjcmV0' };
    expect(check('POST', viaBasic, { onlyWithCookies: true }).ok).toBe(false);
    expect(() =>
      createCsrfProtection({ onlyWithCookies: true, onlyWithAmbientCredentials: false }),
    ).toThrow(/old name of onlyWithAmbientCredentials/);
  });

  it('matches methods case-insensitively: a lower-case unsafe method is checked, a lower-case safe one skipped', () => {
    const cookie = { cookie: 'sid=1' };
    expect(check('post', { ...foreign, ...cookie }).ok).toBe(false);
    expect(check('delete', { ...foreign, ...cookie }).ok).toBe(false);
    expect(check('head', { ...foreign, ...cookie })).toEqual({ ok: true, checked: false });
  });
});

describe('CORS preflight methods follow routing', () => {
  const req = (method: string, headers: Record<string, string>) => ({
    method,
    headers: new Headers(headers),
    origin: 'https://api.example.com',
  });
  const cors = createCors({ origins: ['https://app.example.com'], methods: ['GET', 'post'] });
  const preflight = (requested: string, method = 'OPTIONS') =>
    cors.decide(
      req(method, {
        origin: 'https://app.example.com',
        'access-control-request-method': requested,
      }),
    ).kind;

  it('allows HEAD with GET, and compares case-insensitively', () => {
    expect(preflight('GET')).toBe('preflight');
    expect(preflight('HEAD')).toBe('preflight');
    expect(preflight('POST')).toBe('preflight');
    expect(preflight('post')).toBe('preflight');
    expect(preflight('PUT')).toBe('rejected');
    expect(preflight('OPTIONS')).toBe('rejected');
  });

  it('treats a lower-case OPTIONS as a preflight too', () => {
    expect(preflight('PUT', 'options')).toBe('rejected');
    expect(preflight('GET', 'options')).toBe('preflight');
  });

  it('refuses a method that is not an HTTP token at construction', () => {
    expect(() => createCors({ origins: ['https://app.example.com'], methods: ['GE T'] })).toThrow(
      /not an HTTP token/,
    );
  });
});

describe('CORS wildcard patterns and the Public Suffix List', () => {
  it.each([
    'https://*.co.uk',
    'https://*.vercel.app',
    'https://*.github.io',
    'https://*.pages.dev',
    'https://*.netlify.app',
    'https://*.herokuapp.com',
    'https://*.s3.amazonaws.com',
    'https://*.com',
    'https://*.xn--p1ai',
    'https://*.zzz', // not in the list: the default rule makes it a suffix
    'https://*.co.uk:8443',
    'https://*.co.uk.',
    'http://*.localhost:3000',
    'https://*.foo.ck', // a wildcard rule (*.ck): foo.ck is itself a public suffix
  ])('refuses %s at construction with a fix-it message', (pattern) => {
    expect(() => createCors({ origins: [pattern] })).toThrow(/covers the public suffix/);
    expect(() => createCors({ origins: [pattern] })).toThrow(/registrable domain you own/);
  });

  it.each([
    ['https://*.example.co.uk', 'https://app.example.co.uk'],
    ['https://*.my-app.vercel.app', 'https://pr-1.my-app.vercel.app'],
    ['https://*.www.ck', 'https://a.www.ck'], // an exception rule: www.ck is registrable
    ['https://*.example.com:8443', 'https://a.b.example.com:8443'],
  ])('accepts %s, matching %s', (pattern, origin) => {
    const cors = createCors({ origins: [pattern] });
    expect(cors.isAllowedOrigin(origin)).toBe(true);
  });

  it('never matches a host under a deeper public suffix below the pattern', () => {
    // amazonaws.com is registrable, but s3.amazonaws.com and x.compute.amazonaws.com are suffixes.
    const cors = createCors({ origins: ['https://*.amazonaws.com'] });
    expect(cors.isAllowedOrigin('https://console.amazonaws.com')).toBe(true);
    expect(cors.isAllowedOrigin('https://evil.s3.amazonaws.com')).toBe(false);
    expect(cors.isAllowedOrigin('https://s3.amazonaws.com')).toBe(false);
    const d = cors.decide({
      method: 'GET',
      headers: new Headers({ origin: 'https://evil.s3.amazonaws.com' }),
      origin: 'https://api.example.com',
    });
    expect(d.kind === 'rejected' && d.code).toBe('CORS_ORIGIN_NOT_ALLOWED');
  });
});
