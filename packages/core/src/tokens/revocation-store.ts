import { BoundedMap } from '../internal/bounded-map.js';

/**
 * Where revoked token ids (`jti`) are kept until the token would have expired anyway.
 * All methods are async so a shared store (Redis, see `@jaf-sec/redis`) fits.
 */
export interface RevocationStore {
  /**
   * Revokes `jti` until `expiresAt` (ms since epoch; the token's `exp` * 1000, or Infinity
   * for a token without `exp`). After that the token is refused as expired anyway.
   */
  revoke(jti: string, expiresAt: number): Promise<void>;
  /** True when `jti` was revoked and the revocation is still live at `now` (ms). */
  isRevoked(jti: string, now: number): Promise<boolean>;
}

/** Options of {@link createMemoryRevocationStore}. */
export interface MemoryRevocationStoreOptions {
  /** Most revocations held at once. Default 10,000. */
  maxEntries?: number;
  /** Clock for pruning when the store is full (ms). Default `Date.now`. */
  clock?: () => number;
}

/**
 * An in-memory {@link RevocationStore} for one process: bounded, expiry stored with each
 * entry, no timers. Unlike a cache it never silently forgets a live revocation: when it
 * is full of live entries, `revoke` rejects (raise `maxEntries` or use a shared store).
 *
 * @param options - `maxEntries` (default 10,000), `clock`.
 * @returns A store to pass as the verifier's `revocation` option.
 * @throws RangeError at construction when `maxEntries` is not a positive integer.
 * @example
 * ```ts
 * const revocation = createMemoryRevocationStore({ maxEntries: 50_000 });
 * const verifier = createTokenVerifier({ keys, revocation });
 * await revocation.revoke(claims.jti, claims.exp * 1000);
 * ```
 */
export function createMemoryRevocationStore(
  options: MemoryRevocationStoreOptions = {},
): RevocationStore {
  const maxEntries = options.maxEntries ?? 10_000;
  const clock = options.clock ?? Date.now;
  const map = new BoundedMap<true>(maxEntries);
  return {
    async revoke(jti, expiresAt) {
      if (typeof jti !== 'string' || jti.length === 0) {
        throw new TypeError('revoke needs the token jti (a non-empty string)');
      }
      if (typeof expiresAt !== 'number' || Number.isNaN(expiresAt)) {
        throw new TypeError('revoke needs expiresAt in ms since the epoch (Infinity for no exp)');
      }
      const now = clock();
      if (expiresAt <= now) return; // the token is already refused as expired
      if (map.size >= maxEntries && map.get(jti, now) === undefined) {
        map.prune(now);
        if (map.size >= maxEntries) {
          throw new RangeError(
            `revocation store is full (${maxEntries} live revocations); raise maxEntries or use a shared store`,
          );
        }
      }
      map.set(jti, true, expiresAt, now);
    },
    async isRevoked(jti, now) {
      return map.get(jti, now) === true;
    },
  };
}
