import { describe, expect, it } from 'vitest';
import { createCspNonce, securityHeaders } from './security-headers.js';

describe('securityHeaders', () => {
  const h = securityHeaders();

  it('sets helmet-level or stricter defaults, with X-XSS-Protection: 0 and no-store', () => {
    expect(h.https).toEqual({
      'content-security-policy':
        "default-src 'self'; base-uri 'self'; font-src 'self' https: data:; form-action 'self'; frame-ancestors 'none'; img-src 'self' data:; object-src 'none'; script-src 'self'; script-src-attr 'none'; style-src 'self'; upgrade-insecure-requests",
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'x-dns-prefetch-control': 'off',
      'x-permitted-cross-domain-policies': 'none',
      'x-download-options': 'noopen',
      'permissions-policy':
        'accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), browsing-topics=()',
      'x-xss-protection': '0',
      'cache-control': 'no-store',
    });
  });

  it('sends HSTS and upgrade-insecure-requests only over https', () => {
    expect(h.http['strict-transport-security']).toBeUndefined();
    expect(h.http['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(h.forRequest(false)).toBe(h.http);
    expect(h.forRequest(true)).toBe(h.https);
  });

  it('returns the same frozen record per request when no nonce is used', () => {
    expect(Object.isFrozen(h.https)).toBe(true);
    expect(h.forRequest(true)).toBe(h.forRequest(true));
  });

  it('puts a per-request nonce into script-src and style-src', () => {
    const n = securityHeaders({ contentSecurityPolicy: { nonce: true, strictDynamic: true } });
    expect(n.usesNonce).toBe(true);
    const a = createCspNonce();
    const b = createCspNonce();
    expect(a).not.toBe(b);
    expect(a).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    const csp = n.forRequest(true, a)['content-security-policy']!;
    expect(csp).toContain(`script-src 'self' 'nonce-${a}' 'strict-dynamic'`);
    expect(csp).toContain(`style-src 'self' 'nonce-${a}'`);
    expect(n.forRequest(true, b)['content-security-policy']).toContain(`'nonce-${b}'`);
    expect(() => n.forRequest(true, "x'; script-src *")).toThrow(TypeError);
  });

  it('sends Content-Security-Policy-Report-Only in report-only mode', () => {
    const r = securityHeaders({
      contentSecurityPolicy: { reportOnly: true, directives: { 'report-uri': ['/csp-report'] } },
    });
    expect(r.https['content-security-policy']).toBeUndefined();
    expect(r.https['content-security-policy-report-only']).toContain('report-uri /csp-report');
  });

  it('merges, removes and disables directives and headers', () => {
    const c = securityHeaders({
      contentSecurityPolicy: {
        directives: { 'connect-src': ["'self'", 'https://api.example.com'], 'font-src': null },
      },
      strictTransportSecurity: { maxAge: 63072000, preload: true },
      xFrameOptions: 'SAMEORIGIN',
      cacheControl: false,
      permissionsPolicy: { camera: ['self'] },
    });
    expect(c.https['content-security-policy']).toContain(
      "connect-src 'self' https://api.example.com",
    );
    expect(c.https['content-security-policy']).not.toContain('font-src');
    expect(c.https['strict-transport-security']).toBe(
      'max-age=63072000; includeSubDomains; preload',
    );
    expect(c.https['x-frame-options']).toBe('SAMEORIGIN');
    expect(c.https['cache-control']).toBeUndefined();
    expect(c.https['permissions-policy']).toBe('camera=(self)');
    expect(
      securityHeaders({ contentSecurityPolicy: false }).https['content-security-policy'],
    ).toBeUndefined();
  });

  it('refuses values that would inject into a header, at construction', () => {
    expect(() =>
      securityHeaders({
        contentSecurityPolicy: { directives: { 'script-src': ["'self'; object-src *"] } },
      }),
    ).toThrow(TypeError);
    expect(() =>
      securityHeaders({ contentSecurityPolicy: { directives: { 'Script-Src': ["'self'"] } } }),
    ).toThrow(TypeError);
    expect(() => securityHeaders({ cacheControl: 'no-store\r\nSet-Cookie: x=1' })).toThrow(
      TypeError,
    );
    expect(() =>
      securityHeaders({ strictTransportSecurity: { maxAge: 100, preload: true } }),
    ).toThrow(/preload/);
  });
});
