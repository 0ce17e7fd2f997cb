import { BoundedMap } from '../internal/bounded-map.js';

/** An amount of model usage: tokens and cost (an integer in your smallest unit, e.g. micro-USD). */
export interface Usage {
  readonly tokens: number;
  readonly cost: number;
}

/** The ceiling of one scope; an absent field is not limited. */
export interface UsageLimit {
  readonly tokens?: number | undefined;
  readonly cost?: number | undefined;
}

/** One scope's state. */
export interface ScopeUsage {
  /** Settled usage. */
  readonly spent: Usage;
  /** Usage held by live reservations. */
  readonly reserved: Usage;
}

/** What a store answers to a reservation. */
export type ReserveOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly exceeded: 'tokens' | 'cost' };

/**
 * Budgets of model usage, one scope (a tenant, a user, a run, in one window) per key. Every
 * method is atomic for its scope. `@jaf-sec/redis` implements it for several processes.
 */
export interface BudgetStore {
  /**
   * Holds `amount` under reservation `id` until `expiresAt` (ms), when spent + reserved +
   * amount stays within `limit`; otherwise holds nothing. Expired reservations are dropped
   * first. The scope is kept at least until `retainUntil` (ms).
   */
  reserve(
    scope: string,
    id: string,
    amount: Usage,
    limit: UsageLimit,
    expiresAt: number,
    retainUntil: number,
    now: number,
  ): Promise<ReserveOutcome>;
  /**
   * Replaces reservation `id` by the `actual` usage (spent even when the reservation has
   * expired: the model call happened). Resolves whether the reservation was still held.
   */
  settle(
    scope: string,
    id: string,
    actual: Usage,
    retainUntil: number,
    now: number,
  ): Promise<boolean>;
  /** Drops reservation `id` without spending. Resolves whether it was held. */
  release(scope: string, id: string, now: number): Promise<boolean>;
  /** The scope's usage at `now`. */
  usage(scope: string, now: number): Promise<ScopeUsage>;
}

/** Raised (as a rejection) by a memory budget store that is full. */
export class BudgetStoreFullError extends Error {
  readonly code = 'BUDGET_STORE_FULL';
  constructor(what: string) {
    super(`Budget store is full (${what}); raise its limits or use @jaf-sec/redis.`);
    this.name = 'BudgetStoreFullError';
  }
}

/** Options of {@link createMemoryBudgetStore}. */
export interface MemoryBudgetStoreOptions {
  /** Most scopes held at once; default 100,000. */
  readonly maxScopes?: number | undefined;
  /** Most live reservations per scope; default 1,000. */
  readonly maxReservationsPerScope?: number | undefined;
}

interface Scope {
  spentTokens: number;
  spentCost: number;
  reservations: Map<string, { tokens: number; cost: number; expiresAt: number }>;
}

const ZERO: Usage = Object.freeze({ tokens: 0, cost: 0 });

/**
 * A bounded in-memory {@link BudgetStore} for one process: no timers (expired reservations
 * are dropped when the scope is next touched), a cap on scopes and on reservations per
 * scope. Full, it rejects rather than forget spend, so the guard refuses with
 * `BUDGET_STORE_UNAVAILABLE`.
 *
 * @param options - `maxScopes` (default 100,000), `maxReservationsPerScope` (default 1,000).
 * @throws RangeError on a limit that is not a positive integer.
 * @example
 * ```ts
 * const budget = createLlmBudget({ store: createMemoryBudgetStore(), limits: { user: { tokens: 200_000 } } });
 * ```
 */
export function createMemoryBudgetStore(options?: MemoryBudgetStoreOptions): BudgetStore {
  const maxScopes = options?.maxScopes ?? 100_000;
  const maxReservations = options?.maxReservationsPerScope ?? 1_000;
  if (!Number.isInteger(maxReservations) || maxReservations < 1) {
    throw new RangeError(
      'createMemoryBudgetStore: maxReservationsPerScope must be a positive integer',
    );
  }
  const scopes = new BoundedMap<Scope>(maxScopes);

  const live = (key: string, now: number): Scope | undefined => {
    const s = scopes.get(key, now);
    if (s !== undefined)
      for (const [id, r] of s.reservations) if (r.expiresAt <= now) s.reservations.delete(id);
    return s;
  };
  const keep = (key: string, s: Scope, retainUntil: number, now: number): boolean => {
    const until = Math.max(retainUntil, scopes.expiresAt(key, now) ?? 0);
    return scopes.trySet(key, s, until, now);
  };
  const sums = (s: Scope): Usage => {
    let tokens = 0;
    let cost = 0;
    for (const r of s.reservations.values()) {
      tokens += r.tokens;
      cost += r.cost;
    }
    return { tokens, cost };
  };

  return {
    reserve(key, id, amount, limit, expiresAt, retainUntil, now) {
      // Synchronous from check to write: concurrent callers cannot both take the last unit.
      const s = live(key, now) ?? { spentTokens: 0, spentCost: 0, reservations: new Map() };
      const held = sums(s);
      if (
        limit.tokens !== undefined &&
        s.spentTokens + held.tokens + amount.tokens > limit.tokens
      ) {
        return Promise.resolve({ ok: false, exceeded: 'tokens' } as const);
      }
      if (limit.cost !== undefined && s.spentCost + held.cost + amount.cost > limit.cost) {
        return Promise.resolve({ ok: false, exceeded: 'cost' } as const);
      }
      if (!s.reservations.has(id) && s.reservations.size >= maxReservations) {
        return Promise.reject(
          new BudgetStoreFullError(`${maxReservations} reservations in one scope`),
        );
      }
      if (!keep(key, s, retainUntil, now))
        return Promise.reject(new BudgetStoreFullError(`${maxScopes} scopes`));
      s.reservations.set(id, { tokens: amount.tokens, cost: amount.cost, expiresAt });
      return Promise.resolve({ ok: true } as const);
    },
    settle(key, id, actual, retainUntil, now) {
      const s = live(key, now) ?? { spentTokens: 0, spentCost: 0, reservations: new Map() };
      if (!keep(key, s, retainUntil, now))
        return Promise.reject(new BudgetStoreFullError(`${maxScopes} scopes`));
      const held = s.reservations.delete(id);
      s.spentTokens += actual.tokens;
      s.spentCost += actual.cost;
      return Promise.resolve(held);
    },
    release(key, id, now) {
      const s = live(key, now);
      return Promise.resolve(s?.reservations.delete(id) ?? false);
    },
    usage(key, now) {
      const s = live(key, now);
      if (s === undefined) return Promise.resolve({ spent: ZERO, reserved: ZERO });
      return Promise.resolve({
        spent: { tokens: s.spentTokens, cost: s.spentCost },
        reserved: sums(s),
      });
    },
  };
}
