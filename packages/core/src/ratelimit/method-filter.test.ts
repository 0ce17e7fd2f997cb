// Issue 15: a route limited to GET must also hold HEAD (every supported framework runs the GET
// handler for HEAD), and a method's spelling must not pick another policy.
import { describe, expect, it } from 'vitest';
import { compileMethodFilter, methodMatches } from '../internal/http-method.js';
import { createSecurity } from '../protect/create-security.js';
import type { SecurityRequest } from '../protect/types.js';
import { rateLimit } from './rule.js';

const T0 = 1_700_000_000_000;
const request = (method: string, path = '/search'): SecurityRequest => ({
  method,
  url: `https://app.example${path}`,
  headers: new Headers(),
  ip: '203.0.113.9',
});

const strictOnGet = () =>
  createSecurity({
    clock: () => T0,
    rules: [
      rateLimit({
        policies: { search: { limit: 2, windowMs: 60_000 } },
        routes: [{ path: '/search', methods: ['GET'], policy: 'search' }],
      }),
    ],
  });

describe('rate-limit route methods', () => {
  it('applies a GET route policy to HEAD, which runs the GET handler', async () => {
    const security = strictOnGet();
    const head = await security.protect(request('HEAD'));
    expect(head.headers['X-RateLimit-Limit']).toBe('2');
    // HEAD and GET share one bucket: the third request of either is refused.
    await security.protect(request('GET'));
    const third = await security.protect(request('HEAD'));
    expect(third.allowed).toBe(false);
    expect(third.code).toBe('RATE_LIMITED');
  });

  it('matches method names whatever their case', async () => {
    const security = strictOnGet();
    for (const m of ['get', 'Get', 'head']) {
      const d = await security.protect(request(m));
      expect(d.headers['X-RateLimit-Limit']).toBe('2');
    }
  });

  it('leaves other methods to the default policy (OPTIONS does not run the GET handler)', async () => {
    const security = strictOnGet();
    for (const m of ['POST', 'OPTIONS', 'DELETE']) {
      expect((await security.protect(request(m))).headers['X-RateLimit-Limit']).toBe('100');
    }
  });

  it('an exemption for GET exempts HEAD the same way (consistent with the handler)', async () => {
    const security = createSecurity({
      clock: () => T0,
      rules: [rateLimit({ routes: [{ path: '/health', methods: ['GET'], policy: null }] })],
    });
    const d = await security.protect(request('HEAD', '/health'));
    expect(d.results[0]!.code).toBe('RATE_LIMIT_EXEMPT');
    const post = await security.protect(request('POST', '/health'));
    expect(post.headers['X-RateLimit-Limit']).toBe('100');
  });

  it('refuses a malformed method list at construction with a fix-it message', () => {
    expect(() => rateLimit({ routes: [{ path: '/x', methods: [], policy: 'api' }] })).toThrow(
      /non-empty array of HTTP methods/,
    );
    expect(() =>
      rateLimit({ routes: [{ path: '/x', methods: ['GET /x'], policy: 'api' }] }),
    ).toThrow(/not an HTTP method name/);
    expect(() =>
      rateLimit({ routes: [{ path: '/x', methods: [1 as unknown as string], policy: 'api' }] }),
    ).toThrow(/method names/);
  });
});

describe('compileMethodFilter', () => {
  it('upper-cases, adds HEAD to GET only, and matches case-insensitively', () => {
    const f = compileMethodFilter(['get', 'Post'], 'test');
    expect([...f].sort()).toEqual(['GET', 'HEAD', 'POST']);
    expect(methodMatches(f, 'head')).toBe(true);
    expect(methodMatches(f, 'OPTIONS')).toBe(false);
    const postOnly = compileMethodFilter(['POST'], 'test');
    expect(methodMatches(postOnly, 'HEAD')).toBe(false);
    expect(methodMatches(postOnly, 'GET')).toBe(false);
  });
});
