import { BoundedMap } from '../internal/bounded-map.js';
import { numberOption } from '../internal/options.js';
import type { ApiKeyRecord, ApiKeyUse, KeyStore } from './key-store.js';

/** Options of {@link createMemoryKeyStore}. */
export interface MemoryKeyStoreOptions {
  /** Cap on stored keys; beyond it the least recently written is dropped. Default 10,000. */
  readonly maxEntries?: number | undefined;
  /**
   * How long an expired key is kept so it reports `API_KEY_EXPIRED` rather than
   * `API_KEY_NOT_FOUND` (ms). Default 7 days.
   */
  readonly retainExpiredMs?: number | undefined;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const DAY = 86_400_000;

const NOT_FOUND: ApiKeyUse = Object.freeze({
  outcome: 'NOT_FOUND',
  usageCount: 0,
  remainingUses: undefined,
  record: undefined,
});

/**
 * A bounded in-memory {@link KeyStore} for one process (tests, development, a single
 * server). No timers: expiry is computed from stored timestamps when an entry is read or
 * room is needed. Use `@jaf-sec/redis` when several processes share keys.
 *
 * @param options - `maxEntries` (default 10,000), `retainExpiredMs` (default 7 days).
 * @returns A KeyStore whose `recordUse` is atomic (JavaScript runs it without interleaving).
 * @throws RangeError / TypeError on invalid options.
 * @example
 * ```ts
 * const store = createMemoryKeyStore({ maxEntries: 1000 });
 * const { key } = await issueApiKey(store, { owner: 'svc-billing', scopes: ['chat:basic'] });
 * ```
 */
export function createMemoryKeyStore(options?: MemoryKeyStoreOptions): KeyStore {
  const maxEntries = options?.maxEntries ?? 10_000;
  const retain = numberOption(
    'createMemoryKeyStore',
    'retainExpiredMs',
    options?.retainExpiredMs,
    7 * DAY,
    { min: 0, unit: 'ms' },
  );
  // Records by hash (the hot lookup) and an index from id to hash. Both maps get the same
  // writes in the same order, so they evict alike; findById still falls back to a scan if
  // the index ever lost an entry its record kept.
  const records = new BoundedMap<Mutable<ApiKeyRecord>>(maxEntries);
  const ids = new BoundedMap<string>(maxEntries);

  const keepUntil = (r: ApiKeyRecord): number =>
    r.expiresAt === undefined ? Number.POSITIVE_INFINITY : r.expiresAt + retain;

  function write(r: Mutable<ApiKeyRecord>, now: number): void {
    const until = keepUntil(r);
    records.set(r.hash, r, until, now);
    ids.set(r.id, r.hash, until, now);
  }

  function entryById(id: string, now: number): Mutable<ApiKeyRecord> | undefined {
    const hash = ids.get(id, now);
    if (hash !== undefined) {
      const r = records.get(hash, now);
      if (r && r.id === id) return r;
    }
    for (const [, r] of records.entries(now)) if (r.id === id) return r;
    return undefined;
  }

  const copy = (r: ApiKeyRecord): ApiKeyRecord => ({ ...r, scopes: r.scopes });

  return {
    async put(record, now) {
      write({ ...record, scopes: Object.freeze([...record.scopes]) }, now);
    },
    async findByHash(hash, now) {
      const r = records.get(hash, now);
      return r ? copy(r) : undefined;
    },
    async findById(id, now) {
      const r = entryById(id, now);
      return r ? copy(r) : undefined;
    },
    async recordUse(hash, now): Promise<ApiKeyUse> {
      const r = records.get(hash, now);
      if (!r) return NOT_FOUND;
      const refuse = (outcome: ApiKeyUse['outcome']): ApiKeyUse => ({
        outcome,
        usageCount: r.usageCount,
        remainingUses: r.remainingUses,
        record: copy(r),
      });
      if (r.revokedAt !== undefined) return refuse('REVOKED');
      if (r.expiresAt !== undefined && r.expiresAt <= now) return refuse('EXPIRED');
      if (r.remainingUses !== undefined) {
        if (r.remainingUses <= 0) return refuse('USAGE_EXCEEDED');
        r.remainingUses -= 1;
      }
      r.usageCount += 1;
      r.lastUsedAt = now;
      return {
        outcome: 'OK',
        usageCount: r.usageCount,
        remainingUses: r.remainingUses,
        record: copy(r),
      };
    },
    async revoke(id, now) {
      const r = entryById(id, now);
      if (!r) return false;
      r.revokedAt ??= now;
      return true;
    },
    async expire(id, at, now) {
      const r = entryById(id, now);
      if (!r) return false;
      if (r.expiresAt === undefined || at < r.expiresAt) {
        r.expiresAt = at;
        write(r, now);
      }
      return true;
    },
  };
}
