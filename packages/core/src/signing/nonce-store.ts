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

/** The client-safe message of `NONCE_STORE_UNAVAILABLE`. @internal */
export const NONCE_STORE_MESSAGE = 'Replay protection is unavailable; the message was refused.';

/** What a verifier learns from its store about one nonce. */
export type NonceCheck = 'fresh' | 'replayed' | 'unavailable';

/**
 * Asks `store` to remember `key`, turning a store that rejects or throws (Redis down, a
 * full memory store) into `'unavailable'`, so a verifier answers with a code, fails closed,
 * and never throws on it.
 * @internal
 */
export async function checkNonce(
  store: NonceStore,
  key: string,
  expiresAt: number,
  now: number,
): Promise<NonceCheck> {
  try {
    return (await store.remember(key, expiresAt, now)) ? 'fresh' : 'replayed';
  } catch {
    return 'unavailable';
  }
}

/** Raised (as a rejection) by a memory nonce store that is full of live nonces. */
export class NonceStoreFullError extends Error {
  readonly code = 'NONCE_STORE_FULL';
  constructor(maxEntries: number) {
    super(
      `Nonce store is full (${maxEntries} live entries); raise maxEntries or use @jaf-sec/redis.`,
    );
    this.name = 'NonceStoreFullError';
  }
}

/** Options of {@link createMemoryNonceStore}. */
export interface MemoryNonceStoreOptions {
  /**
   * Most nonces held at once; default 100,000. Make it larger than the number of signed
   * messages you accept within one replay window.
   */
  readonly maxEntries?: number | undefined;
  /**
   * When every entry is still live: `'refuse'` (default) rejects the new nonce with
   * {@link NonceStoreFullError}, so verifiers refuse the message with
   * `NONCE_STORE_UNAVAILABLE` (fails closed, visible); `'evict-oldest'` drops the oldest
   * live nonce, whose replay would then no longer be caught (counted in `evicted`).
   */
  readonly whenFull?: 'refuse' | 'evict-oldest' | undefined;
}

/** The in-memory NonceStore, with counters for a store that ran full. */
export interface MemoryNonceStore extends NonceStore {
  /** Nonces currently held (expired ones included until they are swept on write). */
  readonly size: number;
  /** Live nonces dropped because the store was full (`whenFull: 'evict-oldest'`). */
  readonly evicted: number;
  /** New nonces refused because the store was full (`whenFull: 'refuse'`): should stay 0. */
  readonly refused: number;
}

/**
 * A bounded in-memory NonceStore for one process: expiry is stored with each entry, no
 * timers (safe on serverless), and a hard cap on entries. Full of live nonces, it refuses
 * new ones rather than forget one that a replay could reuse (see `whenFull`).
 *
 * @param options - `maxEntries` (default 100,000), `whenFull` (default `'refuse'`).
 * @returns a store for `createRequestVerifier`, `createWebhookVerifier` and `verifyLegacySignature`.
 * @throws RangeError when `maxEntries` is not a positive integer; TypeError on a bad `whenFull`.
 * @example
 * ```ts
 * const nonces = createMemoryNonceStore({ maxEntries: 50_000 });
 * await nonces.remember('key-1:n-123', Date.now() + 300_000, Date.now()); // true
 * await nonces.remember('key-1:n-123', Date.now() + 300_000, Date.now()); // false: replay
 * ```
 */
export function createMemoryNonceStore(options?: MemoryNonceStoreOptions): MemoryNonceStore {
  const max = options?.maxEntries ?? 100_000;
  const map = new BoundedMap<true>(max);
  const whenFull = options?.whenFull ?? 'refuse';
  if (whenFull !== 'refuse' && whenFull !== 'evict-oldest') {
    throw new TypeError("createMemoryNonceStore: whenFull must be 'refuse' or 'evict-oldest'.");
  }
  let refused = 0;
  return {
    remember(key, expiresAt, now) {
      if (map.get(key, now) !== undefined) return Promise.resolve(false);
      if (expiresAt > now) {
        if (whenFull === 'evict-oldest') map.set(key, true, expiresAt, now);
        else if (!map.trySet(key, true, expiresAt, now)) {
          refused++;
          return Promise.reject(new NonceStoreFullError(max));
        }
      }
      return Promise.resolve(true);
    },
    get size() {
      return map.size;
    },
    get evicted() {
      return map.evicted;
    },
    get refused() {
      return refused;
    },
  };
}
