// The four rate-limit algorithms as pure arithmetic over a tiny state (at most three
// numbers), `state in -> state out`, time injected. The same arithmetic is written in Lua
// in @jaf-sec/redis; the two are kept in step by shared tests.
//
// Clock steps backwards never grant capacity: every algorithm clamps `now` to the latest
// time its state has seen, so a clock that jumps back behaves as if time stood still until
// it catches up again.

/** Which arithmetic decides. */
export type RateLimitAlgorithm = 'token-bucket' | 'gcra' | 'sliding-window' | 'fixed-window';

/** The numbers an algorithm needs, fixed per policy. */
export interface RateLimitParams {
  /** Requests (cost units) allowed per window. */
  readonly limit: number;
  /** Window length in milliseconds. */
  readonly windowMs: number;
  /** Token bucket and GCRA: how many may be spent at once. Default `limit`. */
  readonly burst?: number | undefined;
}

/** State of the token bucket: tokens left and when they were counted. */
export interface TokenBucketState {
  readonly tokens: number;
  readonly updatedAt: number;
}
/** State of GCRA: the theoretical arrival time and the latest time seen. */
export interface GcraState {
  readonly tat: number;
  readonly updatedAt: number;
}
/** State of the fixed window: its start and the cost counted in it. */
export interface FixedWindowState {
  readonly windowStart: number;
  readonly count: number;
}
/** State of the sliding window: the current window and the previous window's count. */
export interface SlidingWindowState {
  readonly windowStart: number;
  readonly count: number;
  readonly previous: number;
}

/** What one step decided, plus the state to store and until when it matters. */
export interface RateLimitStep<S> {
  readonly allowed: boolean;
  /** Whole units left after this step. */
  readonly remaining: number;
  /** When the quota is fully restored (ms since epoch, whole ms). */
  readonly resetAt: number;
  /** 0 when allowed; otherwise how long until the same cost would pass (whole ms), Infinity if never. */
  readonly retryAfterMs: number;
  /** After this instant the state equals a fresh one and may be dropped (its TTL). */
  readonly expiresAt: number;
  readonly state: S;
}

/** Numeric ids for the kernel; the Lua scripts use the same numbers. */
export const ALGORITHM_ID: Readonly<Record<RateLimitAlgorithm, number>> = {
  'token-bucket': 0,
  gcra: 1,
  'fixed-window': 2,
  'sliding-window': 3,
};

/**
 * Mutable scratch the kernel reads and writes: the state as three numbers (`a`, `b`, `c`)
 * and the outcome. One per store instance, so deciding allocates nothing.
 * @internal
 */
export interface KernelCell {
  a: number;
  b: number;
  c: number;
  allowed: boolean;
  remaining: number;
  resetAt: number;
  retryAfterMs: number;
  expiresAt: number;
}

/** A fresh kernel cell. @internal */
export const createKernelCell = (): KernelCell => ({
  a: 0,
  b: 0,
  c: 0,
  allowed: false,
  remaining: 0,
  resetAt: 0,
  retryAfterMs: 0,
  expiresAt: 0,
});

// Floating-point slack when comparing token counts: refills are fractional and a request
// that is due must not be refused for a rounding error of 1e-12 tokens.
const EPSILON = 1e-9;

/**
 * One decision of `algorithm` over the state in `cell` (ignored when `fresh`), writing the
 * new state and the outcome back into `cell`. `cost` must be a finite number >= 0.
 * @internal
 */
export function runKernel(
  algorithm: number,
  cell: KernelCell,
  fresh: boolean,
  limit: number,
  windowMs: number,
  burst: number,
  cost: number,
  now: number,
): void {
  if (algorithm === 0) tokenBucket(cell, fresh, limit, windowMs, burst, cost, now);
  else if (algorithm === 1) gcra(cell, fresh, limit, windowMs, burst, cost, now);
  else if (algorithm === 2) fixedWindow(cell, fresh, limit, windowMs, cost, now);
  else slidingWindow(cell, fresh, limit, windowMs, cost, now);
}

// One scratch slot so the cell-based kernel runs the same arithmetic as the slot-based one.
const TOKEN_SCRATCH = new Float64Array(4);

function tokenBucket(
  s: KernelCell,
  fresh: boolean,
  limit: number,
  windowMs: number,
  capacity: number,
  cost: number,
  now: number,
): void {
  TOKEN_SCRATCH[0] = s.a;
  TOKEN_SCRATCH[1] = s.b;
  tokenBucketAt(TOKEN_SCRATCH, 0, fresh, limit, windowMs, capacity, cost, now, s);
  s.a = TOKEN_SCRATCH[0]!;
  s.b = TOKEN_SCRATCH[1]!;
}

/**
 * The token bucket over a slot of a state array (`[tokens, updatedAt, unused, expiresAt]`
 * at `at`), reading and writing the slot directly: the memory store's hot path, and the
 * only copy of the token-bucket arithmetic (the cell-based kernel runs it on a scratch
 * slot). Writes the outcome into `out` (its `a`, `b`, `c` are left alone).
 * @internal
 */
export function tokenBucketAt(
  state: Float64Array,
  at: number,
  fresh: boolean,
  limit: number,
  windowMs: number,
  capacity: number,
  cost: number,
  now: number,
  out: KernelCell,
): void {
  const rate = limit / windowMs; // tokens per ms
  let tokens = capacity;
  let t = now;
  if (!fresh) {
    tokens = state[at]!;
    t = state[at + 1]!;
    if (now > t) {
      tokens = Math.min(capacity, tokens + (now - t) * rate);
      t = now;
    }
  }
  if (cost <= tokens + EPSILON) {
    tokens = Math.max(0, tokens - cost);
    out.allowed = true;
    out.retryAfterMs = 0;
  } else {
    out.allowed = false;
    out.retryAfterMs = cost > capacity ? Infinity : Math.ceil((cost - tokens) / rate);
  }
  const resetAt = t + Math.ceil((capacity - tokens) / rate);
  state[at] = tokens;
  state[at + 1] = t;
  state[at + 3] = resetAt;
  out.remaining = Math.floor(tokens + EPSILON);
  out.resetAt = resetAt;
  out.expiresAt = resetAt;
}

function gcra(
  s: KernelCell,
  fresh: boolean,
  limit: number,
  windowMs: number,
  burst: number,
  cost: number,
  now: number,
): void {
  const interval = windowMs / limit; // emission interval: ms per unit
  const span = burst * interval;
  let tat = now;
  let seen = now;
  if (!fresh) {
    tat = s.a;
    seen = Math.max(s.b, now);
  }
  const base = Math.max(tat, seen);
  const next = base + cost * interval;
  const allowAt = next - span;
  if (allowAt <= seen + EPSILON) {
    tat = next;
    s.allowed = true;
    s.retryAfterMs = 0;
  } else {
    tat = base;
    s.allowed = false;
    s.retryAfterMs = cost > burst ? Infinity : Math.ceil(allowAt - seen);
  }
  s.a = tat;
  s.b = seen;
  const left = (span - (tat - seen)) / interval;
  s.remaining = left <= 0 ? 0 : Math.floor(left + EPSILON);
  s.resetAt = Math.ceil(Math.max(tat, seen));
  s.expiresAt = s.resetAt;
}

function fixedWindow(
  s: KernelCell,
  fresh: boolean,
  limit: number,
  windowMs: number,
  cost: number,
  now: number,
): void {
  const current = Math.floor(now / windowMs) * windowMs;
  let start = current;
  let count = 0;
  if (!fresh && s.a >= current) {
    // Same window, or the clock stepped back into an earlier one: keep counting.
    start = s.a;
    count = s.b;
  }
  const end = start + windowMs;
  if (count + cost <= limit) {
    count += cost;
    s.allowed = true;
    s.retryAfterMs = 0;
  } else {
    s.allowed = false;
    s.retryAfterMs = cost > limit ? Infinity : Math.ceil(end - Math.max(now, start));
  }
  s.a = start;
  s.b = count;
  s.remaining = limit - count > 0 ? Math.floor(limit - count) : 0;
  s.resetAt = end;
  s.expiresAt = end;
}

function slidingWindow(
  s: KernelCell,
  fresh: boolean,
  limit: number,
  windowMs: number,
  cost: number,
  now: number,
): void {
  const current = Math.floor(now / windowMs) * windowMs;
  let start = current;
  let count = 0;
  let previous = 0;
  if (!fresh) {
    if (s.a >= current) {
      start = s.a;
      count = s.b;
      previous = s.c;
    } else if (s.a === current - windowMs) {
      previous = s.b;
    }
  }
  const at = Math.max(now, start);
  const weight = (windowMs - (at - start)) / windowMs;
  const used = previous * weight + count;
  if (used + cost <= limit + EPSILON) {
    count += cost;
    s.allowed = true;
    s.retryAfterMs = 0;
  } else {
    s.allowed = false;
    if (cost > limit) s.retryAfterMs = Infinity;
    else {
      const room = limit - count - cost; // what the previous window's share must fall to
      const waitUntil =
        room >= 0 && previous > 0
          ? start + windowMs - (room * windowMs) / previous
          : start + windowMs;
      s.retryAfterMs = Math.max(1, Math.ceil(waitUntil - at));
    }
  }
  s.a = start;
  s.b = count;
  s.c = previous;
  const left = limit - (previous * weight + count);
  s.remaining = left <= 0 ? 0 : Math.floor(left + EPSILON);
  s.resetAt = start + windowMs;
  s.expiresAt = start + 2 * windowMs;
}

function step<S>(
  algorithm: RateLimitAlgorithm,
  load: (cell: KernelCell) => void,
  fresh: boolean,
  params: RateLimitParams,
  cost: number,
  now: number,
  save: (cell: KernelCell) => S,
): RateLimitStep<S> {
  const cell = createKernelCell();
  if (!fresh) load(cell);
  runKernel(
    ALGORITHM_ID[algorithm],
    cell,
    fresh,
    params.limit,
    params.windowMs,
    params.burst ?? params.limit,
    cost,
    now,
  );
  return {
    allowed: cell.allowed,
    remaining: cell.remaining,
    resetAt: cell.resetAt,
    retryAfterMs: cell.retryAfterMs,
    expiresAt: cell.expiresAt,
    state: save(cell),
  };
}

/**
 * The token bucket (the seed guide's algorithm): `burst` tokens (default `limit`),
 * refilled continuously at `limit` per `windowMs`; a request spends `cost` tokens.
 *
 * @param state - the stored state, or undefined for a new key.
 * @returns the decision and the state to store (a denied request spends nothing).
 * @example
 * ```ts
 * let s: TokenBucketState | undefined;
 * const r = consumeTokenBucket(s, { limit: 20, windowMs: 60_000 }, 1, Date.now());
 * s = r.state;
 * ```
 */
export function consumeTokenBucket(
  state: TokenBucketState | undefined,
  params: RateLimitParams,
  cost: number,
  now: number,
): RateLimitStep<TokenBucketState> {
  return step(
    'token-bucket',
    (c) => {
      c.a = state!.tokens;
      c.b = state!.updatedAt;
    },
    state === undefined,
    params,
    cost,
    now,
    (c) => ({ tokens: c.a, updatedAt: c.b }),
  );
}

/**
 * GCRA (the generic cell rate algorithm): the token bucket's behaviour kept as one
 * timestamp, the theoretical arrival time. Allows `burst` at once, then one unit every
 * `windowMs / limit` ms.
 *
 * @example
 * ```ts
 * const r = consumeGcra(undefined, { limit: 100, windowMs: 60_000 }, 1, Date.now());
 * ```
 */
export function consumeGcra(
  state: GcraState | undefined,
  params: RateLimitParams,
  cost: number,
  now: number,
): RateLimitStep<GcraState> {
  return step(
    'gcra',
    (c) => {
      c.a = state!.tat;
      c.b = state!.updatedAt;
    },
    state === undefined,
    params,
    cost,
    now,
    (c) => ({ tat: c.a, updatedAt: c.b }),
  );
}

/**
 * Fixed window: at most `limit` per window aligned to the epoch (so every process agrees
 * on the boundaries). Simple, but allows up to twice the limit across a boundary.
 *
 * @example
 * ```ts
 * const r = consumeFixedWindow(undefined, { limit: 5, windowMs: 300_000 }, 1, Date.now());
 * ```
 */
export function consumeFixedWindow(
  state: FixedWindowState | undefined,
  params: RateLimitParams,
  cost: number,
  now: number,
): RateLimitStep<FixedWindowState> {
  return step(
    'fixed-window',
    (c) => {
      c.a = state!.windowStart;
      c.b = state!.count;
    },
    state === undefined,
    params,
    cost,
    now,
    (c) => ({ windowStart: c.a, count: c.b }),
  );
}

/**
 * Sliding window (two-window approximation): the previous window's count weighted by how
 * much of it still overlaps the last `windowMs`, plus the current window's count.
 *
 * @example
 * ```ts
 * const r = consumeSlidingWindow(undefined, { limit: 100, windowMs: 60_000 }, 1, Date.now());
 * ```
 */
export function consumeSlidingWindow(
  state: SlidingWindowState | undefined,
  params: RateLimitParams,
  cost: number,
  now: number,
): RateLimitStep<SlidingWindowState> {
  return step(
    'sliding-window',
    (c) => {
      c.a = state!.windowStart;
      c.b = state!.count;
      c.c = state!.previous;
    },
    state === undefined,
    params,
    cost,
    now,
    (c) => ({ windowStart: c.a, count: c.b, previous: c.c }),
  );
}
