import { issueApiKey, verifyApiKey } from '@jaf-sec/core/keys';
import { createRateLimiter, type RateLimitResult } from '@jaf-sec/core/ratelimit';
import { createBanManager } from '@jaf-sec/core/shield';
import { createWebhookVerifier, signWebhook } from '@jaf-sec/core/signing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisBanStore } from './ban-store.js';
import { createRedisKeyStore } from './key-store.js';
import { createRedisNonceStore } from './nonce-store.js';
import { createRedisRateLimitStore } from './rate-limit-store.js';
import {
  type ClientKind,
  connect,
  createPrivateRedis,
  freePort,
  type PrivateRedis,
  type TestClient,
  uniquePrefix,
} from './test-utils/redis-test-env.js';

const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

// Redis is stopped mid-run and started again: a private redis-server on a free port, so
// the shared one on 6379 that others use is never touched.
describe.each(['ioredis', 'node-redis'] as ClientKind[])('Redis outage with %s', (kind) => {
  let server: PrivateRedis;
  let t: TestClient;
  const prefix = uniquePrefix(`faults-${kind}`);
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    server = createPrivateRedis(await freePort());
    await server.start();
    t = await connect(kind, server.url);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await t?.close();
    await server?.stop();
  });

  it('holds the declared fail mode while Redis is down and resumes when it is back', async () => {
    const store = createRedisRateLimitStore({ client: t.client, prefix, timeoutMs: 200 });
    const open = createRateLimiter({
      policy: { limit: 3, windowMs: 60_000 },
      store,
      failMode: 'open',
    });
    const closed = createRateLimiter({
      policy: { limit: 3, windowMs: 60_000 },
      store,
      failMode: 'closed',
      prefix: 'closed:',
    });
    const bans = createBanManager({
      store: createRedisBanStore({ client: t.client, prefix, timeoutMs: 200 }),
    });

    const keys = createRedisKeyStore({ client: t.client, prefix: `${prefix}key:`, timeoutMs: 200 });
    const issued = await issueApiKey(keys, { owner: 'agent-1' });
    const webhooks = createWebhookVerifier({
      secret: WEBHOOK_SECRET,
      nonceStore: createRedisNonceStore({
        client: t.client,
        prefix: `${prefix}nonce:`,
        timeoutMs: 200,
      }),
    });
    const webhook = (id: string) => {
      const timestamp = Math.floor(Date.now() / 1000);
      const body = '{"type":"ping"}';
      return { headers: signWebhook({ id, timestamp, payload: body }, WEBHOOK_SECRET), body };
    };

    // Up: real decisions.
    expect((await verifyApiKey(issued.key, keys)).ok).toBe(true);
    expect((await webhooks.verify(webhook('msg_up'))).ok).toBe(true);
    const before = await Promise.all([1, 2, 3, 4].map(() => open.limit('user:1')));
    expect(before.map((r) => r.reason)).toEqual([
      'within_limit',
      'within_limit',
      'within_limit',
      'rate_limited',
    ]);

    await server.stop();
    const down: RateLimitResult[] = [];
    for (let i = 0; i < 5; i++) {
      down.push(await open.limit('user:1'));
      down.push(await closed.limit('user:1'));
    }
    expect(down.every((r) => r.reason === 'store_unavailable')).toBe(true);
    expect(down.filter((_, i) => i % 2 === 0).every((r) => r.allowed)).toBe(true);
    expect(down.filter((_, i) => i % 2 === 1).every((r) => !r.allowed)).toBe(true);
    expect(await bans.status('ip:1', Date.now())).toMatchObject({
      banned: false,
      error: 'store_unavailable',
    });
    // Verifiers answer with a code (fail closed), never a rejected promise.
    const keyDown = await verifyApiKey(issued.key, keys);
    expect(keyDown.ok || keyDown.error.code).toBe('API_KEY_STORE_UNAVAILABLE');
    const hookDown = await webhooks.verify(webhook('msg_down'));
    expect(hookDown.ok || hookDown.error.code).toBe('NONCE_STORE_UNAVAILABLE');

    await server.start();
    // The client reconnects by itself; decisions resume (the data was not persisted).
    // (A probe key: calls that timed out may still run once the connection is back, so
    // they are allowed to have spent their own key's quota.)
    let resumed: RateLimitResult | undefined;
    for (let i = 0; i < 100; i++) {
      resumed = await closed.limit(`probe:${i}`);
      if (resumed.reason !== 'store_unavailable') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(resumed?.reason).toBe('within_limit');
    const after = await Promise.all([1, 2, 3, 4].map(() => closed.limit('user:2')));
    expect(after.map((r) => r.reason)).toEqual([
      'within_limit',
      'within_limit',
      'within_limit',
      'rate_limited',
    ]);
    expect((await bans.recordFailure('ip:2')).error).toBeUndefined();
    // Late replies to timed-out calls were swallowed, not left as unhandled rejections.
    // Replies come back in order on the connection: once one more call has its answer, every
    // call queued before it has had its own; a macrotask later, any unhandled rejection
    // would have been reported.
    await closed.limit('probe:last');
    await new Promise((r) => setImmediate(r));
    expect(unhandled).toEqual([]);
  });
});
