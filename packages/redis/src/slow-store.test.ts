// A slow Redis, not a dead one: a private redis-server paused with `CLIENT PAUSE 1000 ALL`
// while decisions keep arriving. Each decision must end by its deadline (the store's default
// 50 ms, swept every quarter deadline) with the declared fail mode and `store_unavailable`,
// late replies must be dropped without an unhandled rejection, the number of calls waiting on
// Redis must stay bounded, and decisions must resume by themselves once Redis answers again.
// The paced load is real time because the pause is; nothing here waits for a state by sleeping.
import { createRateLimiter, type RateLimitResult } from '@jaf-sec/core/ratelimit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisRateLimitStore } from './rate-limit-store.js';
import {
  connect,
  createPrivateRedis,
  freePort,
  KINDS,
  type PrivateRedis,
  type TestClient,
  uniquePrefix,
} from './test-utils/redis-test-env.js';

const DEADLINE_MS = 50; // the store's default
// A decision may end between the deadline and 1.25 x the deadline (the sweep period), plus
// what a loaded two-core test machine adds to a timer.
const LATEST_MS = DEADLINE_MS * 1.25 + 150;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

describe.each(KINDS)('a Redis paused for a second, with %s', (kind) => {
  let server: PrivateRedis;
  let admin: TestClient;
  let t: TestClient;
  const prefix = uniquePrefix(`slow-${kind}`);
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    server = createPrivateRedis(await freePort());
    await server.start();
    admin = await connect('ioredis', server.url);
    t = await connect(kind, server.url);
    process.on('unhandledRejection', onUnhandled);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await t?.close();
    await admin?.close();
    await server?.stop();
  });

  /** Starts one decision every `everyMs` for `forMs`, timing each from its start. */
  async function pacedLoad(
    decide: () => Promise<RateLimitResult>,
    everyMs: number,
    forMs: number,
  ): Promise<{ results: RateLimitResult[]; latencies: number[] }> {
    const runs: Promise<[RateLimitResult, number]>[] = [];
    const end = performance.now() + forMs;
    while (performance.now() < end) {
      const start = performance.now();
      runs.push(decide().then((r) => [r, performance.now() - start]));
      await new Promise((r) => setTimeout(r, everyMs));
    }
    const done = await Promise.all(runs);
    return {
      results: done.map((d) => d[0]),
      latencies: done.map((d) => d[1]).sort((a, b) => a - b),
    };
  }

  it('ends every decision by its deadline in the declared fail mode, then resumes', async () => {
    const store = createRedisRateLimitStore({ client: t.client, prefix });
    const open = createRateLimiter({
      policy: { limit: 1_000_000, windowMs: 60_000 },
      store,
      failMode: 'open',
    });
    const closed = createRateLimiter({
      policy: { limit: 1_000_000, windowMs: 60_000 },
      store,
      failMode: 'closed',
    });
    // Warm: the script is loaded and the connection is up.
    expect((await closed.limit('warm')).reason).toBe('within_limit');

    await admin.command(['CLIENT', 'PAUSE', '1000', 'ALL']);
    const pausedAt = performance.now();
    const [viaOpen, viaClosed] = await Promise.all([
      pacedLoad(() => open.limit('user:1'), 10, 700),
      pacedLoad(() => closed.limit('user:2'), 10, 700),
    ]);
    // Every decision made during the pause failed over to its mode; none waited for Redis.
    expect(viaOpen.results.length).toBeGreaterThan(20);
    for (const r of viaOpen.results)
      expect(r).toMatchObject({ allowed: true, reason: 'store_unavailable' });
    for (const r of viaClosed.results)
      expect(r).toMatchObject({ allowed: false, reason: 'store_unavailable' });
    const all = [...viaOpen.latencies, ...viaClosed.latencies].sort((a, b) => a - b);
    const p50 = percentile(all, 50);
    const p99 = percentile(all, 99);
    console.log(
      `[slow-store ${kind}] ${all.length} decisions while Redis was paused: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${all.at(-1)!.toFixed(1)} ms (deadline ${DEADLINE_MS} ms)`,
    );
    expect(p50).toBeGreaterThanOrEqual(DEADLINE_MS - 1);
    expect(p99).toBeLessThan(LATEST_MS);

    // Once Redis answers again, decisions resume on the same client, without a restart. The
    // probe runs until the pause has certainly ended (1 s after it began, plus slack).
    let resumed: RateLimitResult | undefined;
    while (performance.now() - pausedAt < 5_000) {
      resumed = await closed.limit('user:3');
      if (resumed.reason === 'within_limit') break;
    }
    expect(resumed?.reason).toBe('within_limit');
    expect(performance.now() - pausedAt).toBeGreaterThan(900);
    // The late replies to the abandoned calls arrived and were dropped quietly.
    expect(unhandled).toEqual([]);
  });

  it('refuses at once past maxInFlight instead of queueing behind a slow Redis', async () => {
    const store = createRedisRateLimitStore({ client: t.client, prefix, maxInFlight: 5 });
    const limiter = createRateLimiter({
      policy: { limit: 100, windowMs: 60_000 },
      store,
      failMode: 'closed',
    });
    expect((await limiter.limit('warm-2')).reason).toBe('within_limit');
    await admin.command(['CLIENT', 'PAUSE', '300', 'ALL']);
    const timed = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const start = performance.now();
        const r = await limiter.limit('burst');
        return { r, ms: performance.now() - start };
      }),
    );
    for (const { r } of timed)
      expect(r).toMatchObject({ allowed: false, reason: 'store_unavailable' });
    // Five waited for the deadline; fifteen were refused without waiting at all.
    const waited = timed.filter((x) => x.ms >= DEADLINE_MS - 1).length;
    expect(waited).toBe(5);
    expect(timed.filter((x) => x.ms < DEADLINE_MS / 2).length).toBe(15);
    // The five timed out, but their commands still sit in the client until Redis answers:
    // a second wave finds no room, so repeated waves never grow the client's queue.
    const second = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const start = performance.now();
        const r = await limiter.limit('burst');
        return { r, ms: performance.now() - start };
      }),
    );
    for (const { r, ms } of second) {
      expect(r).toMatchObject({ allowed: false, reason: 'store_unavailable' });
      expect(ms).toBeLessThan(DEADLINE_MS / 2);
    }
    // Wait for the pause to end before the next file uses the server.
    let after: RateLimitResult | undefined;
    const until = performance.now() + 5_000;
    while (performance.now() < until) {
      after = await limiter.limit('after');
      if (after.reason === 'within_limit') break;
      await new Promise((r) => setTimeout(r, 20)); // refusals are instant: pace the probe
    }
    expect(after?.reason).toBe('within_limit');
    expect(unhandled).toEqual([]);
  });
});
