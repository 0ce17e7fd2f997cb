import { createCapabilityIssuer, createCapabilityVerifier } from '@jaf-sec/core/capabilities';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedisCallStore } from './call-store.js';
import { connectTo, TARGETS, type TestClient, uniquePrefix } from './test-utils/redis-test-env.js';

const key = { alg: 'HS256', secret: '0123456789abcdef0123456789abcdef' } as const;

describe.each(TARGETS)('capability call store on Redis (%s) with %s', (target, kind) => {
  let t: TestClient;
  const prefix = uniquePrefix(`calls-${target}-${kind}`);
  beforeAll(async () => {
    t = await connectTo(kind, target, inject('redisClusterPorts'));
  });
  afterAll(async () => {
    await t.cleanup(prefix);
    await t.close();
  });

  it('charges a chain of budgets all or nothing, with a TTL, in one hash slot', async () => {
    const store = createRedisCallStore({ client: t.client, prefix, timeoutMs: 5000 });
    const now = Date.now();
    const c = (k: string, limit: number) => ({
      key: k,
      group: 'root',
      limit,
      expiresAt: now + 60_000,
    });
    expect(await store.consume([c('a', 2), c('b', 1)], now)).toBe(true);
    expect(await store.consume([c('a', 2), c('b', 1)], now)).toBe(false); // b used up: a not charged
    expect(await store.consume([c('a', 2)], now)).toBe(true);
    expect(await store.consume([c('a', 2)], now)).toBe(false);
    const pttl = Number(await t.command(['PTTL', `${prefix}{root}:a`]));
    expect(pttl).toBeGreaterThan(50_000);
    expect(pttl).toBeLessThanOrEqual(60_000);
  });

  it('never lets concurrent calls from two processes-worth of clients overspend a shared budget', async () => {
    const other = await connectTo(
      kind === 'ioredis' ? 'node-redis' : 'ioredis',
      target,
      inject('redisClusterPorts'),
    );
    try {
      const issuer = createCapabilityIssuer({ key });
      const token = await issuer.issue({ tools: { search: { maxCalls: 25 } }, maxDepth: 1 });
      const child = await issuer.narrow(token, {});
      if (!child.ok) throw new Error('setup');
      const a = createCapabilityVerifier({
        keys: [key],
        calls: createRedisCallStore({ client: t.client, prefix, timeoutMs: 5000 }),
      });
      const b = createCapabilityVerifier({
        keys: [key],
        calls: createRedisCallStore({ client: other.client, prefix, timeoutMs: 5000 }),
      });
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          (i % 2 ? a : b).check(i % 3 ? token : child.value, { tool: 'search' }),
        ),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(25);
      expect(new Set(results.filter((r) => !r.ok).map((r) => (r.ok ? '' : r.error.code)))).toEqual(
        new Set(['CALLS_EXHAUSTED']),
      );
    } finally {
      await other.close();
    }
  });
});
