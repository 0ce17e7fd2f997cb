// Rate limiting on Redis: jaf-sec's Redis store (one EVALSHA per decision) against
// rate-limiter-flexible's RateLimiterRedis and @upstash/ratelimit (through a small
// ioredis shim for its evalsha/eval calls), all on the same private redis-server, so
// nobody else's traffic is counted. Reports decisions/s awaited one by one and 100 in
// flight, and commands and reply packets (round trips) per decision.
// Run: pnpm --filter @jaf-sec/core build && pnpm --filter @jaf-sec/redis build && cd bench && flock /tmp/jaf-bench.lock node --expose-gc --import tsx redis.bench.ts
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { createRateLimiter } from '@jaf-sec/core/ratelimit';
import { createRedisRateLimitStore } from '@jaf-sec/redis';
import { Ratelimit } from '@upstash/ratelimit';
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { createClient } from 'redis';
import { compare, note, versionOf, writeSection } from './lib/harness.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => resolve(p));
  });
});
const server = spawn(
  'redis-server',
  ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
  { stdio: 'ignore' },
);
const stopServer = () => {
  if (server.exitCode === null) server.kill('SIGTERM');
};
process.on('exit', stopServer);
const url = `redis://127.0.0.1:${port}`;

const connectIo = async () => {
  const c = new Redis(url, { lazyConnect: true });
  c.on('error', () => {});
  for (let i = 0; i < 100; i++) {
    try {
      await c.connect();
      return c;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error('redis-server did not start');
};
const admin = await connectIo();
const io = await connectIo();
const nodeRedis = createClient({ url });
nodeRedis.on('error', () => {});
await nodeRedis.connect();

const LIMIT = 1_000_000_000;
const WINDOW_MS = 3_600_000;
const KEYS = 10_000;
const key = (i: number) => `user:${i % KEYS}`;

const jafIo = createRateLimiter({
  policy: { limit: LIMIT, windowMs: WINDOW_MS },
  store: createRedisRateLimitStore({ client: io, prefix: 'bench:jaf:' }),
  failMode: 'closed',
});
const jafNode = createRateLimiter({
  policy: { limit: LIMIT, windowMs: WINDOW_MS },
  store: createRedisRateLimitStore({ client: nodeRedis, prefix: 'bench:jafnr:' }),
  failMode: 'closed',
});
const rlf = new RateLimiterRedis({
  storeClient: io,
  points: LIMIT,
  duration: WINDOW_MS / 1000,
  keyPrefix: 'bench:rlf',
});

// @upstash/ratelimit talks to @upstash/redis (REST); it only needs evalsha/eval with
// (script, keys[], args[]) here, which this shim maps onto ioredis. Its scripts open with
// `#!lua flags=allow-key-locking`, a flag Redis 7.0 refuses ("Unexpected flag in script
// shebang"), so the shim drops that line and remembers which SHA stands for which.
const stripShebang = (script: string) =>
  script.startsWith('#!') ? script.slice(script.indexOf('\n') + 1) : script;
const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');
const shaMap = new Map<string, string>();
const upstashShim = {
  evalsha: (sha: string, keys: string[], args: unknown[]) =>
    io.evalsha(shaMap.get(sha) ?? sha, keys.length, ...keys, ...args.map(String)),
  eval: (script: string, keys: string[], args: unknown[]) => {
    const runnable = stripShebang(script);
    shaMap.set(sha1(script), sha1(runnable));
    return io.eval(runnable, keys.length, ...keys, ...args.map(String));
  },
};
let upstash: Ratelimit | undefined;
let upstashProblem: string | undefined;
try {
  upstash = new Ratelimit({
    redis: upstashShim as never,
    limiter: Ratelimit.tokenBucket(LIMIT, '1h', LIMIT),
    analytics: false,
    ephemeralCache: false,
    prefix: 'bench:upstash',
  });
  const r = await upstash.limit('probe');
  if (!r.success) throw new Error('probe decision denied');
} catch (error) {
  upstashProblem = error instanceof Error ? error.message : String(error);
  upstash = undefined;
}

// Sanity: every candidate allows.
if (!(await jafIo.limit('probe')).allowed) throw new Error('jaf probe denied');
await rlf.consume('probe');

let i1 = 0;
let i2 = 0;
let i3 = 0;
let i4 = 0;
const sequential: { name: string; fn: () => Promise<unknown> }[] = [
  { name: 'jaf-sec Redis store (ioredis)', fn: () => jafIo.limit(key(i1++)) },
  { name: 'jaf-sec Redis store (node-redis)', fn: () => jafNode.limit(key(i2++)) },
  { name: 'rate-limiter-flexible RateLimiterRedis (ioredis)', fn: () => rlf.consume(key(i3++)) },
];
if (upstash) {
  const u = upstash;
  sequential.push({
    name: '@upstash/ratelimit tokenBucket (ioredis shim)',
    fn: () => u.limit(key(i4++)),
  });
}
const seqRows = await compare(
  'Redis limiter: one decision awaited at a time (latency-bound)',
  sequential,
  {
    // Latency-bound and at the mercy of the scheduler (client and server share 2 cores):
    // many short interleaved rounds, so the median is not one unlucky stretch.
    rounds: 41,
    targetMs: 40,
    // One process and heap for all candidates: a full GC before each timed batch so none
    // pays for the garbage the previous one left.
    beforeBatch: gc,
  },
);

const BATCH = 100;
const batch = (one: () => Promise<unknown>) => () =>
  Promise.all(Array.from({ length: BATCH }, one));
const parallel: { name: string; fn: () => Promise<unknown> }[] = [
  { name: 'jaf-sec Redis store (ioredis)', fn: batch(() => jafIo.limit(key(i1++))) },
  { name: 'jaf-sec Redis store (node-redis)', fn: batch(() => jafNode.limit(key(i2++))) },
  {
    name: 'rate-limiter-flexible RateLimiterRedis (ioredis)',
    fn: batch(() => rlf.consume(key(i3++))),
  },
];
if (upstash) {
  const u = upstash;
  parallel.push({
    name: '@upstash/ratelimit tokenBucket (ioredis shim)',
    fn: batch(() => u.limit(key(i4++))),
  });
}
const parRows = await compare(
  `Redis limiter: ${BATCH} decisions in flight (one row = ${BATCH} decisions)`,
  parallel,
  {
    rounds: 25,
    targetMs: 80,
    beforeBatch: gc,
  },
);

// ---- Round trips and commands per decision ----------------------------------------------

async function commandCalls(): Promise<number> {
  const info = String(await admin.info('commandstats'));
  let total = 0;
  for (const m of info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) {
    if (m[1] !== 'info' && m[1] !== 'config|resetstat') total += Number(m[2]);
  }
  return total;
}

// Every candidate here sends scripts (or transactions): their usec already include the
// commands they run inside, which commandstats also lists on their own lines.
const TOP_LEVEL = new Set(['eval', 'evalsha', 'eval_ro', 'evalsha_ro', 'multi', 'exec']);

/** Server time since RESETSTAT: INFO commandstats usec of the top-level commands. */
async function serverUsec(): Promise<number> {
  const info = String(await admin.info('commandstats'));
  let total = 0;
  for (const m of info.matchAll(/^cmdstat_([a-z_|]+):calls=\d+,usec=(\d+)/gm)) {
    if (TOP_LEVEL.has(m[1]!)) total += Number(m[2]);
  }
  return total;
}

/**
 * Reply packets the client's socket received per decision (one per round trip), and what
 * one decision costs where it can be measured without the scheduler's noise: client CPU
 * (user + system, this process) and server time per decision, 100 in flight.
 */
async function measure(decide: (i: number) => Promise<unknown>, socket?: NodeJS.EventEmitter) {
  const N = 1000;
  let packets = 0;
  const onData = () => packets++;
  socket?.on('data', onData);
  await admin.config('RESETSTAT');
  for (let i = 0; i < N; i++) await decide(i);
  const commands = await commandCalls();
  socket?.off('data', onData);
  const M = 20_000;
  gc!();
  await admin.config('RESETSTAT');
  const cpu0 = process.cpuUsage();
  for (let j = 0; j < M; j += 100) {
    await Promise.all(Array.from({ length: 100 }, (_, k) => decide(j + k)));
  }
  const cpu = process.cpuUsage(cpu0);
  const server = await serverUsec();
  return {
    commands: commands / N,
    roundTrips: socket ? packets / N : Number.NaN,
    clientUs: (cpu.user + cpu.system) / M,
    serverUs: server / M,
  };
}

const ioSocket = (io as unknown as { stream: NodeJS.EventEmitter }).stream;
const trips = [
  {
    name: 'jaf-sec Redis store (ioredis)',
    ...(await measure((i) => jafIo.limit(key(i)), ioSocket)),
  },
  { name: 'jaf-sec Redis store (node-redis)', ...(await measure((i) => jafNode.limit(key(i)))) },
  {
    name: 'rate-limiter-flexible RateLimiterRedis (ioredis)',
    ...(await measure((i) => rlf.consume(key(i)), ioSocket)),
  },
];
if (upstash) {
  const u = upstash;
  trips.push({
    name: '@upstash/ratelimit tokenBucket (ioredis shim)',
    ...(await measure((i) => u.limit(key(i)), ioSocket)),
  });
}
note('');
note('### Commands and round trips per decision');
note('');
note(
  '| candidate | Redis commands / decision | round trips / decision | client CPU / decision | server time / decision |',
);
note('|---|---:|---:|---:|---:|');
for (const t of trips) {
  note(
    `| ${t.name} | ${t.commands.toFixed(2)} | ${Number.isNaN(t.roundTrips) ? 'n/a (socket internal)' : t.roundTrips.toFixed(2)} | ${t.clientUs.toFixed(1)} µs | ${t.serverUs.toFixed(1)} µs |`,
  );
}
note('');
note(
  'Commands counted server-side (INFO commandstats, private server); round trips as reply packets on the ioredis socket. Client CPU: user + system time of this process over 20,000 decisions, 100 in flight (includes the client library and socket syscalls). Server time: INFO commandstats usec of the top-level EVAL/EVALSHA/MULTI/EXEC those decisions sent (each includes the commands it ran inside).',
);

const ops = (rows: typeof seqRows, name: string) => rows.find((r) => r.name === name)!.opsPerSec;
const seqRatio =
  ops(seqRows, 'jaf-sec Redis store (ioredis)') /
  ops(seqRows, 'rate-limiter-flexible RateLimiterRedis (ioredis)');
const parRatio =
  ops(parRows, 'jaf-sec Redis store (ioredis)') /
  ops(parRows, 'rate-limiter-flexible RateLimiterRedis (ioredis)');
const jafTrips = trips[0]!;
note('');
note(
  `- Throughput vs rate-limiter-flexible on the same server and client: **${seqRatio.toFixed(2)}x** awaited one by one, **${parRatio.toFixed(2)}x** with ${BATCH} in flight (target >= 1x) ${Math.min(seqRatio, parRatio) >= 1 ? 'met' : '**MISSED**'}.`,
);
note(
  `- jaf-sec: **${jafTrips.commands.toFixed(2)} command and ${jafTrips.roundTrips.toFixed(2)} round trip per decision** (target 1) ${Math.abs(jafTrips.roundTrips - 1) < 0.05 ? 'met' : '**MISSED**'}.`,
);
note(
  upstash
    ? '- @upstash/ratelimit ran against local Redis through an ioredis shim for evalsha/eval that drops its `#!lua flags=allow-key-locking` line (Redis 7.0 refuses that flag); its REST client is not used; ephemeral cache and analytics off.'
    : `- @upstash/ratelimit could not run against local Redis through an ioredis shim: ${upstashProblem}.`,
);

await writeSection('redis', 'Rate limiting on Redis', {
  '@jaf-sec/redis': await versionOf('@jaf-sec/redis'),
  'rate-limiter-flexible': await versionOf('rate-limiter-flexible'),
  '@upstash/ratelimit': await versionOf('@upstash/ratelimit'),
  ioredis: await versionOf('ioredis'),
  'redis (node-redis)': await versionOf('redis'),
  'redis-server': String(((await admin.info('server')).match(/redis_version:(\S+)/) ?? [])[1]),
});
io.disconnect();
admin.disconnect();
nodeRedis.destroy();
stopServer();
process.exit(0);
