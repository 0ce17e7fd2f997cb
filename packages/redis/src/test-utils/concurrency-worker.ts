// Forked by rate-limit-store.test.ts: one OS process firing `count` decisions at one key
// through its own client and limiter, reporting how many were allowed.
// Core's source rather than its dist: other work in the tree may rebuild dist mid-run.

import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { createRateLimiter } from '../../../core/src/ratelimit/index.js';
import { createRedisRateLimitStore } from '../rate-limit-store.js';

// The parent gone (a test timed out, vitest killed): stop instead of loading Redis forever.
process.on('disconnect', () => process.exit(0));

const [url, prefix, key, algorithm, limit, count, kind] = process.argv.slice(2) as [
  string,
  string,
  string,
  'token-bucket' | 'gcra',
  string,
  string,
  'ioredis' | 'node-redis',
];

// Registered first, so the parent's go cannot arrive before anyone listens.
const go = new Promise<void>((resolve) => process.once('message', () => resolve()));

async function main(): Promise<void> {
  let client: Redis | ReturnType<typeof createClient>;
  if (kind === 'ioredis') {
    client = new Redis(url);
  } else {
    client = createClient({ url });
    await client.connect();
  }
  const store = createRedisRateLimitStore({ client, prefix, timeoutMs: 5000 });
  const limiter = createRateLimiter({
    policy: { limit: Number(limit), windowMs: 3_600_000, algorithm },
    store,
    failMode: 'closed',
  });
  await store.consume({
    key: `${key}:warmup`,
    algorithm,
    limit: 1,
    windowMs: 1000,
    burst: 1,
    cost: 0,
    now: Date.now(),
  });
  process.send?.('ready');
  // Every process fires at the same moment, once all are connected.
  await go;
  const results = await Promise.all(
    Array.from({ length: Number(count) }, () => limiter.limit(key)),
  );
  const allowed = results.filter((r) => r.allowed).length;
  const unavailable = results.filter((r) => r.reason === 'store_unavailable').length;
  process.send?.({ allowed, unavailable });
  if (kind === 'ioredis') (client as Redis).disconnect();
  else (client as ReturnType<typeof createClient>).destroy();
}

main().catch(() => process.exit(1));
