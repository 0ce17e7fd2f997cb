import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bridgeWebRequest,
  buildAbsoluteUrl,
  createNodeHeaderReader,
  DEFAULT_BODY_LIMIT,
  listDryRunDenials,
  protectBridged,
  resolveAdapterOptions,
  toDenialResponse,
} from './adapter-bridge.js';
import { createSecurity } from './create-security.js';
import type { Decision, Rule } from './types.js';

const readBody: Rule = {
  name: 'readBody',
  async evaluate(ctx) {
    const bytes = await ctx.request.body!();
    ctx.state.text = new TextDecoder().decode(bytes);
    return { conclusion: 'allow' };
  },
};

const denial = (over: Partial<Decision>): Decision => ({
  allowed: false,
  status: 401,
  code: 'TOKEN_MISSING',
  message: 'Authentication required.',
  headers: { 'www-authenticate': 'Bearer' },
  principal: undefined,
  results: [{ rule: 'authenticate', conclusion: 'deny', code: 'TOKEN_MISSING', dryRun: false }],
  state: {},
  ...over,
});

describe('resolveAdapterOptions', () => {
  it('defaults the body limit to 1 MiB', () => {
    expect(resolveAdapterOptions(undefined)).toEqual({
      bodyLimit: DEFAULT_BODY_LIMIT,
      origin: undefined,
    });
    expect(DEFAULT_BODY_LIMIT).toBe(1024 * 1024);
  });

  it('rejects a body limit that is not a positive integer', () => {
    for (const bodyLimit of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => resolveAdapterOptions({ bodyLimit })).toThrow(/bodyLimit/);
    }
  });

  it('keeps only the origin of a configured origin and rejects non-http ones', () => {
    expect(resolveAdapterOptions({ origin: 'https://api.example.com/' }).origin).toBe(
      'https://api.example.com',
    );
    expect(() => resolveAdapterOptions({ origin: 'ftp://x' })).toThrow(/origin/);
    expect(() => resolveAdapterOptions({ origin: 'not a url' })).toThrow(/origin/);
  });
});

describe('buildAbsoluteUrl', () => {
  it('joins the Host header and the request target', () => {
    expect(buildAbsoluteUrl('/chat?x=1', 'localhost:3000', false, undefined)).toBe(
      'http://localhost:3000/chat?x=1',
    );
    expect(buildAbsoluteUrl('/chat', '[::1]:8443', true, undefined)).toBe(
      'https://[::1]:8443/chat',
    );
  });

  it('falls back to localhost when the Host header is missing or not a plain host', () => {
    expect(buildAbsoluteUrl('/a', undefined, false, undefined)).toBe('http://localhost/a');
    expect(buildAbsoluteUrl('/a', 'evil.example/admin?', false, undefined)).toBe(
      'http://localhost/a',
    );
    expect(buildAbsoluteUrl('/a', 'user@evil', false, undefined)).toBe('http://localhost/a');
  });

  it('keeps a leading double slash in the path instead of reading it as a host', () => {
    const url = new URL(buildAbsoluteUrl('//evil.example/x', 'api.test', false, undefined));
    expect(url.host).toBe('api.test');
    expect(url.pathname).toBe('/evil.example/x');
  });

  it('keeps only path and query of an absolute-form target', () => {
    expect(buildAbsoluteUrl('http://other.test/p?q', 'api.test', false, undefined)).toBe(
      'http://api.test/p?q',
    );
    expect(buildAbsoluteUrl('*', 'api.test', false, undefined)).toBe('http://api.test/');
    // A non-http scheme has an opaque path that would otherwise run into the host.
    expect(buildAbsoluteUrl('a:$', 'api.test:8080', false, undefined)).toBe(
      'http://api.test:8080/',
    );
  });

  it('never lets the request target change the host (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (target) => {
        const url = new URL(buildAbsoluteUrl(target, 'api.test:8080', false, undefined));
        expect(url.host).toBe('api.test:8080');
      }),
      { numRuns: 1000 },
    );
  });

  it('never lets the Host header change the path (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (host) => {
        let url: URL;
        try {
          url = new URL(buildAbsoluteUrl('/p?q=1', host, false, undefined));
        } catch {
          // A plain host:port with an invalid port or address: protect() answers 400.
          return;
        }
        expect(url.pathname).toBe('/p');
        expect(url.search).toBe('?q=1');
        expect(url.username + url.password).toBe('');
      }),
      { numRuns: 1000 },
    );
  });

  it('uses the configured origin over the Host header', () => {
    expect(buildAbsoluteUrl('/a', 'internal:8080', false, 'https://api.example.com')).toBe(
      'https://api.example.com/a',
    );
  });
});

describe('createNodeHeaderReader', () => {
  it('reads case-insensitively and joins repeated fields', () => {
    const h = createNodeHeaderReader({ authorization: 'Bearer x', 'x-forwarded-for': ['a', 'b'] });
    expect(h.get('Authorization')).toBe('Bearer x');
    expect(h.get('X-Forwarded-For')).toBe('a, b');
    expect(h.get('cookie')).toBeNull();
  });
});

describe('bridgeWebRequest', () => {
  it('gives rules the exact bytes, once, and leaves the request readable', async () => {
    const raw = '{ "a" : "é" }';
    const request = new Request('https://api.test/chat', { method: 'post', body: raw });
    const bridged = bridgeWebRequest(request, { bodyLimit: 1024, ip: '192.0.2.1' });
    expect(bridged.request.method).toBe('POST');
    expect(bridged.request.ip).toBe('192.0.2.1');
    const first = bridged.request.body!();
    expect(bridged.request.body!()).not.toBe(undefined);
    expect(new TextDecoder().decode(await first)).toBe(raw);
    expect(await bridged.request.body!()).toEqual(await first);
    expect(await request.text()).toBe(raw);
  });

  it('reports BODY_TOO_LARGE from the declared length without reading', async () => {
    const request = new Request('https://api.test/', {
      method: 'POST',
      headers: { 'content-length': '2048' },
      body: 'x',
    });
    const bridged = bridgeWebRequest(request, { bodyLimit: 1024 });
    await expect(bridged.request.body!()).rejects.toThrow('BODY_TOO_LARGE');
    expect(bridged.bodyError()).toBe('BODY_TOO_LARGE');
  });

  it('reports BODY_UNAVAILABLE when the body was already consumed', async () => {
    const request = new Request('https://api.test/', { method: 'POST', body: 'x' });
    await request.text();
    const bridged = bridgeWebRequest(request, { bodyLimit: 1024 });
    await expect(bridged.request.body!()).rejects.toThrow('BODY_UNAVAILABLE');
  });

  it("uses the framework's cached reader when the length is declared, and a clone otherwise", async () => {
    let calls = 0;
    const readBody = async () => {
      calls++;
      return new TextEncoder().encode('cached').buffer;
    };
    const declared = new Request('https://api.test/', {
      method: 'POST',
      headers: { 'content-length': '6' },
      body: 'cached',
    });
    const viaCache = bridgeWebRequest(declared, { bodyLimit: 1024, readBody });
    expect(new TextDecoder().decode(await viaCache.request.body!())).toBe('cached');
    expect(calls).toBe(1);
    const chunked = new Request('https://api.test/', { method: 'POST', body: 'streamed' });
    const viaClone = bridgeWebRequest(chunked, { bodyLimit: 1024, readBody });
    expect(new TextDecoder().decode(await viaClone.request.body!())).toBe('streamed');
    expect(calls).toBe(1);
  });

  it('reports BODY_TOO_LARGE when the cached reader returns more than the limit', async () => {
    const request = new Request('https://api.test/', {
      method: 'POST',
      headers: { 'content-length': '4' },
      body: 'xxxx',
    });
    const bridged = bridgeWebRequest(request, {
      bodyLimit: 8,
      readBody: async () => new Uint8Array(64),
    });
    await expect(bridged.request.body!()).rejects.toThrow('BODY_TOO_LARGE');
  });

  it('gives an empty body for a request without one', async () => {
    const bridged = bridgeWebRequest(new Request('https://api.test/'), { bodyLimit: 1 });
    expect((await bridged.request.body!()).byteLength).toBe(0);
  });
});

describe('protectBridged', () => {
  const security = createSecurity({ rules: [readBody] });

  it('turns a body over the limit into 413 BODY_TOO_LARGE instead of a 503', async () => {
    const request = new Request('https://api.test/', { method: 'POST', body: 'x'.repeat(100) });
    const decision = await protectBridged(security, bridgeWebRequest(request, { bodyLimit: 10 }));
    expect(decision).toMatchObject({ allowed: false, status: 413, code: 'BODY_TOO_LARGE' });
  });

  it('returns the pipeline decision when the body was fine', async () => {
    const request = new Request('https://api.test/', { method: 'POST', body: 'hello' });
    const decision = await protectBridged(security, bridgeWebRequest(request, { bodyLimit: 10 }));
    expect(decision).toMatchObject({ allowed: true, code: 'ALLOWED', state: { text: 'hello' } });
  });
});

describe('toDenialResponse', () => {
  it('writes only the code and the safe message as JSON, with the decision headers', () => {
    const res = toDenialResponse(denial({}));
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body!)).toEqual({
      error: { code: 'TOKEN_MISSING', message: 'Authentication required.' },
    });
    expect(res.headers).toMatchObject({
      'www-authenticate': 'Bearer',
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
    });
  });

  it('has no body for a respond outcome or a 204', () => {
    const respond = denial({
      status: 204,
      code: 'CORS_PREFLIGHT',
      message: '',
      results: [{ rule: 'cors', conclusion: 'respond', code: 'CORS_PREFLIGHT', dryRun: false }],
    });
    expect(toDenialResponse(respond).body).toBeNull();
    expect(toDenialResponse(denial({ status: 204 })).body).toBeNull();
  });
});

describe('listDryRunDenials', () => {
  it('lists the codes of dry-run denials only', () => {
    const decision = denial({
      allowed: true,
      results: [
        { rule: 'authenticate', conclusion: 'allow', code: 'ALLOWED', dryRun: false },
        { rule: 'requirePermission', conclusion: 'deny', code: 'FORBIDDEN', dryRun: true },
        { rule: 'rateLimit', conclusion: 'allow', code: 'ALLOWED', dryRun: true },
      ],
    });
    expect(listDryRunDenials(decision)).toEqual(['FORBIDDEN']);
  });
});
