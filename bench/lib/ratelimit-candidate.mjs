// One in-memory rate-limit candidate, run by ratelimit-instructions.bench.ts under callgrind:
// `node --single-threaded --predictable lib/ratelimit-candidate.mjs <candidate> <decisions>`.
// Plain JavaScript (no tsx loader threads), so callgrind's count is repeatable.
import { createMemoryRateLimiter } from '@jaf-sec/core/ratelimit';
import { MemoryStore } from 'express-rate-limit';
import { RateLimiterMemory } from 'rate-limiter-flexible';

const [which, count] = process.argv.slice(2);
const n = Number(count);
const KEYS = 100_000;
const LIMIT = 1_000_000_000;
const WINDOW_MS = 60_000;
const keys = Array.from({ length: KEYS }, (_, i) => `ip:198.51.${(i >> 8) & 255}.${i & 255}:${i}`);

const candidates = {
  jaf: () => {
    const l = createMemoryRateLimiter({
      policy: { limit: LIMIT, windowMs: WINDOW_MS },
      maxKeys: 200_000,
    });
    return async (m) => {
      let allowed = 0;
      for (let i = 0; i < m; i++) if (l.limit(keys[i % KEYS]).allowed) allowed++;
      return allowed;
    };
  },
  floor: () => {
    const index = new Map(keys.map((k, i) => [k, i]));
    const state = new Float64Array(KEYS * 4);
    return async (m) => {
      let allowed = 0;
      for (let i = 0; i < m; i++) {
        const slot = index.get(keys[i % KEYS]) * 4;
        const now = Date.now();
        const tokens = state[slot] + 1;
        state[slot] = tokens;
        state[slot + 1] = now;
        if (tokens < LIMIT) allowed++;
      }
      return allowed;
    };
  },
  erl: () => {
    const store = new MemoryStore();
    store.init({ windowMs: WINDOW_MS });
    return async (m) => {
      let allowed = 0;
      for (let i = 0; i < m; i++)
        if ((await store.increment(keys[i % KEYS])).totalHits <= LIMIT) allowed++;
      return allowed;
    };
  },
  rlf: () => {
    const limiter = new RateLimiterMemory({ points: LIMIT, duration: WINDOW_MS / 1000 });
    return async (m) => {
      let allowed = 0;
      for (let i = 0; i < m; i++)
        if ((await limiter.consume(keys[i % KEYS])).remainingPoints >= 0) allowed++;
      return allowed;
    };
  },
};

const make = candidates[which];
if (!make || !Number.isInteger(n)) throw new Error('usage: <jaf|floor|erl|rlf> <decisions>');
const run = make();
// Warm-up: every key seen and the code optimized, so the counted decisions are steady state.
await run(300_000);
if ((await run(n)) !== n) throw new Error(`${which}: a decision was refused`);
process.exit(0);
