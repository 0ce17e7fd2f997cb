import type {
  RateLimitAlgorithm,
  RateLimitStore,
  RateLimitStoreRequest,
  RateLimitStoreResponse,
} from '@jaf-sec/core/ratelimit';
import {
  createScriptRunner,
  defineScript,
  type RedisClientLike,
  type RedisScript,
  type ScriptRunner,
} from './script-runner.js';

// The four algorithms of @jaf-sec/core/ratelimit (algorithms.ts), line for line in Lua, so
// one EVALSHA reads, decides and writes atomically. State is one 40-byte string (a, b, c,
// expiresAt and the TTL's deadline as packed doubles) whose TTL runs at most a window past
// the instant the state would equal a fresh one, so Redis memory stays bounded.
// Replies are integers: {allowed, remaining, resetAt, retryAfterMs (-1 = never)}.

// Shared head: parse arguments and load the state. Each algorithm has its own script, so
// the arguments are only the numbers: limit, window, burst, cost, now.
const LUA_HEAD = `
local limit = tonumber(ARGV[1])
local w = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local now = tonumber(ARGV[5])
local EPS = 1e-9
local fresh = true
local a, b, c = 0, 0, 0
local raw = redis.call('GET', KEYS[1])
local deadline = 0
if raw then
  -- Five doubles packed by struct (exact, and far cheaper than text): the state, its
  -- expiry, and until when the key's TTL keeps it.
  local ra, rb, rc, rexp, rdl = struct.unpack('ddddd', raw)
  deadline = rdl
  -- Like the memory store, a state past its stored expiry is a fresh one.
  if rexp > now then
    a, b, c = ra, rb, rc
    fresh = false
  end
end
local allowed, remaining, resetAt, retry, expiresAt = 0, 0, 0, 0, 0
`;

// One body per algorithm, so a decision runs only its own arithmetic.
const LUA_TOKEN_BUCKET = `local rate = limit / w
local tokens, t = burst, now
if not fresh then
  tokens, t = a, b
  if now > t then
    tokens = math.min(burst, tokens + (now - t) * rate)
    t = now
  end
end
if cost <= tokens + EPS then
  tokens = math.max(0, tokens - cost)
  allowed = 1
elseif cost > burst then
  retry = -1
else
  retry = math.ceil((cost - tokens) / rate)
end
a, b = tokens, t
remaining = math.floor(tokens + EPS)
resetAt = t + math.ceil((burst - tokens) / rate)
expiresAt = resetAt
`;

const LUA_GCRA = `local interval = w / limit
local span = burst * interval
local tat, seen = now, now
if not fresh then
  tat = a
  seen = math.max(b, now)
end
local base = math.max(tat, seen)
local nxt = base + cost * interval
local allowAt = nxt - span
if allowAt <= seen + EPS then
  tat = nxt
  allowed = 1
else
  tat = base
  if cost > burst then retry = -1 else retry = math.ceil(allowAt - seen) end
end
a, b = tat, seen
local left = (span - (tat - seen)) / interval
if left <= 0 then remaining = 0 else remaining = math.floor(left + EPS) end
resetAt = math.ceil(math.max(tat, seen))
expiresAt = resetAt
`;

const LUA_FIXED_WINDOW = `local current = math.floor(now / w) * w
local start, count = current, 0
if (not fresh) and a >= current then
  start, count = a, b
end
local finish = start + w
if count + cost <= limit then
  count = count + cost
  allowed = 1
elseif cost > limit then
  retry = -1
else
  retry = math.ceil(finish - math.max(now, start))
end
a, b = start, count
if limit - count > 0 then remaining = math.floor(limit - count) else remaining = 0 end
resetAt = finish
expiresAt = finish
`;

const LUA_SLIDING_WINDOW = `local current = math.floor(now / w) * w
local start, count, previous = current, 0, 0
if not fresh then
  if a >= current then
    start, count, previous = a, b, c
  elseif a == current - w then
    previous = b
  end
end
local at = math.max(now, start)
local weight = (w - (at - start)) / w
local used = previous * weight + count
if used + cost <= limit + EPS then
  count = count + cost
  allowed = 1
elseif cost > limit then
  retry = -1
else
  local room = limit - count - cost
  local waitUntil = start + w
  if room >= 0 and previous > 0 then waitUntil = start + w - (room * w) / previous end
  retry = math.max(1, math.ceil(waitUntil - at))
end
a, b, c = start, count, previous
local left = limit - (previous * weight + count)
if left <= 0 then remaining = 0 else remaining = math.floor(left + EPS) end
resetAt = start + w
expiresAt = start + 2 * w
`;

// Shared tail: store the state (TTL bounded) and reply.
const LUA_TAIL = `-- The key must outlive the state's expiry by a second of grace (so a clock that steps
-- back still sees its clamp). When the TTL already covers that, overwrite the bytes in
-- place and leave the TTL alone; otherwise set a TTL one window longer than needed, so it
-- is renewed about once per window rather than on every decision.
if raw and expiresAt + 1000 <= deadline then
  redis.call('SETRANGE', KEYS[1], 0, struct.pack('ddddd', a, b, c, expiresAt, deadline))
else
  local ttl = math.max(1, math.ceil(expiresAt - now)) + 1000 + w
  redis.call('SET', KEYS[1], struct.pack('ddddd', a, b, c, expiresAt, now + ttl), 'PX', ttl)
end
return {allowed, remaining, resetAt, retry}
`;

const RATE_LIMIT_SCRIPTS: Readonly<Record<RateLimitAlgorithm, RedisScript>> = {
  'token-bucket': defineScript(LUA_HEAD + LUA_TOKEN_BUCKET + LUA_TAIL),
  gcra: defineScript(LUA_HEAD + LUA_GCRA + LUA_TAIL),
  'fixed-window': defineScript(LUA_HEAD + LUA_FIXED_WINDOW + LUA_TAIL),
  'sliding-window': defineScript(LUA_HEAD + LUA_SLIDING_WINDOW + LUA_TAIL),
};

const RESET_SCRIPT = defineScript(`return redis.call('DEL', KEYS[1])`);

/** Options of {@link createRedisRateLimitStore}. */
export interface RedisRateLimitStoreOptions {
  /** A connected ioredis client/Cluster or node-redis client. */
  readonly client: RedisClientLike;
  /** Prepended to every Redis key. Default `'jaf:'`. */
  readonly prefix?: string | undefined;
  /**
   * A decision slower than this counts as a store failure (the limiter's fail mode, reason
   * `store_unavailable`); the late reply is dropped. Default 50: a rate limit must not make a
   * request wait on a slow Redis.
   */
  readonly timeoutMs?: number | undefined;
  /**
   * Decisions allowed to wait for Redis at once; past that a decision fails at once (fail
   * mode) instead of queueing. Default 10,000.
   */
  readonly maxInFlight?: number | undefined;
  /**
   * Remember keys known to be blocked, in this process, until their retry time, and deny
   * them without a round trip. Off by default; `{ maxKeys }` (default 10,000) turns it on.
   */
  readonly blockedCache?: { readonly maxKeys?: number | undefined } | boolean | undefined;
}

/** The Redis rate-limit store, with a count of decisions answered by the blocked cache. */
export interface RedisRateLimitStore extends RateLimitStore {
  readonly cacheHits: number;
}

interface Blocked {
  until: number;
  cost: number;
  resetAt: number;
}

/**
 * Where a key lives in Redis: the caller's key inside a hash tag, so the one key an
 * operation touches has a slot of its own and the store runs on Redis Cluster. Braces in the
 * caller's key are percent-escaped (`{` as `%7B`, `}` as `%7D`, and `%` itself as `%25`) so
 * they cannot move the tag, and two different caller keys never share a Redis key.
 */
export function toTaggedKey(prefix: string, key: string): string {
  let safe = key;
  if (key.includes('{') || key.includes('}') || key.includes('%')) {
    safe = key.replaceAll('%', '%25').replaceAll('{', '%7B').replaceAll('}', '%7D');
  }
  return `${prefix}{${safe}}`;
}

/**
 * A {@link RateLimitStore} on Redis or Valkey: every decision is one EVALSHA of a Lua
 * script (atomic across processes), keys carry a TTL, and each decision touches one key.
 * Rejects on connection failure or timeout, which the limiter turns into its declared
 * fail mode with reason `store_unavailable`.
 *
 * @throws TypeError at construction when the client is not ioredis or node-redis.
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * const store = createRedisRateLimitStore({ client: new Redis(process.env.REDIS_URL) });
 * const limiter = createRateLimiter({ policy: { limit: 20, windowMs: 60_000 }, store, failMode: 'open' });
 * ```
 */
export function createRedisRateLimitStore(
  options: RedisRateLimitStoreOptions,
): RedisRateLimitStore {
  const runner: ScriptRunner = createScriptRunner(options.client, options.timeoutMs ?? 50, {
    maxInFlight: options.maxInFlight,
  });
  const prefix = options.prefix ?? 'jaf:';
  const cacheOption = options.blockedCache;
  const cacheMax =
    cacheOption === true
      ? 10_000
      : cacheOption && typeof cacheOption === 'object'
        ? (cacheOption.maxKeys ?? 10_000)
        : 0;
  if (!Number.isInteger(cacheMax) || cacheMax < 0) {
    throw new TypeError(
      'createRedisRateLimitStore: blockedCache.maxKeys must be a positive integer.',
    );
  }
  const blocked = new Map<string, Blocked>();
  let cacheHits = 0;
  let policyLimit = Number.NaN;
  let policyWindow = Number.NaN;
  let policyBurst = Number.NaN;
  let policyAlgorithm: RateLimitAlgorithm | undefined;
  let policyArgs: [string, string, string] = ['', '', ''];

  function remember(key: string, entry: Blocked): void {
    if (blocked.has(key)) blocked.delete(key);
    else if (blocked.size >= cacheMax) {
      const oldest = blocked.keys().next();
      if (!oldest.done) blocked.delete(oldest.value);
    }
    blocked.set(key, entry);
  }

  return {
    get cacheHits() {
      return cacheHits;
    },
    consume(request: RateLimitStoreRequest): Promise<RateLimitStoreResponse> {
      const key = toTaggedKey(prefix, request.key);
      if (cacheMax > 0) {
        const hit = blocked.get(key);
        if (hit) {
          if (hit.until > request.now && request.cost >= hit.cost) {
            cacheHits++;
            return Promise.resolve({
              allowed: false,
              remaining: 0,
              resetAt: hit.resetAt,
              retryAfterMs: Math.ceil(hit.until - request.now),
            });
          }
          if (hit.until <= request.now) blocked.delete(key);
        }
      }
      // A limiter sends the same policy numbers every time: format them once.
      if (
        request.limit !== policyLimit ||
        request.windowMs !== policyWindow ||
        request.burst !== policyBurst ||
        request.algorithm !== policyAlgorithm
      ) {
        policyLimit = request.limit;
        policyWindow = request.windowMs;
        policyBurst = request.burst;
        policyAlgorithm = request.algorithm;
        policyArgs = [String(policyLimit), String(policyWindow), String(policyBurst)];
      }
      const [limit, windowMs, burst] = policyArgs;
      // No async function here: one promise per decision, the runner's.
      return runner
        .run(
          RATE_LIMIT_SCRIPTS[request.algorithm],
          [key],
          [
            limit,
            windowMs,
            burst,
            request.cost === 1 ? '1' : String(request.cost),
            String(request.now),
          ],
        )
        .then((raw) => {
          const reply = raw as [number, number, number, number];
          const allowed = Number(reply[0]) === 1;
          const retry = Number(reply[3]);
          const result = {
            allowed,
            remaining: Number(reply[1]),
            resetAt: Number(reply[2]),
            retryAfterMs: retry < 0 ? Number.POSITIVE_INFINITY : retry,
          };
          if (cacheMax > 0 && !allowed && retry > 0) {
            remember(key, {
              until: request.now + retry,
              cost: request.cost,
              resetAt: result.resetAt,
            });
          }
          return result;
        });
    },
    async reset(key: string): Promise<void> {
      const tagged = toTaggedKey(prefix, key);
      blocked.delete(tagged);
      await runner.run(RESET_SCRIPT, [tagged], []);
    },
  };
}
