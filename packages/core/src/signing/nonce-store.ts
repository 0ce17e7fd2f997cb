import { BoundedMap } from '../internal/bounded-map.js';

/**
 * Remembers nonces (and webhook message ids) for as long as a message carrying them could
 * still be accepted, so a replay inside the window is caught. `@jaf-sec/redis` implements
 * it for more than one process.
 */
export interface NonceStore {
  /**
   * Records `key` until `expiresAt` (ms since epoch). Atomic check-and-set.
   *
   * @returns true when the key was new (the message may proceed), false when it was
   * already seen and has not expired (a replay).
   */
  remember(key: string, expiresAt: number, now: number): Promise<boolean>;
}

/** Options of {@link createMemoryNonceStore}. */
export interface MemoryNonceStoreOptions {
  /**
   * Most nonces held at once; default 100,000. Make it larger than the number of signed
   * messages you accept within one replay window: when full of live entries, the oldest is
   * evicted, and a replay of an evicted nonce would no longer be caught.
   */
  readonly maxEntries?: number | undefined;
}

/** The in-memory NonceStore, with the count of live entries evicted to stay bounded. */
export interface MemoryNonceStore extends NonceStore {
  /** Nonces currently held (expired ones included until they are swept on write). */
  readonly size: number;
  /** Live nonces dropped because the store was full: should stay 0; raise `maxEntries` if not. */
  readonly evicted: number;
}

/**
 * A bounded in-memory NonceStore for one process: expiry is stored with each entry, no
 * timers (safe on serverless), and a hard cap on entries.
 *
 * @param options - `maxEntries` (default 100,000).
 * @returns a store for `createRequestVerifier`, `createWebhookVerifier` and `verifyLegacySignature`.
 * @throws RangeError when `maxEntries` is not a positive integer.
 * @example
 * ```ts
 * const nonces = createMemoryNonceStore({ maxEntries: 50_000 });
 * await nonces.remember('key-1:n-123', Date.now() + 300_000, Date.now()); // true
 * await nonces.remember('key-1:n-123', Date.now() + 300_000, Date.now()); // false: replay
 * ```
 */
export function createMemoryNonceStore(options?: MemoryNonceStoreOptions): MemoryNonceStore {
  const map = new BoundedMap<true>(options?.maxEntries ?? 100_000);
  return {
    remember(key, expiresAt, now) {
      if (map.get(key, now) !== undefined) return Promise.resolve(false);
      if (expiresAt > now) map.set(key, true, expiresAt, now);
      return Promise.resolve(true);
    },
    get size() {
      return map.size;
    },
    get evicted() {
      return map.evicted;
    },
  };
}
