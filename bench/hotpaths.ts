// Focused before/after check of the two hot paths issue 16 targets, as ratios in one run
// (ratios survive a shared, loaded machine better than absolute figures):
//  - HS256 verify of a never-seen token, uncached, against the floor and fast-jwt uncached,
//    and the default cache when it always misses against no cache;
//  - `await limiter.limit()` (createRateLimiter over the memory store) against the
//    synchronous createMemoryRateLimiter and express-rate-limit's MemoryStore.
// Run: pnpm --filter @jaf-sec/core build && cd bench && node --expose-gc --import tsx hotpaths.ts
// Profile one candidate: node --cpu-prof --import tsx hotpaths.ts profile <tokens|ratelimit>
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import {
  createMemoryRateLimiter,
  createMemoryRateLimitStore,
  createRateLimiter,
} from '@jaf-sec/core/ratelimit';
import { createTokenIssuer, createTokenVerifier } from '@jaf-sec/core/tokens';
import { MemoryStore } from 'express-rate-limit';
import { createVerifier } from 'fast-jwt';
import { compare, note } from './lib/harness.js';

const secret = Buffer.from('bench-secret-bench-secret-bench-secret-0123456789'.slice(0, 32));
const now = Date.now();
const iss = 'https://auth.example.com';
const aud = 'agent-api';
const issuer = createTokenIssuer({
  key: { alg: 'HS256', secret },
  issuer: iss,
  audience: aud,
  expiresIn: 3600,
  jti: false,
});
const POOL = 4096;
const pool = await Promise.all(
  Array.from({ length: POOL }, (_, i) =>
    issuer.issue({ sub: `user-${i}`, permissions: ['chat:basic', 'chat:advanced'] }, { now }),
  ),
);
const cycler = () => {
  let i = 0;
  return (): string => {
    i = (i + 1) & (POOL - 1);
    return pool[i]!;
  };
};
const options = { keys: [{ alg: 'HS256' as const, secret }], issuer: iss, audience: aud };
const uncached = createTokenVerifier({ ...options, claimsCacheSize: 0 });
const cached = createTokenVerifier(options);
const secretKey = createSecretKey(secret);
function floor(token: string): Record<string, unknown> | undefined {
  const dot1 = token.indexOf('.');
  const dot2 = token.lastIndexOf('.');
  const mac = createHmac('sha256', secretKey).update(token.slice(0, dot2)).digest();
  const sig = Buffer.from(token.slice(dot2 + 1), 'base64url');
  if (sig.length !== mac.length || !timingSafeEqual(mac, sig)) return undefined;
  return JSON.parse(Buffer.from(token.slice(dot1 + 1, dot2), 'base64url').toString('utf8'));
}
const fast = createVerifier({ key: secret.toString('latin1'), algorithms: ['HS256'] });

const KEYS = 100_000;
const keySet = () =>
  Array.from({ length: KEYS }, (_, i) => `ip:198.51.${(i >> 8) & 255}.${i & 255}:${i}`);
const LIMIT = 1_000_000_000;
const policy = { limit: LIMIT, windowMs: 60_000 };
const sync = createMemoryRateLimiter({ policy, maxKeys: 200_000 });
// Its own memory store (the default), and one passed in (keys then carry the 'rl:' prefix).
const asyncLimiter = createRateLimiter({ policy });
const asyncShared = createRateLimiter({
  policy,
  store: createMemoryRateLimitStore({ maxKeys: 200_000 }),
});
const erl = new MemoryStore();
erl.init({ windowMs: 60_000 } as Parameters<MemoryStore['init']>[0]);

if (process.argv[2] === 'profile') {
  const pick = cycler();
  const keys = keySet();
  const t0 = performance.now();
  if (process.argv[3] === 'tokens') {
    for (let i = 0; i < 400_000; i++) await uncached.verify(pick());
    for (let i = 0; i < 400_000; i++) await cached.verify(pick());
  } else {
    for (let i = 0; i < 3_000_000; i++) await asyncLimiter.limit(keys[i % KEYS]!);
  }
  console.log(`profiled in ${(performance.now() - t0).toFixed(0)} ms`);
  process.exit(0);
}

note(
  `Load average at start: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')} on ${cpus().length} cores.`,
);
const FLOOR = 'floor: base64url + JSON.parse payload + node:crypto HMAC + timingSafeEqual';
const [a, b, c, d, e] = Array.from({ length: 5 }, cycler) as (() => string)[];
const tokens = await compare(
  'HS256 verify of a never-seen token (4,096 distinct tokens cycled)',
  [
    { name: FLOOR, fn: () => floor(a!()) },
    { name: 'jaf-sec verify, claimsCacheSize: 0', fn: () => uncached.verify(b!()) },
    { name: 'jaf-sec verifySync, claimsCacheSize: 0', fn: () => uncached.verifySync(c!()) },
    { name: 'jaf-sec verify, default cache (always missing)', fn: () => cached.verify(d!()) },
    { name: 'fast-jwt createVerifier (cache off)', fn: () => fast(e!()) },
  ],
  { rounds: 101, targetMs: 5 },
);
const r = (name: string) => tokens.find((x) => x.name === name)!.ratio;
note(
  `- jaf-sec uncached verify / floor: **${r('jaf-sec verify, claimsCacheSize: 0').toFixed(2)}x** (target <= 1.3x); fast-jwt uncached / jaf-sec uncached: **${(r('fast-jwt createVerifier (cache off)') / r('jaf-sec verify, claimsCacheSize: 0')).toFixed(2)}x** (target >= 1.5x); always-missing cache / no cache: **${(r('jaf-sec verify, default cache (always missing)') / r('jaf-sec verify, claimsCacheSize: 0')).toFixed(2)}x** (target <= 1.0x)`,
);

const gc = (globalThis as { gc?: () => void }).gc;
const [k1, k2, k3, k4] = [keySet(), keySet(), keySet(), keySet()];
let i1 = 0;
let i2 = 0;
let i3 = 0;
let i4 = 0;
const limits = await compare(
  `Memory limiter, keys cycling over ${KEYS.toLocaleString('en-US')} clients`,
  [
    {
      name: 'jaf-sec createMemoryRateLimiter (sync)',
      fn: () => sync.limit(k1[i1++ % KEYS]!).allowed,
    },
    {
      name: 'jaf-sec createRateLimiter, own memory store (awaited)',
      fn: () => asyncLimiter.limit(k2[i2++ % KEYS]!),
    },
    {
      name: "jaf-sec createRateLimiter, memory store passed in ('rl:' prefix, awaited)",
      fn: () => asyncShared.limit(k4[i4++ % KEYS]!),
    },
    {
      name: 'express-rate-limit MemoryStore.increment (awaited)',
      fn: () => erl.increment(k3[i3++ % KEYS]!),
    },
  ],
  { rounds: 21, targetMs: 20, beforeBatch: gc },
);
const asyncRatio = limits[1]!.ratio;
note(
  `- async / sync: **${asyncRatio.toFixed(2)}x** (target <= 1.3x); express-rate-limit / async: **${(limits[3]!.medianNs / limits[1]!.medianNs).toFixed(2)}x** (target >= 1.5x); async with a passed-in store ('rl:' prefix) / sync: ${limits[2]!.ratio.toFixed(2)}x`,
);
/**
 * CPU-time cross-check: process.cpuUsage counts every thread of the process (the main
 * thread and V8's GC helpers; none of these candidates uses the thread pool), which other
 * processes on a loaded machine inflate far less than wall time. 31 alternating blocks
 * of `n` ops; the figure is the median of the per-block ratios.
 */
async function cpuRatio(
  label: string,
  base: [() => unknown, boolean],
  ours: [() => unknown, boolean],
  n: number,
): Promise<void> {
  const cpu = async ([fn, isAsync]: [() => unknown, boolean]): Promise<number> => {
    gc?.();
    const start = process.cpuUsage();
    if (isAsync) for (let i = 0; i < n; i++) await fn();
    else for (let i = 0; i < n; i++) fn();
    const used = process.cpuUsage(start);
    return used.user + used.system;
  };
  await cpu(base);
  await cpu(ours);
  const ratios: number[] = [];
  for (let i = 0; i < 31; i++) {
    const b0 = await cpu(base);
    ratios.push((await cpu(ours)) / b0);
  }
  ratios.sort((x, y) => x - y);
  note(
    `- CPU-time cross-check (main thread + GC helpers), ${label}: **${ratios[15]!.toFixed(2)}x** (interquartile ${ratios[7]!.toFixed(2)}-${ratios[23]!.toFixed(2)}x)`,
  );
}
const [c1, c2, c3] = [cycler(), cycler(), cycler()];
await cpuRatio(
  'jaf-sec uncached verify / floor',
  [() => floor(c1()), false],
  [() => uncached.verify(c2()), true],
  20_000,
);
await cpuRatio(
  'fast-jwt uncached / jaf-sec uncached verify',
  [() => uncached.verify(c2()), true],
  [() => fast(c3()), false],
  20_000,
);
await cpuRatio(
  'async limiter (own store, awaited) / sync limiter',
  [() => sync.limit(k1[i1++ % KEYS]!), false],
  [() => asyncLimiter.limit(k2[i2++ % KEYS]!), true],
  50_000,
);
await cpuRatio(
  'express-rate-limit MemoryStore (awaited) / async limiter (awaited)',
  [() => asyncLimiter.limit(k2[i2++ % KEYS]!), true],
  [() => erl.increment(k3[i3++ % KEYS]!), true],
  50_000,
);
note(
  `Load average at end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')}.`,
);
process.exit(0);
