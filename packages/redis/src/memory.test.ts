// Memory on Redis stays bounded by the TTLs: a flood of one million distinct clients through
// the rate-limit store on a private redis-server, `used_memory` read before, during and after
// the keys expire, and the keyspace checked for keys without a TTL (INFO keyspace counts
// `keys` and `expires` exactly). Redis expires keys on its own clock, so the test waits for
// Redis to drop them (bounded), which no injected clock can stand in for.
import { createBanManager } from '@jaf-sec/core/shield';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisBanStore } from './ban-store.js';
import { createRedisKeyStore } from './key-store.js';
import { createRedisNonceStore } from './nonce-store.js';
import { createRedisRateLimitStore } from './rate-limit-store.js';
import { createRedisRevocationStore } from './revocation-store.js';
import {
  connect,
  createPrivateRedis,
  freePort,
  type PrivateRedis,
  type TestClient,
} from './test-utils/redis-test-env.js';

const CLIENTS = 1_000_000;
const BATCH = 10_000;
const WINDOW_MS = 2_000;

let server: PrivateRedis;
let t: TestClient;

beforeAll(async () => {
  server = createPrivateRedis(await freePort());
  await server.start();
  t = await connect('ioredis', server.url);
});
afterAll(async () => {
  await t?.close();
  await server?.stop();
});

async function info(section: string): Promise<Record<string, string>> {
  const text = String(await t.command(['INFO', section]));
  const out: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}
const usedMemory = async () => Number((await info('memory')).used_memory);
/** `db0:keys=N,expires=M,...` as numbers (zero when the db is empty). */
async function keyspace(): Promise<{ keys: number; expires: number }> {
  const db0 = (await info('keyspace')).db0;
  if (!db0) return { keys: 0, expires: 0 };
  const keys = Number(/keys=(\d+)/.exec(db0)![1]);
  const expires = Number(/expires=(\d+)/.exec(db0)![1]);
  return { keys, expires };
}
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

describe('a flood of one million distinct clients', () => {
  it('grows Redis by the keys it holds, every key with a TTL, and shrinks back as they expire', async () => {
    // The store's own client, pipelined, as a busy server would run it.
    const store = createRedisRateLimitStore({
      client: t.client,
      prefix: 'flood:',
      timeoutMs: 30_000,
    });
    await t.command(['FLUSHALL']); // a private server: nothing else lives here
    const before = await usedMemory();
    const started = performance.now();
    // The longest TTL the store sets for this policy: the window end, a second of grace and
    // one more window (3 windows + 1 s). A key older than that must be gone, so at any moment
    // Redis holds at most the keys written in the last MAX_TTL (plus a little expiry lag).
    const MAX_TTL_MS = 3 * WINDOW_MS + 1000;
    const EXPIRY_LAG_MS = 5000;
    const written: { at: number; count: number }[] = [];
    let peak = { keys: 0, memory: before, bound: 0 };
    for (let i = 0; i < CLIENTS; i += BATCH) {
      const now = Date.now();
      await Promise.all(
        Array.from({ length: BATCH }, (_, j) =>
          store.consume({
            key: `ip:198.51.${(i + j) >> 16}.${(i + j) & 0xffff}`,
            algorithm: 'fixed-window',
            limit: 100,
            windowMs: WINDOW_MS,
            burst: 100,
            cost: 1,
            now,
          }),
        ),
      );
      written.push({ at: now, count: BATCH });
      if ((i / BATCH) % 5 === 4) {
        const space = await keyspace();
        const memory = await usedMemory();
        const sampled = Date.now();
        const bound = written
          .filter((w) => w.at >= sampled - MAX_TTL_MS - EXPIRY_LAG_MS)
          .reduce((n, w) => n + w.count, 0);
        expect(space.expires).toBe(space.keys); // no key without a TTL, at any moment
        expect(space.keys).toBeLessThanOrEqual(bound);
        if (space.keys > peak.keys) peak = { keys: space.keys, memory, bound };
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const perKey = (peak.memory - before) / peak.keys;
    console.log(
      `[memory] ${CLIENTS} distinct clients in ${seconds.toFixed(1)} s (window ${WINDOW_MS} ms, TTL <= ${MAX_TTL_MS} ms): used_memory ${mib(before)} before, peak ${mib(peak.memory)} with ${peak.keys} live keys (TTL bound ${peak.bound}), ${perKey.toFixed(0)} bytes per key`,
    );
    expect(peak.keys).toBeGreaterThan(0);
    expect(peak.keys).toBeLessThan(CLIENTS);
    expect(perKey).toBeLessThan(300);
    const space = await keyspace();

    // After the flood, Redis's active expiry drops the rest without any read.
    const expiryStarted = performance.now();
    const until = Date.now() + 60_000;
    let left = space.keys;
    while (Date.now() < until) {
      left = (await keyspace()).keys;
      if (left === 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const after = await usedMemory();
    console.log(
      `[memory] after the flood, ${((performance.now() - expiryStarted) / 1000).toFixed(1)} s later: ${left} keys, used_memory ${mib(after)}`,
    );
    expect(left).toBe(0);
    expect(after - before).toBeLessThan(8 * 1024 * 1024);
  }, 240_000);

  it('leaves no key without a TTL in any store, but the two documented keep-until-deleted cases', async () => {
    await t.command(['FLUSHALL']);
    const now = Date.now();
    const bans = createBanManager({
      threshold: 2,
      windowMs: 60_000,
      banMs: 60_000,
      store: createRedisBanStore({ client: t.client, prefix: 'b:' }),
    });
    const nonces = createRedisNonceStore({ client: t.client, prefix: 'n:' });
    const revocations = createRedisRevocationStore({ client: t.client, prefix: 'r:' });
    const keys = createRedisKeyStore({ client: t.client, prefix: 'k:' });
    for (let i = 0; i < 500; i++) {
      await bans.recordFailure(`c${i}`, now);
      await bans.recordFailure(`c${i}`, now); // banned
      await nonces.remember(`key:n${i}`, now + 30_000, now);
      await revocations.revoke(`jti-${i}`, now + 30_000);
      await keys.put(
        {
          id: `key_${i}`,
          hash: `h${i}`,
          owner: 'svc',
          scopes: [],
          prefix: 'jaf',
          environment: 'test',
          hint: '',
          createdAt: now,
          usageCount: 0,
          expiresAt: now + 30_000,
        },
        now,
      );
    }
    let space = await keyspace();
    expect(space.keys).toBeGreaterThanOrEqual(2000);
    expect(space.expires).toBe(space.keys);
    // The exceptions the docs name: a revocation of a token without exp, an API key without
    // expiry. Exactly those are kept without a TTL.
    await revocations.revoke('jti-forever', Number.POSITIVE_INFINITY);
    await keys.put(
      {
        id: 'key_forever',
        hash: 'hforever',
        owner: 'svc',
        scopes: [],
        prefix: 'jaf',
        environment: 'test',
        hint: '',
        createdAt: now,
        usageCount: 0,
      },
      now,
    );
    space = await keyspace();
    expect(space.keys - space.expires).toBe(3); // the revocation, the key record, its id index
  });
});
