// On the real six-node cluster of the globalSetup (three masters, three replicas): every store
// operation, for every key shape the stores produce, runs through both cluster clients without
// a CROSSSLOT error. The cluster itself is the oracle: Redis refuses a script whose declared
// keys span slots (CROSSSLOT) or that touches an undeclared key on another node, so an
// operation that succeeds here kept its keys in one slot. The first test shows that the cluster
// does refuse such a script, so the others can fail.
import { createRateLimiter, type RateLimitAlgorithm } from '@jaf-sec/core/ratelimit';
import { createBanManager } from '@jaf-sec/core/shield';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedisBanStore } from './ban-store.js';
import { createRedisKeyStore } from './key-store.js';
import { createRedisNonceStore } from './nonce-store.js';
import { createRedisRateLimitStore, toTaggedKey } from './rate-limit-store.js';
import { createRedisRevocationStore } from './revocation-store.js';
import { createScriptRunner, defineScript } from './script-runner.js';
import { clusterNodes } from './test-utils/redis-cluster.js';
import {
  connectCluster,
  KINDS,
  type TestClient,
  uniquePrefix,
} from './test-utils/redis-test-env.js';

// Suites that assert exact decisions give Redis a generous deadline, so a scheduler hiccup
// on a loaded test machine is not a store failure (the deadline has tests of its own).
const EXACT_MS = 5_000;
const ALGORITHMS: RateLimitAlgorithm[] = ['token-bucket', 'gcra', 'fixed-window', 'sliding-window'];

/** Ids as callers produce them: user ids, IPs, paths, JWT ids, tenant-scoped keys. */
const KEY_SHAPES: [string, string][] = [
  ['plain', 'user-42'],
  ['colons', 'tenant:acme:user:42:/chat'],
  ['braces', 'user{42}'],
  ['a brace pair that would be a hash tag', 'a}{b}c{d'],
  ['unbalanced braces', '{{{'],
  ['percent signs', '100%{x}%7B'],
  ['unicode', 'usuário-名前-🔑'],
  ['IPv6', 'ip:2001:db8::/64'],
  ['1 KB', 'k'.repeat(1024)],
  ['empty tag content', '{}'],
];

describe('the local Redis Cluster', () => {
  let t: TestClient;
  beforeAll(async () => {
    t = await connectCluster('ioredis', inject('redisClusterPorts'));
  });
  afterAll(async () => {
    await t.close();
  });

  it('has three masters and three replicas, and every slot is served', async () => {
    const nodes = await clusterNodes(inject('redisClusterPorts')[0]!);
    expect(nodes.filter((n) => n.role === 'master')).toHaveLength(3);
    expect(nodes.filter((n) => n.role === 'replica')).toHaveLength(3);
    const info = String(await t.command(['CLUSTER', 'INFO']));
    expect(info).toContain('cluster_slots_assigned:16384');
    expect(info).toContain('cluster_state:ok');
  });

  it('refuses a script whose keys span two slots (so the tests below can fail)', async () => {
    const runner = createScriptRunner(t.client, 2000);
    const both = defineScript("return redis.call('MSET', KEYS[1], '1', KEYS[2], '1')");
    const [a, b] = ['{slot-a}x', '{slot-b}y'];
    const slot = async (key: string) => Number(await t.command(['CLUSTER', 'KEYSLOT', key]));
    expect(await slot(a)).not.toBe(await slot(b));
    await expect(runner.run(both, [a, b], [])).rejects.toThrow(/CROSSSLOT|slot/i);
  });
});

describe('toTaggedKey', () => {
  it('gives every caller key its own Redis key (no two ids collide) inside one hash tag', () => {
    const ids = ['a{b}', 'a(b)', 'a%7Bb%7D', 'a%7Bb}', '{', '%7B', '%', '%25', '}', '%7D', ''];
    const keys = ids.map((id) => toTaggedKey('p:', id));
    expect(new Set(keys).size).toBe(ids.length);
    for (const key of keys) {
      // Exactly one brace pair: the tag the store put there.
      expect(key.match(/[{}]/g)).toEqual(['{', '}']);
    }
  });
});

describe.each(KINDS)('every store operation on the cluster with %s', (kind) => {
  let t: TestClient;
  const prefix = uniquePrefix(`cluster-${kind}`);
  const now = Date.now();

  beforeAll(async () => {
    t = await connectCluster(kind, inject('redisClusterPorts'));
  });
  afterAll(async () => {
    await t.cleanup(prefix);
    await t.close();
  });

  describe.each(KEY_SHAPES)('key shape: %s', (_label, id) => {
    it.each(ALGORITHMS)('rate limits with %s and resets', async (algorithm) => {
      const store = createRedisRateLimitStore({
        client: t.client,
        timeoutMs: EXACT_MS,
        prefix: `${prefix}rl-${algorithm}:`,
      });
      const limiter = createRateLimiter({
        policy: { limit: 2, windowMs: 60_000, algorithm },
        store,
        failMode: 'closed',
      });
      const seen = [];
      for (let i = 0; i < 3; i++) seen.push(await limiter.limit(id, { now }));
      expect(seen.map((r) => r.reason)).toEqual(['within_limit', 'within_limit', 'rate_limited']);
      await limiter.reset(id);
      expect((await limiter.limit(id, { now })).reason).toBe('within_limit');
    });

    it('remembers a nonce once', async () => {
      const store = createRedisNonceStore({ client: t.client, prefix: `${prefix}nonce:` });
      expect(await store.remember(id, now + 5000, now)).toBe(true);
      expect(await store.remember(id, now + 5000, now)).toBe(false);
    });

    it('bans and unbans', async () => {
      const bans = createBanManager({
        threshold: 2,
        windowMs: 60_000,
        banMs: 60_000,
        store: createRedisBanStore({ client: t.client, prefix: `${prefix}ban:` }),
      });
      await bans.recordFailure(id, now);
      expect((await bans.recordFailure(id, now)).banned).toBe(true);
      expect(await bans.isBanned(id, now)).toBe(true);
      await bans.unban(id);
      expect(await bans.isBanned(id, now)).toBe(false);
    });

    it('revokes a token id', async () => {
      const store = createRedisRevocationStore({ client: t.client, prefix: `${prefix}rev:` });
      await store.revoke(id, now + 60_000);
      expect(await store.isRevoked(id, now)).toBe(true);
    });

    it('stores, uses, expires and revokes an API key by id', async () => {
      const store = createRedisKeyStore({ client: t.client, prefix: `${prefix}key:` });
      const hash = `h-${id}`;
      await store.put(
        {
          id,
          hash,
          owner: 'svc',
          scopes: ['a'],
          prefix: 'jaf',
          environment: 'test',
          hint: '',
          createdAt: now,
          usageCount: 0,
        },
        now,
      );
      expect((await store.recordUse(hash, now)).outcome).toBe('OK');
      expect((await store.findById(id, now))?.usageCount).toBe(1);
      expect(await store.expire(id, now + 60_000, now)).toBe(true);
      expect(await store.revoke(id, now)).toBe(true);
      expect((await store.recordUse(hash, now)).outcome).toBe('REVOKED');
    });
  });
});
