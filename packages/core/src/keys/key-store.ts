/** What a {@link KeyStore} holds for one API key. Never the key itself: its hash. */
export interface ApiKeyRecord {
  /** Public identifier, safe to log and show (for listing, revoking, rotating). */
  readonly id: string;
  /** Lower-case hex hash from an {@link ApiKeyHasher}; the lookup index. */
  readonly hash: string;
  /** Who the key acts for; becomes the principal id. */
  readonly owner: string;
  /** Granted permissions, wildcards allowed (`chat:*`). */
  readonly scopes: readonly string[];
  readonly prefix: string;
  readonly environment: string;
  /** Safe to display: prefix, environment and the last 4 characters. */
  readonly hint: string;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
  /** The key is refused from this instant on (ms since the epoch); undefined: never expires. */
  readonly expiresAt?: number | undefined;
  /** Set once the key is revoked (ms since the epoch). */
  readonly revokedAt?: number | undefined;
  /** Uses left; undefined: unlimited. */
  readonly remainingUses?: number | undefined;
  /** Successful verifications so far. */
  readonly usageCount: number;
  /** Time of the last successful verification (ms since the epoch). */
  readonly lastUsedAt?: number | undefined;
  /** The id of the key this one replaced through rotation. */
  readonly rotatedFrom?: string | undefined;
  /** Application data (client name, plan...), returned on verification. */
  readonly metadata?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * The outcome of {@link KeyStore.recordUse}: `OK` when a use was consumed, otherwise why
 * not. The store decides this atomically with the update.
 */
export type ApiKeyUseOutcome = 'OK' | 'NOT_FOUND' | 'REVOKED' | 'EXPIRED' | 'USAGE_EXCEEDED';

/** What {@link KeyStore.recordUse} reports. */
export interface ApiKeyUse {
  readonly outcome: ApiKeyUseOutcome;
  /** The usage count after this use (unchanged unless `OK`). */
  readonly usageCount: number;
  /** Uses left after this use; undefined when unlimited. */
  readonly remainingUses: number | undefined;
  /**
   * The record as it stands after this call (undefined when `NOT_FOUND`). Optional, but a
   * store that returns it with `OK` lets verification without scope checks finish in one
   * round trip; otherwise the verifier reads it with `findByHash` afterwards.
   */
  readonly record?: ApiKeyRecord | undefined;
}

/**
 * Where API key records live. Every method is async so a database or Redis fits; the
 * in-memory default is {@link createMemoryKeyStore}. Times are passed in, never read.
 */
export interface KeyStore {
  /** Inserts or replaces the record stored under `record.hash`. */
  put(record: ApiKeyRecord, now: number): Promise<void>;
  /** The record with exactly this hash, or undefined. */
  findByHash(hash: string, now: number): Promise<ApiKeyRecord | undefined>;
  /** The record with this id, or undefined. */
  findById(id: string, now: number): Promise<ApiKeyRecord | undefined>;
  /**
   * Consumes one use, ATOMICALLY (one Lua script on Redis, one UPDATE ... WHERE in SQL):
   * if the record exists, is not revoked, not expired at `now` (`expiresAt <= now`) and
   * has `remainingUses` undefined or above 0, then decrement `remainingUses` (when
   * defined), increment `usageCount`, set `lastUsedAt = now` and report `OK`; otherwise
   * change nothing and report why. Two concurrent calls on a key with one use left must
   * yield one `OK` and one `USAGE_EXCEEDED`. Should return the updated record with the
   * outcome (see {@link ApiKeyUse.record}).
   */
  recordUse(hash: string, now: number): Promise<ApiKeyUse>;
  /** Marks the key revoked at `now`; false when no such id. Idempotent. */
  revoke(id: string, now: number): Promise<boolean>;
  /**
   * Moves the expiry earlier, atomically: `expiresAt = min(expiresAt ?? Infinity, at)`.
   * Used for rotation overlaps. False when no such id.
   */
  expire(id: string, at: number, now: number): Promise<boolean>;
}
