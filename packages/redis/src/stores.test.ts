import type { ApiKeyRecord } from '@jaf-sec/core/keys';
import { createMemoryKeyStore } from '@jaf-sec/core/keys';
import { createBanManager, createMemoryBanStore } from '@jaf-sec/core/shield';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedisBanStore } from './ban-store.js';
import { createRedisKeyStore } from './key-store.js';
import { createRedisNonceStore } from './nonce-store.js';
import { createRedisRevocationStore } from './revocation-store.js';
import { createScriptRunner } from './script-runner.js';
import { connectTo, TARGETS, type TestClient, uniquePrefix } from './test-utils/redis-test-env.js';

const T0 = 1_700_000_000_000;
const MIN = 60_000;

describe.each(TARGETS)('stores on Redis (%s) with %s', (target, kind) => {
  let t: TestClient;
  const prefix = uniquePrefix(`stores-${target}-${kind}`);

  beforeAll(async () => {
    t = await connectTo(kind, target, inject('redisClusterPorts'));
  });
  afterAll(async () => {
    await t.cleanup(prefix);
    await t.close();
  });

  describe('BanStore', () => {
    it('bans, escalates and forgets exactly like the in-memory store', async () => {
      const options = {
        threshold: 3,
        windowMs: 10 * MIN,
        banMs: MIN,
        escalation: { factor: 2, maxBanMs: 3 * MIN, resetAfterMs: 30 * MIN },
      };
      const redis = createBanManager({
        ...options,
        store: createRedisBanStore({ client: t.client, prefix: `${prefix}ban:` }),
      });
      const memory = createBanManager({ ...options, store: createMemoryBanStore() });
      let now = T0;
      const script: [string, number][] = [];
      for (let i = 0; i < 40; i++)
        script.push([i % 7 === 6 ? 'success' : 'failure', (i * 37_000) % 90_000]);
      let started = 0;
      for (const [op, dt] of script) {
        now += dt;
        if (op === 'success') {
          await redis.recordSuccess('acct', now);
          await memory.recordSuccess('acct', now);
        } else {
          const status = await redis.recordFailure('acct', now);
          // `started` too: set only by the failure that crossed the threshold.
          expect(status).toEqual(await memory.recordFailure('acct', now));
          if (status.started) started++;
        }
        expect(await redis.status('acct', now)).toEqual(await memory.status('acct', now));
      }
      expect(started).toBeGreaterThan(1);
      await redis.unban('acct');
      expect(await redis.isBanned('acct', now)).toBe(false);
    });

    it('stores bans with a TTL', async () => {
      const store = createRedisBanStore({ client: t.client, prefix: `${prefix}ban:` });
      const now = Date.now();
      await store.recordViolation(
        'ttl',
        { threshold: 1, windowMs: MIN, banMs: MIN, factor: 1, maxBanMs: MIN, levelTtlMs: MIN },
        now,
      );
      const pttl = Number(await t.command(['PTTL', `${prefix}ban:{ttl}`]));
      expect(pttl).toBeGreaterThan(MIN);
      expect(pttl).toBeLessThanOrEqual(2 * MIN);
    });
  });

  describe('NonceStore', () => {
    it('accepts a nonce once, refuses its replay until it expires, with a TTL', async () => {
      const store = createRedisNonceStore({ client: t.client, prefix: `${prefix}nonce:` });
      const now = Date.now();
      expect(await store.remember('k1:n1', now + 5000, now)).toBe(true);
      expect(await store.remember('k1:n1', now + 5000, now)).toBe(false);
      expect(await store.remember('k1:n2', now + 5000, now)).toBe(true);
      const pttl = Number(await t.command(['PTTL', `${prefix}nonce:{k1:n1}`]));
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(5000);
      expect(await store.remember('k1:old', now - 1, now)).toBe(true);
    });

    it('lets exactly one of many concurrent copies through', async () => {
      const store = createRedisNonceStore({ client: t.client, prefix: `${prefix}nonce:` });
      const now = Date.now();
      const results = await Promise.all(
        Array.from({ length: 50 }, () => store.remember('race', now + 5000, now)),
      );
      expect(results.filter(Boolean).length).toBe(1);
    });
  });

  describe('RevocationStore', () => {
    it('revokes until the token expiry (TTL) and keeps no-exp revocations', async () => {
      const store = createRedisRevocationStore({ client: t.client, prefix: `${prefix}rev:` });
      const now = Date.now();
      await store.revoke('jti-1', now + 60_000);
      expect(await store.isRevoked('jti-1', now)).toBe(true);
      expect(await store.isRevoked('jti-2', now)).toBe(false);
      const pttl = Number(await t.command(['PTTL', `${prefix}rev:{jti-1}`]));
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(60_000);
      await store.revoke('jti-forever', Number.POSITIVE_INFINITY);
      expect(await store.isRevoked('jti-forever', now)).toBe(true);
      await store.revoke('jti-past', now - 1);
      expect(await store.isRevoked('jti-past', now)).toBe(false);
      await expect(store.revoke('', now)).rejects.toThrow(/jti/);
    });
  });

  describe('KeyStore', () => {
    const record = (over: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
      id: 'key_1',
      hash: 'a'.repeat(64),
      owner: 'svc-billing',
      scopes: ['chat:basic', 'files:read'],
      prefix: 'jaf',
      environment: 'live',
      hint: 'jaf_live_…abcd',
      createdAt: T0,
      usageCount: 0,
      metadata: { plan: 'pro', nested: { n: 1 } },
      ...over,
    });

    it('stores, finds by hash and id, and behaves like the memory store on use, revoke and expire', async () => {
      const redis = createRedisKeyStore({ client: t.client, prefix: `${prefix}key:` });
      const memory = createMemoryKeyStore();
      const now = Date.now();
      for (const store of [redis, memory]) await store.put(record({ remainingUses: 2 }), now);
      expect(await redis.findByHash('a'.repeat(64), now)).toEqual(
        await memory.findByHash('a'.repeat(64), now),
      );
      expect(await redis.findById('key_1', now)).toEqual(await memory.findById('key_1', now));
      expect(await redis.findById('nope', now)).toBeUndefined();
      for (let i = 0; i < 3; i++) {
        expect(await redis.recordUse('a'.repeat(64), now + i)).toEqual(
          await memory.recordUse('a'.repeat(64), now + i),
        );
      }
      expect(await redis.recordUse('b'.repeat(64), now)).toEqual(
        await memory.recordUse('b'.repeat(64), now),
      );
      const used = await redis.findByHash('a'.repeat(64), now);
      expect(used).toMatchObject({ usageCount: 2, remainingUses: 0, lastUsedAt: now + 1 });

      for (const store of [redis, memory])
        await store.put(record({ id: 'key_2', hash: 'c'.repeat(64) }), now);
      expect(await redis.expire('key_2', now + 1000, now)).toBe(true);
      expect(await redis.expire('key_2', now + 5000, now)).toBe(true); // never later
      expect((await redis.findById('key_2', now))?.expiresAt).toBe(now + 1000);
      expect(await redis.recordUse('c'.repeat(64), now + 1000)).toMatchObject({
        outcome: 'EXPIRED',
      });
      expect(await redis.revoke('key_2', now)).toBe(true);
      expect(await redis.recordUse('c'.repeat(64), now)).toMatchObject({ outcome: 'REVOKED' });
      expect(await redis.revoke('missing', now)).toBe(false);
      expect(await redis.expire('missing', now, now)).toBe(false);
      const pttl = Number(await t.command(['PTTL', `${prefix}key:{${'c'.repeat(64)}}`]));
      expect(pttl).toBeGreaterThan(0);
    });

    it('gives one OK and one USAGE_EXCEEDED to two concurrent uses of the last use', async () => {
      const redis = createRedisKeyStore({ client: t.client, prefix: `${prefix}key:` });
      const now = Date.now();
      await redis.put(record({ id: 'key_last', hash: 'd'.repeat(64), remainingUses: 1 }), now);
      const outcomes = await Promise.all([
        redis.recordUse('d'.repeat(64), now),
        redis.recordUse('d'.repeat(64), now),
      ]);
      expect(outcomes.map((o) => o.outcome).sort()).toEqual(['OK', 'USAGE_EXCEEDED']);
    });
  });
});

describe('createScriptRunner', () => {
  it('refuses something that is not a Redis client, with a fix-it message', () => {
    expect(() => createScriptRunner({} as never, 100)).toThrow(/ioredis|node-redis/);
    expect(() => createScriptRunner(null as never, 100)).toThrow(/client/);
  });
});
