import { describe, expect, it } from 'vitest';
import { createCors } from './cors.js';

const req = (method: string, headers: Record<string, string>) => ({
  method,
  headers: new Headers(headers),
  origin: 'https://api.example.com',
});

describe('createCors', () => {
  const cors = createCors({
    origins: ['https://app.example.com', 'https://*.preview.example.com', 'http://localhost:5173'],
    credentials: true,
    allowedHeaders: ['content-type', 'authorization', 'x-request-id'],
    exposedHeaders: ['x-request-id'],
    maxAge: 300,
  });

  it('answers an allowed preflight with the policy and Vary: Origin', () => {
    const d = cors.decide(
      req('OPTIONS', {
        origin: 'https://app.example.com',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'Content-Type, X-Request-Id',
      }),
    );
    expect(d).toEqual({
      kind: 'preflight',
      headers: {
        'access-control-allow-origin': 'https://app.example.com',
        vary: 'Origin',
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE',
        'access-control-allow-headers': 'content-type, authorization, x-request-id',
        'access-control-max-age': '300',
      },
    });
  });

  it('adds CORS headers to an allowed actual request', () => {
    const d = cors.decide(req('POST', { origin: 'https://pr-12.preview.example.com' }));
    expect(d).toEqual({
      kind: 'allowed',
      headers: {
        'access-control-allow-origin': 'https://pr-12.preview.example.com',
        vary: 'Origin',
        'access-control-allow-credentials': 'true',
        'access-control-expose-headers': 'x-request-id',
      },
    });
  });

  it('refuses origins outside the list, including look-alikes of the pattern', () => {
    for (const origin of [
      'https://evil.com',
      'https://preview.example.com', // the apex is not *.preview.example.com
      'https://evilpreview.example.com',
      'https://x.preview.example.com.evil.com',
      'http://app.example.com',
      'https://app.example.com:444',
      'null',
    ]) {
      const d = cors.decide(req('GET', { origin }));
      expect(d.kind === 'rejected' && d.code).toBe('CORS_ORIGIN_NOT_ALLOWED');
    }
  });

  it('refuses a preflight for a method or header the policy does not allow', () => {
    const m = cors.decide(
      req('OPTIONS', {
        origin: 'https://app.example.com',
        'access-control-request-method': 'TRACE',
      }),
    );
    expect(m.kind === 'rejected' && m.code).toBe('CORS_METHOD_NOT_ALLOWED');
    const h = cors.decide(
      req('OPTIONS', {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-admin',
      }),
    );
    expect(h.kind === 'rejected' && h.code).toBe('CORS_HEADER_NOT_ALLOWED');
  });

  it('passes same-origin and origin-less requests with only Vary: Origin', () => {
    expect(cors.decide(req('POST', { origin: 'https://api.example.com' }))).toEqual({
      kind: 'none',
      headers: { vary: 'Origin' },
    });
    expect(cors.decide(req('GET', {}))).toEqual({ kind: 'none', headers: { vary: 'Origin' } });
  });

  it("answers '*' without credentials with a constant record", () => {
    const any = createCors({ origins: '*' });
    const d = any.decide(req('GET', { origin: 'https://x.test' }));
    expect(d).toEqual({ kind: 'allowed', headers: { 'access-control-allow-origin': '*' } });
  });

  it("refuses '*' with credentials, the null origin and malformed origins at configuration", () => {
    expect(() => createCors({ origins: '*', credentials: true })).toThrow(/credentials/);
    expect(() => createCors({ origins: ['null'] })).toThrow(/null/);
    expect(() => createCors({ origins: ['https://app.example.com/'] })).toThrow(
      /no path or trailing slash/,
    );
    expect(() => createCors({ origins: ['https://*.com'] })).toThrow(/registrable/);
    expect(() => createCors({ origins: ['https://a.*.example.com'] })).toThrow(
      /one leading wildcard/,
    );
    expect(() => createCors({ origins: [] })).toThrow(/non-empty/);
  });
});
