import { callTime, TIME_MS } from '../internal/options.js';
import { ALGORITHM_ID, createKernelCell, type KernelCell } from './algorithms.js';
import { createMemoryRateLimitStore, type MemoryRateLimitStore } from './memory-store.js';
import { type CompiledRateLimitPolicy, compileRateLimitPolicy } from './policies.js';
import type {
  RateLimitFailMode,
  RateLimitPolicy,
  RateLimitReason,
  RateLimitResult,
  RateLimitStore,
  RateLimitStoreResponse,
} from './types.js';

/** Per-call options of a limiter. */
export interface RateLimitCallOptions {
  /** Units this request spends. Default 1. */
  readonly cost?: number | undefined;
  /** ms since epoch. Default: the limiter's clock. */
  readonly now?: number | undefined;
}

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  readonly policy: RateLimitPolicy;
  /** Name reported in results and the draft-11 headers. Default `'default'`. */
  readonly name?: string | undefined;
  /** Default: a bounded in-memory store (one process only). */
  readonly store?: RateLimitStore | undefined;
  /** What a store outage means. Default `'open'` (allow, reason `store_unavailable`). */
  readonly failMode?: RateLimitFailMode | undefined;
  /** Prepended to every key, e.g. to share one store between apps. Default `'rl:'`. */
  readonly prefix?: string | undefined;
  readonly clock?: (() => number) | undefined;
}

/** A limiter over any store; every call is one store round trip. */
export interface RateLimiter {
  /** Decides for `key`. Never rejects: an outage is a result with `store_unavailable`. */
  limit(key: string, options?: RateLimitCallOptions): Promise<RateLimitResult>;
  /** Forgets `key` (when the store supports it). */
  reset(key: string): Promise<void>;
  readonly policy: CompiledRateLimitPolicy;
}

/**
 * The result of a decision the kernel wrote into `cell` (memory store paths).
 * @internal
 */
export function resultFromCell(cell: KernelCell, policy: CompiledRateLimitPolicy): RateLimitResult {
  return {
    allowed: cell.allowed,
    limit: policy.limit,
    remaining: cell.remaining,
    resetAt: cell.resetAt,
    retryAfterMs: cell.retryAfterMs,
    reason: cell.allowed ? 'within_limit' : 'rate_limited',
    policy: policy.name,
    windowMs: policy.windowMs,
  };
}

/** Checks a per-request cost; undefined when it is fine. */
function checkCost(cost: number, policy: CompiledRateLimitPolicy): RateLimitReason | undefined {
  if (typeof cost !== 'number' || !Number.isFinite(cost) || cost < 0) return 'invalid_cost';
  const cap =
    policy.algorithm === 'token-bucket' || policy.algorithm === 'gcra'
      ? policy.burst
      : policy.limit;
  return cost > cap ? 'cost_exceeds_limit' : undefined;
}

function denyWithout(
  policy: CompiledRateLimitPolicy,
  reason: RateLimitReason,
  now: number,
): RateLimitResult {
  return {
    allowed: false,
    limit: policy.limit,
    remaining: 0,
    resetAt: now,
    retryAfterMs: Number.POSITIVE_INFINITY,
    reason,
    policy: policy.name,
    windowMs: policy.windowMs,
  };
}

/** The result the declared fail mode gives when the store cannot answer. */
export function storeUnavailableResult(
  policy: CompiledRateLimitPolicy,
  failMode: RateLimitFailMode,
  now: number,
): RateLimitResult {
  return {
    allowed: failMode === 'open',
    limit: policy.limit,
    remaining: failMode === 'open' ? policy.limit : 0,
    resetAt: now + policy.windowMs,
    retryAfterMs: failMode === 'open' ? 0 : 1000,
    reason: 'store_unavailable',
    policy: policy.name,
    windowMs: policy.windowMs,
  };
}

function checkFailMode(failMode: unknown): RateLimitFailMode {
  if (failMode === undefined) return 'open';
  if (failMode !== 'open' && failMode !== 'closed') {
    throw new TypeError(`rate limiter: failMode must be 'open' or 'closed'.`);
  }
  return failMode;
}

/**
 * A rate limiter for one policy over a store (memory by default, @jaf-sec/redis for
 * more than one process). Results are values, never thrown; a store that rejects gives
 * the declared fail mode with reason `store_unavailable`, never "rate limited".
 *
 * Reasons: `within_limit`, `rate_limited`, `cost_exceeds_limit`, `invalid_cost`,
 * `store_unavailable`.
 *
 * @throws TypeError at construction when the policy or fail mode is invalid.
 * @example
 * ```ts
 * const limiter = createRateLimiter({ name: 'chat', policy: { limit: 20, windowMs: 60_000 } });
 * const r = await limiter.limit(`user:${userId}`);
 * if (!r.allowed) return new Response('Too many requests', { status: 429 });
 * ```
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const policy = compileRateLimitPolicy(options.name ?? 'default', options.policy);
  const store = options.store ?? createMemoryRateLimitStore();
  if (typeof store.consume !== 'function') {
    throw new TypeError('createRateLimiter: store must implement consume(request).');
  }
  const failMode = checkFailMode(options.failMode);
  const prefix = options.prefix ?? 'rl:';
  // A memory store this limiter made itself is shared with no one, so its keys need no
  // prefix: skipping it saves building (and hashing) a new string on every decision.
  const storePrefix = options.store === undefined ? '' : prefix;
  const clock = options.clock ?? Date.now;

  // The in-memory store decides synchronously: skip the store's promise and the async
  // function machinery, and hand back one already-resolved promise.
  const memory =
    typeof (store as MemoryRateLimitStore).consumeInto === 'function'
      ? (store as MemoryRateLimitStore)
      : undefined;
  const cell = createKernelCell();
  const algorithm = ALGORITHM_ID[policy.algorithm];

  function limit(key: string, call?: RateLimitCallOptions): Promise<RateLimitResult> {
    if (!memory) return limitInStore(key, call);
    // The synchronous limiter's fast path: the clock read directly, the full option checks
    // (and their error) only for a time outside the valid range or a cost other than 1.
    let now = call?.now;
    if (now === undefined) now = clock();
    if (typeof now !== 'number' || !(now >= 0 && now <= TIME_MS.max)) {
      now = callTime('limit', now, clock);
    }
    const cost = call?.cost ?? 1;
    if (cost !== 1) {
      const bad = checkCost(cost, policy);
      if (bad) return Promise.resolve(denyWithout(policy, bad, now));
    }
    memory.consumeInto(
      storePrefix === '' ? key : storePrefix + key,
      algorithm,
      policy.limit,
      policy.windowMs,
      policy.burst,
      cost,
      now,
      cell,
    );
    return Promise.resolve(resultFromCell(cell, policy));
  }

  function limitInStore(key: string, call?: RateLimitCallOptions): Promise<RateLimitResult> {
    const now = callTime('limit', call?.now, clock);
    const cost = call?.cost ?? 1;
    const bad = checkCost(cost, policy);
    if (bad) return Promise.resolve(denyWithout(policy, bad, now));
    let pending: Promise<RateLimitStoreResponse>;
    try {
      pending = store.consume({
        key: `${prefix}${key}`,
        algorithm: policy.algorithm,
        limit: policy.limit,
        windowMs: policy.windowMs,
        burst: policy.burst,
        cost,
        now,
      });
    } catch {
      // A store that throws instead of rejecting is an outage all the same.
      return Promise.resolve(storeUnavailableResult(policy, failMode, now));
    }
    return pending.then(
      (r): RateLimitResult => ({
        allowed: r.allowed,
        limit: policy.limit,
        remaining: r.remaining,
        resetAt: r.resetAt,
        retryAfterMs: r.retryAfterMs,
        reason: r.allowed ? 'within_limit' : 'rate_limited',
        policy: policy.name,
        windowMs: policy.windowMs,
      }),
      () => storeUnavailableResult(policy, failMode, now),
    );
  }

  return {
    limit,
    async reset(key: string) {
      try {
        await store.reset?.(memory ? storePrefix + key : `${prefix}${key}`);
      } catch {
        // A reset that fails leaves the old count, which only errs on the strict side.
      }
    },
    policy,
  };
}

/** Options of {@link createMemoryRateLimiter}. */
export interface MemoryRateLimiterOptions {
  readonly policy: RateLimitPolicy;
  readonly name?: string | undefined;
  /** Cap on keys. Default 100,000. Ignored when `store` is given. */
  readonly maxKeys?: number | undefined;
  /** Share a memory store between limiters (keys must then differ, e.g. by prefix). */
  readonly store?: MemoryRateLimitStore | undefined;
  readonly prefix?: string | undefined;
  readonly clock?: (() => number) | undefined;
}

/** A synchronous limiter over the in-memory store. */
export interface MemoryRateLimiter {
  limit(key: string, options?: RateLimitCallOptions): RateLimitResult;
  reset(key: string): void;
  readonly policy: CompiledRateLimitPolicy;
  readonly store: MemoryRateLimitStore;
}

/**
 * A synchronous, single-process limiter: the whole decision is a Map lookup and a few
 * arithmetic operations, with no promise. Use it where one process decides (a single
 * server, a worker); use {@link createRateLimiter} with a Redis store past that.
 *
 * @example
 * ```ts
 * const limiter = createMemoryRateLimiter({ policy: { limit: 100, windowMs: 60_000 } });
 * if (!limiter.limit(ip).allowed) reply(429);
 * ```
 */
export function createMemoryRateLimiter(options: MemoryRateLimiterOptions): MemoryRateLimiter {
  const policy = compileRateLimitPolicy(options.name ?? 'default', options.policy);
  const store = options.store ?? createMemoryRateLimitStore({ maxKeys: options.maxKeys });
  const clock = options.clock;
  const prefix = options.prefix ?? '';
  const cell = createKernelCell();
  const algorithm = ALGORITHM_ID[policy.algorithm];
  const { limit: max, windowMs, burst } = policy;

  function limit(key: string, call?: RateLimitCallOptions): RateLimitResult {
    let now: number | undefined;
    let cost = 1;
    if (call !== undefined) {
      now = call.now ?? undefined;
      cost = call.cost ?? 1;
    }
    // Date.now called directly (not through a variable) when no clock is injected.
    if (now === undefined) now = clock === undefined ? Date.now() : clock();
    // A NaN or infinite time would poison the bucket arithmetic: refused (a caller bug).
    if (typeof now !== 'number' || !(now >= 0 && now <= TIME_MS.max)) {
      now = callTime('limit', now, Date.now);
    }
    if (cost !== 1) {
      const bad = checkCost(cost, policy);
      if (bad) return denyWithout(policy, bad, now);
    }
    store.consumeInto(
      prefix === '' ? key : prefix + key,
      algorithm,
      max,
      windowMs,
      burst,
      cost,
      now,
      cell,
    );
    return resultFromCell(cell, policy);
  }

  return {
    limit,
    reset(key: string) {
      void store.reset?.(prefix + key);
    },
    policy,
    store,
  };
}
