import { BoundedMap } from '../internal/bounded-map.js';

/** One call counter: at most `limit` calls, counted until `expiresAt` (ms since the epoch). */
export interface CallCounter {
  readonly key: string;
  /**
   * The same for every counter of one `consume` (the chain's first budget): a shared store
   * keeps them together (one Redis Cluster hash slot).
   */
  readonly group: string;
  readonly limit: number;
  readonly expiresAt: number;
}

/**
 * Counts tool calls made under capability tokens. `@jaf-sec/redis` can implement it for
 * more than one process.
 */
export interface CapabilityCallStore {
  /**
   * Atomically: when every counter is below its limit, adds one to each and resolves true;
   * otherwise changes nothing and resolves false. A counter is forgotten at its `expiresAt`.
   */
  consume(counters: readonly CallCounter[], now: number): Promise<boolean>;
}

/** Raised (as a rejection) by a memory call store full of live counters. */
export class CallStoreFullError extends Error {
  readonly code = 'CALL_STORE_FULL';
  constructor(maxEntries: number) {
    super(
      `Capability call store is full (${maxEntries} live counters); raise maxEntries or use a shared store.`,
    );
    this.name = 'CallStoreFullError';
  }
}

/** Options of {@link createMemoryCallStore}. */
export interface MemoryCallStoreOptions {
  /** Most counters held at once; default 100,000. A full store refuses (fails closed). */
  readonly maxEntries?: number | undefined;
}

/** The in-memory {@link CapabilityCallStore}. */
export interface MemoryCallStore extends CapabilityCallStore {
  /** Counters held (expired ones included until swept). */
  readonly size: number;
}

/**
 * A bounded in-memory call store for one process: no timers, expiry kept with each counter.
 * Full of live counters, it rejects rather than forget a count (a forgotten count would
 * hand out calls again), so the call is refused with `CAPABILITY_STORE_UNAVAILABLE`.
 *
 * @param options - `maxEntries` (default 100,000).
 * @throws RangeError when `maxEntries` is not a positive integer.
 * @example
 * ```ts
 * const calls = createMemoryCallStore({ maxEntries: 10_000 });
 * const verifier = createCapabilityVerifier({ keys: [key], calls });
 * ```
 */
export function createMemoryCallStore(options?: MemoryCallStoreOptions): MemoryCallStore {
  const max = options?.maxEntries ?? 100_000;
  const map = new BoundedMap<number>(max);
  return {
    consume(counters, now) {
      // Synchronous from check to write, so concurrent calls cannot both take the last one.
      for (const c of counters)
        if ((map.get(c.key, now) ?? 0) >= c.limit) return Promise.resolve(false);
      // Room for the new counters first, so a full store changes nothing (all or none).
      const added: string[] = [];
      for (const c of counters) {
        if (map.get(c.key, now) !== undefined) continue;
        if (!map.trySet(c.key, 0, c.expiresAt, now)) {
          for (const key of added) map.delete(key);
          return Promise.reject(new CallStoreFullError(max));
        }
        added.push(c.key);
      }
      for (const c of counters) {
        map.set(
          c.key,
          (map.get(c.key, now) ?? 0) + 1,
          map.expiresAt(c.key, now) ?? c.expiresAt,
          now,
        );
      }
      return Promise.resolve(true);
    },
    get size() {
      return map.size;
    },
  };
}
