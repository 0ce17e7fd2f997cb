import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  createMemoryRateLimitStore,
  createRateLimiter,
  type RateLimitAlgorithm,
} from '@jaf-sec/core/ratelimit';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedisRateLimitStore, toTaggedKey } from './rate-limit-store.js';
import {
  connect,
  connectTo,
  createPrivateRedis,
  freePort,
  KINDS,
  type PrivateRedis,
  SHARED_URL,
  TARGETS,
  type TestClient,
  uniquePrefix,
} from './test-utils/redis-test-env.js';

// Suites that assert exact decisions give Redis a generous deadline, so a scheduler hiccup
// on a loaded test machine is not a store failure (the deadline has tests of its own).
const EXACT_MS = 5_000;
const T0 = 1_700_000_000_000;
const ALGORITHMS: RateLimitAlgorithm[] = ['token-bucket', 'gcra', 'fixed-window', 'sliding-window'];

/** Deterministic pseudo-random steps so a failure is reproducible. */
function* steps(seed: number, n: number): Generator<[number, number]> {
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const dt = (x % 7000) - 1500; // sometimes backwards
    const cost = (x >> 8) % 4;
    yield [dt, cost];
  }
}

describe.each(TARGETS)('Redis rate-limit store (%s) with %s', (target, kind) => {
  let t: TestClient;
  const prefix = uniquePrefix(`rl-${target}-${kind}`);

  beforeAll(async () => {
    t = await connectTo(kind, target, inject('redisClusterPorts'));
  });
  afterAll(async () => {
    await t.cleanup(prefix);
    await t.close();
  });

  it.each(ALGORITHMS)(
    'decides %s exactly as the in-memory store, step for step',
    async (algorithm) => {
      const redis = createRedisRateLimitStore({ client: t.client, prefix, timeoutMs: EXACT_MS });
      const memory = createMemoryRateLimitStore();
      const policy = { limit: 7, windowMs: 10_000, algorithm };
      const viaRedis = createRateLimiter({ policy, store: redis, failMode: 'closed' });
      const viaMemory = createRateLimiter({ policy, store: memory });
      let now = T0 + 123;
      for (const [dt, cost] of steps(algorithm.length * 7919, 150)) {
        now += dt;
        const a = await viaRedis.limit(`parity:${algorithm}`, { now, cost });
        const b = await viaMemory.limit(`parity:${algorithm}`, { now, cost });
        expect(a).toEqual(b);
      }
    },
  );

  it('puts a TTL on the key and keeps the caller key inside one hash tag', async () => {
    const store = createRedisRateLimitStore({ client: t.client, prefix, timeoutMs: EXACT_MS });
    const now = Date.now();
    await store.consume({
      key: 'ttl:{evil}tag',
      algorithm: 'fixed-window',
      limit: 5,
      windowMs: 60_000,
      burst: 5,
      cost: 1,
      now,
    });
    const key = toTaggedKey(prefix, 'ttl:{evil}tag');
    expect(key).toBe(`${prefix}{ttl:%7Bevil%7Dtag}`);
    const ttl = Number(await t.command(['PTTL', key]));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(121_000); // window end + 1 s of grace + one window
  });

  it('answers known-blocked keys from the in-process cache without a round trip', async () => {
    const store = createRedisRateLimitStore({
      client: t.client,
      prefix,
      timeoutMs: EXACT_MS,
      blockedCache: true,
    });
    const limiter = createRateLimiter({ policy: { limit: 1, windowMs: 60_000 }, store });
    expect((await limiter.limit('cache', { now: T0 })).allowed).toBe(true);
    const first = await limiter.limit('cache', { now: T0 });
    expect(first.allowed).toBe(false);
    const hits = store.cacheHits;
    const second = await limiter.limit('cache', { now: T0 + 1000 });
    expect(second).toMatchObject({ allowed: false, reason: 'rate_limited', retryAfterMs: 59_000 });
    expect(store.cacheHits).toBe(hits + 1);
    // Once the retry time passes, Redis decides again.
    expect((await limiter.limit('cache', { now: T0 + 60_000 })).allowed).toBe(true);
  });

  it('never allows more than the limit to two limiter instances racing in one process', async () => {
    const make = () =>
      createRateLimiter({
        policy: { limit: 25, windowMs: 3_600_000 },
        store: createRedisRateLimitStore({ client: t.client, prefix, timeoutMs: EXACT_MS }),
        failMode: 'closed',
      });
    const [a, b] = [make(), make()];
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).limit('race')),
    );
    expect(results.filter((r) => r.allowed).length).toBe(25);
    expect(results.some((r) => r.reason === 'store_unavailable')).toBe(false);
  });

  it('resets a key', async () => {
    const limiter = createRateLimiter({
      policy: { limit: 1, windowMs: 60_000 },
      store: createRedisRateLimitStore({ client: t.client, prefix, timeoutMs: EXACT_MS }),
    });
    await limiter.limit('reset', { now: T0 });
    expect((await limiter.limit('reset', { now: T0 })).allowed).toBe(false);
    await limiter.reset('reset');
    expect((await limiter.limit('reset', { now: T0 })).allowed).toBe(true);
  });
});

describe('several OS processes firing at one key', () => {
  const worker = fileURLToPath(new URL('./test-utils/concurrency-worker.ts', import.meta.url));
  const cwd = fileURLToPath(new URL('..', import.meta.url));
  const prefix = uniquePrefix('rl-procs');
  let t: TestClient;

  beforeAll(async () => {
    t = await connect('ioredis');
  });
  afterAll(async () => {
    await t.cleanup(prefix);
    await t.close();
  });

  async function race(
    algorithm: 'token-bucket' | 'gcra',
    limit: number,
    processes: number,
    each: number,
  ) {
    const key = `procs:${algorithm}`;
    const children = Array.from({ length: processes }, (_, i) =>
      fork(
        worker,
        [
          SHARED_URL,
          prefix,
          key,
          algorithm,
          String(limit),
          String(each),
          i % 2 ? 'node-redis' : 'ioredis',
        ],
        { cwd, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
      ),
    );
    await Promise.all(
      children.map(
        (c) =>
          new Promise<void>((resolve, reject) => {
            c.once('message', () => resolve());
            c.once('exit', (code) =>
              reject(new Error(`worker exited ${code} before it was ready`)),
            );
          }),
      ),
    );
    const reports = children.map(
      (c) =>
        new Promise<{ allowed: number; unavailable: number }>((resolve, reject) => {
          c.once('message', (m) => resolve(m as { allowed: number; unavailable: number }));
          c.once('exit', (code) => code !== 0 && reject(new Error(`worker exited ${code}`)));
        }),
    );
    for (const c of children) c.send('go');
    const results = await Promise.all(reports);
    return {
      allowed: results.reduce((n, r) => n + r.allowed, 0),
      unavailable: results.reduce((n, r) => n + r.unavailable, 0),
    };
  }

  it('allows exactly the limit in total with the token bucket (4 processes, both clients)', async () => {
    const r = await race('token-bucket', 60, 4, 50);
    expect(r).toEqual({ allowed: 60, unavailable: 0 });
  });

  it('allows exactly the limit in total with GCRA', async () => {
    const r = await race('gcra', 40, 3, 40);
    expect(r).toEqual({ allowed: 40, unavailable: 0 });
  });
});

describe('round trips, on a private redis-server', () => {
  let server: PrivateRedis;
  let t: TestClient;
  const prefix = uniquePrefix('rl-rtt');

  beforeAll(async () => {
    server = createPrivateRedis(await freePort());
    await server.start();
    t = await connect('ioredis', server.url);
  });
  afterAll(async () => {
    await t?.close();
    await server?.stop();
  });

  const calls = async (command: string): Promise<number> => {
    const info = String(await t.command(['INFO', 'commandstats']));
    const line = info.split('\n').find((l) => l.startsWith(`cmdstat_${command}:`));
    const m = line ? /calls=(\d+)/.exec(line) : null;
    return m ? Number(m[1]) : 0;
  };

  it.each(KINDS)(
    'takes one EVALSHA per decision with %s, and recovers from SCRIPT FLUSH with one EVAL',
    async (kind) => {
      const c = await connect(kind, server.url);
      const store = createRedisRateLimitStore({ client: c.client, prefix, timeoutMs: EXACT_MS });
      const limiter = createRateLimiter({ policy: { limit: 1000, windowMs: 60_000 }, store });
      await limiter.limit('warm');
      await t.command(['CONFIG', 'RESETSTAT']);
      for (let i = 0; i < 100; i++) await limiter.limit(`k${i % 10}`);
      expect(await calls('evalsha')).toBe(100);
      expect(await calls('eval')).toBe(0);
      await t.command(['SCRIPT', 'FLUSH']);
      await t.command(['CONFIG', 'RESETSTAT']);
      const r = await limiter.limit('after-flush');
      expect(r.reason).toBe('within_limit');
      expect(await calls('evalsha')).toBe(1); // refused with NOSCRIPT
      expect(await calls('eval')).toBe(1);
      await c.close();
    },
  );
});
