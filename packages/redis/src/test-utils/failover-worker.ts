// Forked by failover.test.ts: one OS process putting steady load on one limit through its own
// cluster client (ioredis Cluster or node-redis createCluster), one decision every `paceMs`
// without waiting for the previous one, until the parent says 'stop'. It reports how many
// decisions were allowed, limited and failed over, the slowest decision, and any unhandled
// rejection; then, on 'after', it makes fresh decisions to show the client recovered by itself.
// Core's source rather than its dist: other work in the tree may rebuild dist mid-run.
import { createRateLimiter, type RateLimitResult } from '../../../core/src/ratelimit/index.js';
import { createRedisRateLimitStore } from '../rate-limit-store.js';
import { connectCluster } from './redis-test-env.js';

// The parent gone (a test timed out, vitest killed): stop instead of loading Redis forever.
process.on('disconnect', () => process.exit(0));

const [portsJson, prefix, key, limit, kind, paceMs, deadlineMs] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  'ioredis' | 'node-redis',
  string,
  string,
];

let unhandled = 0;
process.on('unhandledRejection', () => {
  unhandled++;
});

const messages: string[] = [];
let wake: (() => void) | undefined;
process.on('message', (m) => {
  messages.push(String(m));
  wake?.();
});
const next = async (): Promise<string> => {
  while (messages.length === 0) await new Promise<void>((r) => (wake = r));
  return messages.shift()!;
};

async function main(): Promise<void> {
  // The same cluster clients, with the same options, as the test suites.
  const connection = await connectCluster(kind, JSON.parse(portsJson) as number[]);
  const client = connection.client;
  const store = createRedisRateLimitStore({ client, prefix, timeoutMs: Number(deadlineMs) });
  const limiter = createRateLimiter({
    // A day-long bucket: it refills by less than one token during the test.
    policy: { limit: Number(limit), windowMs: 86_400_000, algorithm: 'token-bucket' },
    store,
    failMode: 'closed',
  });
  await limiter.limit(`${key}:warmup`);
  process.send?.('ready');
  await next(); // go

  const counts = { allowed: 0, limited: 0, unavailable: 0, maxLatencyMs: 0, decisions: 0 };
  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  void next().then(() => {
    stopping = true;
  });
  const record = (r: RateLimitResult, ms: number) => {
    counts.decisions++;
    if (r.allowed) counts.allowed++;
    else if (r.reason === 'store_unavailable') counts.unavailable++;
    else counts.limited++;
    counts.maxLatencyMs = Math.max(counts.maxLatencyMs, ms);
  };
  while (!stopping) {
    const start = performance.now();
    const p: Promise<void> = limiter.limit(key).then((r) => record(r, performance.now() - start));
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    await new Promise((r) => setTimeout(r, Number(paceMs)));
  }
  await Promise.all(inFlight);
  process.send?.({ ...counts, unhandled });

  await next(); // after
  const after: string[] = [];
  for (let i = 0; i < 20; i++) after.push((await limiter.limit(`${key}:after:${i}`)).reason);
  process.send?.({ after, unhandled });
  await connection.close();
}

main().catch(() => process.exit(1));
