import { describe, expect, it } from 'vitest';
import { createCsrfProtection } from './csrf.js';

const self = 'https://app.example.com';
const check = (method: string, headers: Record<string, string>, options = {}) =>
  createCsrfProtection(options).check({ method, headers: new Headers(headers), origin: self });

describe('createCsrfProtection', () => {
  const cookie = { cookie: 'session=abc' };

  it('refuses a cross-site cookie POST even without Content-Type', () => {
    const d = check('POST', {
      ...cookie,
      'sec-fetch-site': 'cross-site',
      origin: 'https://evil.example',
    });
    expect(d).toEqual({
      ok: false,
      code: 'CSRF_CROSS_ORIGIN',
      message: 'Cross-origin request refused.',
    });
  });

  it('refuses a foreign Origin when Sec-Fetch-Site is absent (older browsers)', () => {
    const d = check('DELETE', {
      ...cookie,
      origin: 'https://evil.example',
      'content-type': 'text/plain',
    });
    expect(d.ok || d.code).toBe('CSRF_CROSS_ORIGIN');
    const nullOrigin = check('POST', { ...cookie, origin: 'null' });
    expect(nullOrigin.ok || nullOrigin.code).toBe('CSRF_CROSS_ORIGIN');
  });

  it('accepts same-origin requests by Sec-Fetch-Site or by Origin', () => {
    expect(check('POST', { ...cookie, 'sec-fetch-site': 'same-origin' })).toEqual({
      ok: true,
      checked: true,
    });
    expect(check('POST', { ...cookie, origin: self })).toEqual({ ok: true, checked: true });
    expect(check('POST', { ...cookie, 'sec-fetch-site': 'none' }).ok).toBe(true);
  });

  it('refuses same-site unless allowed, and accepts trusted origins', () => {
    const sibling = {
      ...cookie,
      'sec-fetch-site': 'same-site',
      origin: 'https://admin.example.com',
    };
    expect(check('POST', sibling).ok).toBe(false);
    expect(check('POST', sibling, { allowSameSite: true }).ok).toBe(true);
    expect(check('POST', sibling, { trustedOrigins: ['https://admin.example.com'] }).ok).toBe(true);
  });

  it('skips safe methods and requests without cookies (unless told otherwise)', () => {
    const foreign = { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' };
    expect(check('GET', { ...cookie, ...foreign })).toEqual({ ok: true, checked: false });
    expect(check('POST', foreign)).toEqual({ ok: true, checked: false });
    expect(check('POST', foreign, { onlyWithCookies: false }).ok).toBe(false);
  });

  it('lets non-browser clients (neither header) through', () => {
    expect(check('POST', cookie)).toEqual({ ok: true, checked: true });
  });

  it('refuses a trusted origin that is not an origin', () => {
    expect(() => createCsrfProtection({ trustedOrigins: ['https://a.example.com/path'] })).toThrow(
      TypeError,
    );
  });
});
