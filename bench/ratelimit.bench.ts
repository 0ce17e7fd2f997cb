// In-memory rate limiting: jaf-sec's limiter (synchronous core over parallel typed arrays)
// against express-rate-limit's MemoryStore and rate-limiter-flexible's RateLimiterMemory,
// deciding across 100,000 distinct keys; then the state bytes each keeps per key.
// Run: pnpm --filter @jaf-sec/core build && cd bench && flock /tmp/jaf-bench.lock node --expose-gc --import tsx ratelimit.bench.ts
import {
  createMemoryRateLimiter,
  createMemoryRateLimitStore,
  createRateLimiter,
} from '@jaf-sec/core/ratelimit';
import { MemoryStore } from 'express-rate-limit';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { compare, note, type Row, versionOf, writeSection } from './lib/harness.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const KEYS = 100_000;
// Each candidate gets its own fresh store and its own copy of the key set (equal strings,
// distinct objects, each hashed on its own first lookup), cycled in the same order, so no
// candidate warms another's strings or hash tables.
const keySet = () =>
  Array.from({ length: KEYS }, (_, i) => `ip:198.51.${(i >> 8) & 255}.${i & 255}:${i}`);
// Limits high enough that every decision is a real read-modify-write that allows, so no
// candidate takes a cheaper "already blocked" path.
const LIMIT = 1_000_000_000;
const WINDOW_MS = 60_000;

const jafSync = createMemoryRateLimiter({
  policy: { limit: LIMIT, windowMs: WINDOW_MS },
  maxKeys: 200_000,
});
const jafSyncRef = createMemoryRateLimiter({
  policy: { limit: LIMIT, windowMs: WINDOW_MS },
  maxKeys: 200_000,
});
const jafGcra = createMemoryRateLimiter({
  policy: { limit: LIMIT, windowMs: WINDOW_MS, algorithm: 'gcra' },
  maxKeys: 200_000,
});
// The async limiter as most code creates it (its own memory store), and over a memory
// store passed in (shareable, so keys carry the 'rl:' prefix: one string built per call).
const jafAsync = createRateLimiter({ policy: { limit: LIMIT, windowMs: WINDOW_MS } });
const jafAsyncShared = createRateLimiter({
  policy: { limit: LIMIT, windowMs: WINDOW_MS },
  store: createMemoryRateLimitStore({ maxKeys: 200_000 }),
});
const erl = new MemoryStore();
erl.init({ windowMs: WINDOW_MS } as Parameters<MemoryStore['init']>[0]);
const rlf = new RateLimiterMemory({ points: LIMIT, duration: WINDOW_MS / 1000 });

// The floors: what any per-key limiter pays at least here. One Map lookup and one number
// written per decision; and the same plus one read of the clock (Date.now), which every
// candidate does per decision (express-rate-limit and rate-limiter-flexible included).
const floorKeys = keySet();
const floorIndex = new Map<string, number>(floorKeys.map((k, i) => [k, i]));
const floorState = new Float64Array(KEYS * 4);
const clockKeys = keySet();
const clockIndex = new Map<string, number>(clockKeys.map((k, i) => [k, i]));
const clockState = new Float64Array(KEYS * 4);
const syncKeys = keySet();
const syncRefKeys = keySet();
const gcraKeys = keySet();
const asyncKeys = keySet();
const asyncSharedKeys = keySet();
const erlKeys = keySet();
const rlfKeys = keySet();
// The promise-returning candidates hand back the library's own promise and the harness
// awaits it, exactly as a caller's `await store.increment(key)` (express-rate-limit's
// middleware) or `await limiter.consume(key)` would: no extra .then() per decision, which
// would charge each of them a promise and a microtask that no real caller pays.
let f = 0;
let g = 0;
let a = 0;
let a2 = 0;
let b = 0;
let b2 = 0;
let c = 0;
let d = 0;
let e = 0;
const gcEachBatch = {
  rounds: 21,
  // Candidates share one process and one heap: a full GC before every timed batch, so
  // no candidate pays the scavenges or unfinished major-GC marking that the previous
  // (allocating, promise-heavy) candidate left behind. Each batch still pays for the
  // garbage it makes itself.
  beforeBatch: gc,
};
// Like with like: the synchronous limiters against the floors (plain loop, no promise) ...
const syncRows = await compare(
  `Synchronous memory limiter: one decision, keys cycling over ${KEYS.toLocaleString('en-US')} clients (no promise)`,
  [
    {
      name: 'jaf-sec createMemoryRateLimiter (token bucket, sync)',
      fn: () => jafSync.limit(syncKeys[a++ % KEYS]!).allowed,
    },
    {
      name: 'floor: Map.get + typed-array read/write',
      fn: () => {
        const slot = floorIndex.get(floorKeys[f++ % KEYS]!)! * 4;
        const tokens = floorState[slot]! + 1;
        floorState[slot] = tokens;
        return tokens < LIMIT;
      },
    },
    {
      name: 'floor + clock: Map.get + Date.now + typed-array read/write',
      fn: () => {
        const slot = clockIndex.get(clockKeys[g++ % KEYS]!)! * 4;
        const now = Date.now();
        const tokens = clockState[slot]! + 1;
        clockState[slot] = tokens;
        clockState[slot + 1] = now;
        return tokens < LIMIT;
      },
    },
    {
      name: 'jaf-sec createMemoryRateLimiter (GCRA, sync)',
      fn: () => jafGcra.limit(gcraKeys[e++ % KEYS]!).allowed,
    },
  ],
  { ...gcEachBatch, baseline: 'jaf-sec createMemoryRateLimiter (token bucket, sync)' },
);
// ... and the promise-returning limiters against each other, each awaited once per decision.
const ASYNC = 'jaf-sec createRateLimiter, own memory store (async, awaited)';
const asyncRows = await compare(
  `Asynchronous memory limiters: one awaited decision, keys cycling over ${KEYS.toLocaleString('en-US')} clients`,
  [
    { name: ASYNC, fn: () => jafAsync.limit(asyncKeys[b++ % KEYS]!) },
    {
      name: "jaf-sec createRateLimiter, memory store passed in ('rl:' key prefix, awaited)",
      fn: () => jafAsyncShared.limit(asyncSharedKeys[b2++ % KEYS]!),
    },
    {
      name: 'express-rate-limit MemoryStore.increment (awaited)',
      fn: () => erl.increment(erlKeys[c++ % KEYS]!),
    },
    {
      name: 'rate-limiter-flexible RateLimiterMemory.consume (awaited)',
      fn: () => rlf.consume(rlfKeys[d++ % KEYS]!),
    },
    {
      // Not a peer: the reference the 1.3x target divides by, timed in the same rounds.
      name: 'reference: jaf-sec createMemoryRateLimiter (sync, not awaited)',
      fn: () => jafSyncRef.limit(syncRefKeys[a2++ % KEYS]!).allowed,
    },
  ],
  { ...gcEachBatch, baseline: ASYNC },
);

const row = (rows: Row[], name: string): Row => rows.find((r) => r.name.startsWith(name))!;
const jaf = row(syncRows, 'jaf-sec createMemoryRateLimiter (token bucket');
const floor = row(syncRows, 'floor: Map.get + typed');
const clockFloor = row(syncRows, 'floor + clock');
const jafAsyncRow = row(asyncRows, ASYNC);
const erlRow = row(asyncRows, 'express-rate-limit');
const rlfRow = row(asyncRows, 'rate-limiter-flexible');
const syncRef = row(asyncRows, 'reference: jaf-sec createMemoryRateLimiter');
note(
  `- jaf-sec sync limiter: **${Math.round(jaf.opsPerSec).toLocaleString('en-US')} decisions/s** across ${KEYS.toLocaleString('en-US')} keys; ${(jaf.medianNs / floor.medianNs).toFixed(2)}x the floor's time (a Map lookup and one number written), ${(jaf.medianNs / clockFloor.medianNs).toFixed(2)}x the floor with a clock read.`,
);
const asyncVsSync = jafAsyncRow.medianNs / syncRef.medianNs;
const asyncVsErl = erlRow.medianNs / jafAsyncRow.medianNs;
note(
  `- jaf-sec async limiter, awaited, vs the sync limiter in the same rounds: **${asyncVsSync.toFixed(2)}x** its time (target <= 1.3x) ${asyncVsSync <= 1.3 ? 'met' : '**MISSED**'}`,
);
note(
  `- vs express-rate-limit MemoryStore (both awaited): **${asyncVsErl.toFixed(2)}x** the decisions/s (target >= 1.5x) ${asyncVsErl >= 1.5 ? 'met' : '**MISSED**'}; vs rate-limiter-flexible RateLimiterMemory (both awaited): ${(rlfRow.medianNs / jafAsyncRow.medianNs).toFixed(2)}x.`,
);
note(
  '- Method: like with like. Synchronous candidates (the sync limiter, the floors) run in a plain loop in one table; promise-returning ones (the async limiter, express-rate-limit, rate-limiter-flexible) in another, each returning its own promise, awaited once per decision by the harness as their callers do (no extra `.then` per decision). The sync limiter appears in the async table only as the reference for the 1.3x target. A full GC before every timed batch; own store and key copy per candidate. The keys are prebuilt strings (their hashes cached), so a candidate that builds a new key string per call (a prefix) pays a hash the others do not; in a server the key is a new string each request anyway.',
);

// ---- Memory per key --------------------------------------------------------------------

const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** Bytes retained per key by `fill`, beyond the key strings (built and kept beforehand). */
async function bytesPerKey(n: number, fill: (keys: string[]) => unknown): Promise<number> {
  const names = Array.from({ length: n }, (_, i) => `client:${i.toString(36)}:${i}`);
  for (let i = 0; i < 3; i++) gc!();
  const before = used();
  const keep = await fill(names);
  for (let i = 0; i < 3; i++) gc!();
  const after = used();
  if (!keep) throw new Error('the store must stay reachable while measuring');
  return (after - before) / n;
}

const MILLION = 1_000_000;
const jafBytes = await bytesPerKey(MILLION, (names) => {
  const limiter = createMemoryRateLimiter({
    policy: { limit: 100, windowMs: WINDOW_MS },
    maxKeys: MILLION,
  });
  const now = Date.now();
  for (const k of names) limiter.limit(k, { now });
  if (limiter.store.size !== MILLION) throw new Error('bench: store lost keys');
  return limiter;
});
// A flood past the cap: 1,000,000 distinct keys into a store capped at 100,000.
const capped = createMemoryRateLimiter({
  policy: { limit: 100, windowMs: WINDOW_MS },
  maxKeys: 100_000,
});
const floodNow = Date.now();
for (let i = 0; i < MILLION; i++) capped.limit(`flood:${i}`, { now: floodNow });

const PEER_KEYS = 200_000;
const erlBytes = await bytesPerKey(PEER_KEYS, async (names) => {
  const store = new MemoryStore();
  store.init({ windowMs: WINDOW_MS } as Parameters<MemoryStore['init']>[0]);
  for (const k of names) await store.increment(k);
  return store;
});
const rlfBytes = await bytesPerKey(PEER_KEYS, async (names) => {
  const limiter = new RateLimiterMemory({ points: 100, duration: 60 });
  for (const k of names) await limiter.consume(k);
  return limiter;
});

note('');
note('### State bytes per key (beyond the key string)');
note('');
note('| store | keys | bytes/key |');
note('|---|---:|---:|');
note(`| jaf-sec memory store | ${MILLION.toLocaleString('en-US')} | ${jafBytes.toFixed(1)} |`);
note(
  `| express-rate-limit MemoryStore | ${PEER_KEYS.toLocaleString('en-US')} | ${erlBytes.toFixed(1)} |`,
);
note(
  `| rate-limiter-flexible RateLimiterMemory | ${PEER_KEYS.toLocaleString('en-US')} | ${rlfBytes.toFixed(1)} |`,
);
note('');
note(
  `- jaf-sec: **${jafBytes.toFixed(1)} bytes/key** (target <= 80) ${jafBytes <= 80 ? 'met' : '**MISSED**'}; measured as heapUsed + arrayBuffers after GC, key strings built before the baseline.`,
);
note(
  `- Flood: ${MILLION.toLocaleString('en-US')} distinct keys into a store capped at 100,000 leave it at ${capped.store.size.toLocaleString('en-US')} keys (${capped.store.evicted.toLocaleString('en-US')} evicted); no timers.`,
);

await writeSection('ratelimit', 'Rate limiting (in memory)', {
  '@jaf-sec/core': await versionOf('@jaf-sec/core'),
  'express-rate-limit': await versionOf('express-rate-limit'),
  'rate-limiter-flexible': await versionOf('rate-limiter-flexible'),
});
process.exit(0);
