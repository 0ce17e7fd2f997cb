import { describe, expect, it } from 'vitest';
import { createSecurity } from '../protect/create-security.js';
import type { SecurityRequest } from '../protect/types.js';
import { corsRule, csrfRule, securityHeadersRule } from './rules.js';

const request = (
  method: string,
  url: string,
  headers: Record<string, string> = {},
): SecurityRequest => ({
  method,
  url,
  headers: new Headers(headers),
});

describe('header rules in the protect pipeline', () => {
  const security = createSecurity({
    rules: [
      securityHeadersRule({ contentSecurityPolicy: { nonce: true } }),
      corsRule({ origins: ['https://app.example.com'], credentials: true }),
      csrfRule(),
    ],
  });

  it('publishes a fresh CSP nonce per request in state.cspNonce and in the header', async () => {
    const a = await security.protect(request('GET', 'https://api.example.com/'));
    const b = await security.protect(request('GET', 'https://api.example.com/'));
    const nonce = a.state.cspNonce as string;
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(a.headers['content-security-policy']).toContain(`'nonce-${nonce}'`);
    expect(b.state.cspNonce).not.toBe(nonce);
    expect(a.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    const plain = await security.protect(request('GET', 'http://localhost:3000/'));
    expect(plain.headers['strict-transport-security']).toBeUndefined();
  });

  it('answers an allowed preflight with a 204 respond outcome and keeps security headers', async () => {
    const d = await security.protect(
      request('OPTIONS', 'https://api.example.com/chat', {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
      }),
    );
    expect([d.allowed, d.status, d.code]).toEqual([false, 204, 'CORS_PREFLIGHT']);
    expect(d.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(d.headers['x-content-type-options']).toBe('nosniff');
  });

  it('denies a request from a foreign origin with 403, and a cross-site cookie POST via CSRF', async () => {
    const foreign = await security.protect(
      request('GET', 'https://api.example.com/x', { origin: 'https://evil.example' }),
    );
    expect([foreign.status, foreign.code]).toEqual([403, 'CORS_ORIGIN_NOT_ALLOWED']);
    const lenient = createSecurity({
      rules: [
        corsRule({ origins: ['https://app.example.com'], rejectDisallowed: false }),
        csrfRule(),
      ],
    });
    const forged = await lenient.protect(
      request('POST', 'https://api.example.com/transfer', {
        origin: 'https://evil.example',
        'sec-fetch-site': 'cross-site',
        cookie: 'session=1',
      }),
    );
    expect([forged.status, forged.code]).toEqual([403, 'CSRF_CROSS_ORIGIN']);
  });

  it('allows a credentialed request from the allowed origin with CORS headers', async () => {
    const d = await security.protect(
      request('POST', 'https://api.example.com/chat', {
        origin: 'https://app.example.com',
        'sec-fetch-site': 'cross-site',
        authorization: 'Bearer x',
      }),
    );
    expect(d.allowed).toBe(true);
    expect(d.headers['access-control-allow-credentials']).toBe('true');
    expect(d.headers.vary).toBe('Origin');
  });

  it('treats secure: true as https behind a TLS-terminating proxy', async () => {
    const s = createSecurity({ rules: [securityHeadersRule({ secure: true })] });
    const d = await s.protect(request('GET', 'http://internal:8080/'));
    expect(d.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
  });
});
