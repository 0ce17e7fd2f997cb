// Rate limiting on Redis Cluster against a single Redis: jaf-sec's Redis store
// (createRedisRateLimitStore, one EVALSHA per decision on one hash-tagged key) under the same
// load on a private redis-server and on a local six-node cluster (three masters, three
// replicas; startLocalCluster from packages/redis/src/test-utils), through ioredis (Redis /
// Cluster) and node-redis (createClient / createCluster). Same keys (10,000 distinct users),
// same policy, 100 decisions in flight, and one at a time. Every server runs on this host, so
// a cluster can only show its client-side cost here (slot routing, one connection per master),
// not the extra CPUs it brings on separate machines.
// Run: pnpm --filter @jaf-sec/core build && pnpm --filter @jaf-sec/redis build && cd bench && flock /tmp/jaf-bench.lock node --expose-gc --import tsx redis-cluster.bench.ts
import { loadavg } from 'node:os';
import { createRateLimiter, type RateLimiter } from '@jaf-sec/core/ratelimit';
import { createRedisRateLimitStore, type RedisClientLike } from '@jaf-sec/redis';
import { Cluster, Redis } from 'ioredis';
import { createClient, createCluster } from 'redis';
import { startLocalCluster } from '../packages/redis/src/test-utils/redis-cluster.js';
import { createPrivateRedis, freePort } from '../packages/redis/src/test-utils/redis-test-env.js';
import { compare, note, versionOf, writeSection } from './lib/harness.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const loadBefore = loadavg()[0]!;
// The single Redis and the cluster come from the redis package's test fixtures.
const single = createPrivateRedis(await freePort());
await single.start();
process.on('exit', () => void single.stop());
const cluster = await startLocalCluster();
const url = single.url;
const seeds = cluster.ports.slice(0, 3).map((p) => ({ host: '127.0.0.1', port: p }));

const io = new Redis(url, { lazyConnect: true });
io.on('error', () => {});
await io.connect();
const ioCluster = new Cluster(seeds, { lazyConnect: true });
ioCluster.on('error', () => {});
await ioCluster.connect();
const nodeRedis = createClient({ url });
nodeRedis.on('error', () => {});
await nodeRedis.connect();
const nodeCluster = createCluster({
  rootNodes: seeds.map((s) => ({ url: `redis://${s.host}:${s.port}` })),
});
nodeCluster.on('error', () => {});
await nodeCluster.connect();

const LIMIT = 1_000_000_000;
const WINDOW_MS = 3_600_000;
const KEYS = 10_000;
const key = (i: number) => `user:${i % KEYS}`;
let denied = 0;
const limiterOn = (client: RedisClientLike, prefix: string): RateLimiter =>
  createRateLimiter({
    policy: { limit: LIMIT, windowMs: WINDOW_MS },
    // A generous deadline: the bench measures throughput, not the 50 ms default's timeouts
    // on a host whose CPUs the servers, the client and other work share.
    store: createRedisRateLimitStore({ client, prefix, timeoutMs: 2000 }),
    failMode: 'closed',
  });
const candidates = [
  { name: 'single Redis, ioredis', limiter: limiterOn(io, 'bench:cl:io:') },
  {
    name: 'Redis Cluster (3 masters), ioredis Cluster',
    limiter: limiterOn(ioCluster, 'bench:cl:ioc:'),
  },
  { name: 'single Redis, node-redis', limiter: limiterOn(nodeRedis, 'bench:cl:nr:') },
  {
    name: 'Redis Cluster (3 masters), node-redis createCluster',
    limiter: limiterOn(nodeCluster, 'bench:cl:nrc:'),
  },
];
for (const c of candidates) {
  if (!(await c.limiter.limit('probe')).allowed) throw new Error(`${c.name}: probe denied`);
}

const counters = candidates.map(() => 0);
const decide = (i: number) => {
  const c = candidates[i]!;
  return c.limiter.limit(key(counters[i]!++)).then((r) => {
    if (!r.allowed) denied++;
  });
};

const seqRows = await compare(
  'Redis limiter, single Redis vs Redis Cluster: one decision awaited at a time',
  candidates.map((c, i) => ({ name: c.name, fn: () => decide(i) })),
  { rounds: 31, targetMs: 40, beforeBatch: gc },
);

const BATCH = 100;
const parRows = await compare(
  `Redis limiter, single Redis vs Redis Cluster: ${BATCH} decisions in flight (one row = ${BATCH} decisions)`,
  candidates.map((c, i) => ({
    name: c.name,
    fn: () => Promise.all(Array.from({ length: BATCH }, () => decide(i))),
  })),
  { rounds: 21, targetMs: 80, beforeBatch: gc },
);

// Where the keys went: one hash-tagged key per user, spread by slot over the masters.
const masters = ioCluster.nodes('master');
const perMaster: number[] = [];
for (const m of masters) {
  let n = 0;
  let cursor = '0';
  do {
    const [next, keys] = await m.scan(cursor, 'MATCH', 'bench:cl:ioc:*', 'COUNT', 1000);
    cursor = next;
    n += keys.length;
  } while (cursor !== '0');
  perMaster.push(n);
}

note('');
note('### Decisions per second');
note('');
note(
  '| candidate | one at a time | 100 in flight | ratio to single Redis (same client), 100 in flight |',
);
note('|---|---:|---:|---:|');
for (let i = 0; i < candidates.length; i++) {
  const same = i % 2 === 0 ? i : i - 1;
  const par = parRows[i]!.opsPerSec * BATCH;
  note(
    `| ${candidates[i]!.name} | ${Math.round(seqRows[i]!.opsPerSec).toLocaleString('en-US')} | ${Math.round(par).toLocaleString('en-US')} | ${(par / (parRows[same]!.opsPerSec * BATCH)).toFixed(2)}x |`,
  );
}
note('');
note(
  `- ${KEYS.toLocaleString('en-US')} distinct keys, policy ${LIMIT} per hour (never denies), store timeoutMs 2000, failMode closed: decisions denied or failed during the run: **${denied}**.`,
);
note(
  `- The ioredis Cluster candidate's keys by master: ${perMaster.join(', ')} (one hash-tagged key per user, spread by slot).`,
);
note(
  `- Load average (1 min) of the host: ${loadBefore.toFixed(1)} before the run, ${loadavg()[0]!.toFixed(1)} after it.`,
);
note(
  '- All seven redis-server processes and the client share this host (2 cores, shared with other work while measured), so the cluster cannot add CPUs here: the rows compare what a decision costs through a cluster client (slot lookup, one connection per master, replies gathered from three sockets) at the same load, not the capacity of a cluster on separate machines.',
);

const serverVersion = String(((await io.info('server')).match(/redis_version:(\S+)/) ?? [])[1]);
await writeSection('redis-cluster', 'Rate limiting on Redis Cluster vs a single Redis', {
  '@jaf-sec/redis': await versionOf('@jaf-sec/redis'),
  ioredis: await versionOf('ioredis'),
  'redis (node-redis)': await versionOf('redis'),
  'redis-server': serverVersion,
});
io.disconnect();
ioCluster.disconnect();
nodeRedis.destroy();
nodeCluster.destroy();
await cluster.stop();
await single.stop();
process.exit(0);
