import {
  ALGORITHM_ID,
  createKernelCell,
  type KernelCell,
  runKernel,
  tokenBucketAt,
} from './algorithms.js';
import type { RateLimitStore, RateLimitStoreRequest, RateLimitStoreResponse } from './types.js';

/** Options of {@link createMemoryRateLimitStore}. */
export interface MemoryRateLimitStoreOptions {
  /** Hard cap on keys held. Default 100,000. */
  readonly maxKeys?: number | undefined;
}

/** The in-memory store, which can also decide synchronously. */
export interface MemoryRateLimitStore extends RateLimitStore {
  /**
   * Decides synchronously, writing the outcome into `out` (so a hot loop allocates
   * nothing). Same arithmetic and atomicity as `consume`.
   */
  consumeInto(
    key: string,
    algorithm: number,
    limit: number,
    windowMs: number,
    burst: number,
    cost: number,
    now: number,
    out: KernelCell,
  ): void;
  /** Keys currently held (live or expired but not yet reused). */
  readonly size: number;
  /** Live keys pushed out to stay under the cap. */
  readonly evicted: number;
  /** The cap. */
  readonly maxKeys: number;
}

// How many slots one eviction looks at: like Redis' approximated LRU, a small sample
// finds an expired (or nearly expired) slot without scanning the whole table.
const EVICTION_SAMPLE = 8;
const INITIAL_SLOTS = 1024;

/**
 * State lives in one typed array, four numbers per slot (3 of algorithm state, 1 expiry:
 * 32 bytes, one cache line's worth read per decision), and a Map<string, slot> finds the
 * slot. An object per key would cost 50-100 bytes more and burden the GC. Expired slots
 * are reused when the table is full; otherwise the sampled slot closest to expiry is
 * evicted.
 */
class SlotTable {
  readonly max: number;
  readonly index = new Map<string, number>();
  keys: string[] = [];
  /** [a, b, c, expiresAt] per slot. */
  state: Float64Array;
  used = 0;
  hand = 0;
  evicted = 0;

  constructor(max: number) {
    this.max = max;
    this.state = new Float64Array(Math.min(max, INITIAL_SLOTS) * 4);
  }

  #grow(): void {
    const next = new Float64Array(Math.min(this.max, (this.state.length / 4) * 2) * 4);
    next.set(this.state);
    this.state = next;
  }

  /** A slot for a new key: a fresh one while under the cap, else a sampled victim. */
  allocate(key: string, now: number): number {
    let slot: number;
    if (this.used < this.max) {
      if (this.used * 4 === this.state.length) this.#grow();
      slot = this.used++;
      this.keys.push(key);
    } else {
      const state = this.state;
      slot = this.hand;
      let best = state[slot * 4 + 3]!;
      for (let i = 1; i < EVICTION_SAMPLE && best > now; i++) {
        const s = (this.hand + i) % this.max;
        const e = state[s * 4 + 3]!;
        if (e < best) {
          best = e;
          slot = s;
        }
      }
      this.hand = (slot + 1) % this.max;
      if (best > now) this.evicted++;
      this.index.delete(this.keys[slot]!);
      this.keys[slot] = key;
    }
    this.index.set(key, slot);
    return slot;
  }
}

/**
 * The bounded in-memory rate-limit store: no timers, a cap on keys, about 32 bytes of
 * state per key plus the Map entry (bench/ratelimit.bench.ts measures the total). Per
 * process only: N processes each keep their own counts, so use @jaf-sec/redis past one.
 *
 * @throws RangeError when `maxKeys` is not a positive integer.
 * @example
 * ```ts
 * const store = createMemoryRateLimitStore({ maxKeys: 50_000 });
 * const limiter = createRateLimiter({ policy: { limit: 20, windowMs: 60_000 }, store, failMode: 'open' });
 * ```
 */
export function createMemoryRateLimitStore(
  options: MemoryRateLimitStoreOptions = {},
): MemoryRateLimitStore {
  const max = options.maxKeys ?? 100_000;
  if (!Number.isInteger(max) || max < 1) {
    throw new RangeError(
      `createMemoryRateLimitStore: maxKeys must be a positive integer, got ${String(max)}.`,
    );
  }
  const table = new SlotTable(max);
  const scratch = createKernelCell();

  function consumeInto(
    key: string,
    algorithm: number,
    limit: number,
    windowMs: number,
    burst: number,
    cost: number,
    now: number,
    out: KernelCell,
  ): void {
    let slot = table.index.get(key);
    let fresh = false;
    if (slot === undefined) {
      slot = table.allocate(key, now);
      fresh = true;
    }
    const state = table.state;
    const at = slot * 4;
    if (!fresh && state[at + 3]! <= now) fresh = true;
    if (algorithm === 0) {
      // The default algorithm straight on the slot: no copy through the cell, no dispatch.
      tokenBucketAt(state, at, fresh, limit, windowMs, burst, cost, now, out);
      return;
    }
    if (!fresh) {
      out.a = state[at]!;
      out.b = state[at + 1]!;
      out.c = state[at + 2]!;
    }
    runKernel(algorithm, out, fresh, limit, windowMs, burst, cost, now);
    state[at] = out.a;
    state[at + 1] = out.b;
    state[at + 2] = out.c;
    state[at + 3] = out.expiresAt;
  }

  return {
    consumeInto,
    consume(request: RateLimitStoreRequest): Promise<RateLimitStoreResponse> {
      consumeInto(
        request.key,
        ALGORITHM_ID[request.algorithm],
        request.limit,
        request.windowMs,
        request.burst,
        request.cost,
        request.now,
        scratch,
      );
      return Promise.resolve({
        allowed: scratch.allowed,
        remaining: scratch.remaining,
        resetAt: scratch.resetAt,
        retryAfterMs: scratch.retryAfterMs,
      });
    },
    reset(key: string): Promise<void> {
      const slot = table.index.get(key);
      if (slot !== undefined) table.state[slot * 4 + 3] = 0;
      return Promise.resolve();
    },
    get size() {
      return table.index.size;
    },
    get evicted() {
      return table.evicted;
    },
    maxKeys: max,
  };
}
