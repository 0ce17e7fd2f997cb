import { describe, expect, it } from 'vitest';
import { consumeTokenBucket, type TokenBucketState } from './algorithms.js';
import { buildRateLimitHeaders } from './headers.js';
import { createMemoryRateLimiter, createRateLimiter } from './limiter.js';
import { createMemoryRateLimitStore } from './memory-store.js';
import type { RateLimitResult, RateLimitStore } from './types.js';

const T0 = 1_700_000_000_000;

const failingStore: RateLimitStore = {
  consume: () => Promise.reject(new Error('ECONNREFUSED')),
};

describe('createRateLimiter', () => {
  it('reports within_limit then rate_limited with limit, remaining, reset and retry', async () => {
    const limiter = createRateLimiter({ name: 'chat', policy: { limit: 2, windowMs: 60_000 } });
    const a = await limiter.limit('user:1', { now: T0 });
    const b = await limiter.limit('user:1', { now: T0 });
    const c = await limiter.limit('user:1', { now: T0 });
    expect([a.reason, b.reason, c.reason]).toEqual([
      'within_limit',
      'within_limit',
      'rate_limited',
    ]);
    expect(c).toMatchObject({ allowed: false, limit: 2, remaining: 0, policy: 'chat' });
    expect(c.retryAfterMs).toBe(30_000);
    expect(a.resetAt).toBe(T0 + 30_000);
    const other = await limiter.limit('user:2', { now: T0 });
    expect(other.allowed).toBe(true);
  });

  it('fails open with store_unavailable (never "rate limited") when the store rejects', async () => {
    const limiter = createRateLimiter({
      policy: { limit: 1, windowMs: 1000 },
      store: failingStore,
    });
    const r = await limiter.limit('k', { now: T0 });
    expect(r).toMatchObject({ allowed: true, reason: 'store_unavailable' });
  });

  it('fails closed with store_unavailable when declared', async () => {
    const limiter = createRateLimiter({
      policy: { limit: 1, windowMs: 1000 },
      store: failingStore,
      failMode: 'closed',
    });
    const r = await limiter.limit('k', { now: T0 });
    expect(r).toMatchObject({ allowed: false, reason: 'store_unavailable' });
  });

  it('denies invalid and impossible costs without touching the store', async () => {
    let calls = 0;
    const store: RateLimitStore = {
      consume: () => {
        calls++;
        return Promise.reject(new Error('unreachable'));
      },
    };
    const limiter = createRateLimiter({ policy: { limit: 5, windowMs: 1000 }, store });
    expect((await limiter.limit('k', { cost: -1 })).reason).toBe('invalid_cost');
    expect((await limiter.limit('k', { cost: Number.NaN })).reason).toBe('invalid_cost');
    expect((await limiter.limit('k', { cost: 6 })).reason).toBe('cost_exceeds_limit');
    expect(calls).toBe(0);
  });

  it('refuses a malformed policy at construction with a fix-it message', () => {
    expect(() => createRateLimiter({ policy: { limit: 0, windowMs: 1000 } })).toThrow(/positive/);
    expect(() => createRateLimiter({ policy: { limit: 1, windowMs: 1.5 } })).toThrow(/windowMs/);
    expect(() =>
      createRateLimiter({ policy: { limit: 1, windowMs: 1000, algorithm: 'leaky' as 'gcra' } }),
    ).toThrow(/algorithm/);
    expect(() =>
      createRateLimiter({
        policy: { limit: 1, windowMs: 1000 },
        failMode: 'sometimes' as 'open',
      }),
    ).toThrow(/failMode/);
  });

  it('resets a key so it starts full again', async () => {
    const limiter = createRateLimiter({ policy: { limit: 1, windowMs: 60_000 } });
    await limiter.limit('k', { now: T0 });
    expect((await limiter.limit('k', { now: T0 })).allowed).toBe(false);
    await limiter.reset('k');
    expect((await limiter.limit('k', { now: T0 })).allowed).toBe(true);
  });
});

describe('createMemoryRateLimiter (synchronous)', () => {
  it('decides without a promise, with the same arithmetic as the async limiter', async () => {
    for (const algorithm of ['token-bucket', 'gcra', 'fixed-window', 'sliding-window'] as const) {
      const sync = createMemoryRateLimiter({ policy: { limit: 3, windowMs: 3000, algorithm } });
      const async = createRateLimiter({ policy: { limit: 3, windowMs: 3000, algorithm } });
      for (let i = 0; i < 10; i++) {
        const now = T0 + i * 400;
        const a = sync.limit('k', { now });
        expect(a).not.toBeInstanceOf(Promise);
        expect(await async.limit('k', { now })).toEqual(a);
      }
    }
  });
});

describe('createMemoryRateLimiter: token bucket on the slot', () => {
  it('matches consumeTokenBucket step by step: costs, refills, denials, clock steps back', () => {
    const params = { limit: 5, windowMs: 1000, burst: 7 };
    const limiter = createMemoryRateLimiter({ policy: params });
    let state: TokenBucketState | undefined;
    const steps: [number, number][] = [
      [0, 1],
      [0, 3],
      [0, 3],
      [0, 2],
      [150, 1],
      [450, 2.5],
      [-2000, 1],
      [-2000, 4],
      [900, 0],
      [2500, 7],
      [2500, 1],
      [2600, 0.3],
      [9999, 7],
      [9999, 7],
      [60_000, 1],
    ];
    for (const [dt, cost] of steps) {
      const expected = consumeTokenBucket(state, params, cost, T0 + dt);
      state = expected.state;
      const got = limiter.limit('k', { now: T0 + dt, cost });
      expect({ allowed: got.allowed, remaining: got.remaining, resetAt: got.resetAt }).toEqual({
        allowed: expected.allowed,
        remaining: expected.remaining,
        resetAt: expected.resetAt,
      });
      expect(got.retryAfterMs).toBe(expected.retryAfterMs);
    }
  });

  it('reads the clock on every call without `now`, the injected clock when given', () => {
    let t = T0;
    const injected = createMemoryRateLimiter({
      policy: { limit: 1, windowMs: 1000 },
      clock: () => t,
    });
    expect(injected.limit('k').allowed).toBe(true);
    expect(injected.limit('k').allowed).toBe(false);
    t += 1000;
    expect(injected.limit('k', {}).allowed).toBe(true);
    const real = createMemoryRateLimiter({ policy: { limit: 1, windowMs: 60_000 } });
    const before = Date.now();
    const r = real.limit('k');
    expect(r.resetAt).toBeGreaterThanOrEqual(before + 60_000);
    expect(r.resetAt).toBeLessThanOrEqual(Date.now() + 60_000);
  });
});

describe('memory store bounds', () => {
  it('holds at most maxKeys through a flood of 1,000,000 distinct keys', () => {
    const store = createMemoryRateLimitStore({ maxKeys: 50_000 });
    const limiter = createMemoryRateLimiter({ policy: { limit: 10, windowMs: 60_000 }, store });
    for (let i = 0; i < 1_000_000; i++) limiter.limit(`flood:${i}`, { now: T0 });
    expect(store.size).toBe(50_000);
    expect(store.evicted).toBe(950_000);
  });

  it('reuses expired slots before evicting live keys', () => {
    const store = createMemoryRateLimitStore({ maxKeys: 100 });
    const limiter = createMemoryRateLimiter({
      policy: { limit: 1, windowMs: 1000, algorithm: 'fixed-window' },
      store,
    });
    for (let i = 0; i < 100; i++) limiter.limit(`old:${i}`, { now: T0 });
    for (let i = 0; i < 100; i++) limiter.limit(`new:${i}`, { now: T0 + 5000 });
    expect(store.evicted).toBe(0);
    expect(store.size).toBe(100);
  });

  it('keeps a limited key limited while other keys come and go under the cap', () => {
    const store = createMemoryRateLimitStore({ maxKeys: 1000 });
    const limiter = createMemoryRateLimiter({ policy: { limit: 1, windowMs: 60_000 }, store });
    limiter.limit('victim', { now: T0 });
    for (let i = 0; i < 900; i++) limiter.limit(`k${i}`, { now: T0 });
    expect(limiter.limit('victim', { now: T0 }).allowed).toBe(false);
  });

  it('refuses a cap that is not a positive integer', () => {
    expect(() => createMemoryRateLimitStore({ maxKeys: 0 })).toThrow(/maxKeys/);
  });
});

describe('buildRateLimitHeaders', () => {
  const denied: RateLimitResult = {
    allowed: false,
    limit: 20,
    remaining: 0,
    resetAt: T0 + 42_500,
    retryAfterMs: 2_100,
    reason: 'rate_limited',
    policy: 'chat',
    windowMs: 60_000,
  };

  it('writes draft-7 fields and Retry-After in whole seconds, rounded up', () => {
    expect(buildRateLimitHeaders(denied, ['draft-7'], T0)).toEqual({
      'RateLimit-Policy': '20;w=60',
      RateLimit: 'limit=20, remaining=0, reset=43',
      'Retry-After': '3',
    });
  });

  it('writes the current draft structured fields with the policy name', () => {
    expect(
      buildRateLimitHeaders({ ...denied, allowed: true, remaining: 7 }, ['draft-11'], T0),
    ).toEqual({
      'RateLimit-Policy': '"chat";q=20;w=60',
      RateLimit: '"chat";r=7;t=43',
    });
  });

  it('writes the legacy X-RateLimit-* set with the reset as epoch seconds', () => {
    expect(
      buildRateLimitHeaders({ ...denied, allowed: true, remaining: 3 }, ['legacy'], T0),
    ).toEqual({
      'X-RateLimit-Limit': '20',
      'X-RateLimit-Remaining': '3',
      'X-RateLimit-Reset': String(Math.ceil((T0 + 42_500) / 1000)),
    });
  });

  it('escapes a policy name for the structured field', () => {
    const h = buildRateLimitHeaders({ ...denied, policy: 'a"b\\c' }, ['draft-11'], T0);
    expect(h['RateLimit-Policy']).toBe('"a\\"b\\\\c";q=20;w=60');
  });

  it('sends no Retry-After when the request can never pass', () => {
    const h = buildRateLimitHeaders({ ...denied, retryAfterMs: Number.POSITIVE_INFINITY }, [], T0);
    expect(h).toEqual({});
  });
});
