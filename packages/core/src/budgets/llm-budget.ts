import { encodeBase64Url } from '../internal/bytes.js';
import { type RandomSource, randomBytes } from '../internal/random.js';
import { fail, ok, type Result } from '../internal/result.js';
import type { BudgetStore, ScopeUsage, Usage, UsageLimit } from './budget-store.js';

/**
 * Why a budget operation was refused. Stable.
 *
 * | code | meaning |
 * |---|---|
 * | `BUDGET_EXCEEDED` | the estimate does not fit one scope's remaining budget |
 * | `BUDGET_INVALID` | an amount is not a non-negative integer, or the scopes do not match the configured ones |
 * | `BUDGET_STORE_UNAVAILABLE` | the store failed (refused, fails closed) |
 */
export type BudgetErrorCode = 'BUDGET_EXCEEDED' | 'BUDGET_INVALID' | 'BUDGET_STORE_UNAVAILABLE';

/** The limit of one scope name. */
export interface ScopeLimit extends UsageLimit {
  /** Fixed window the budget renews on (e.g. 86,400,000 for a daily budget). Absent: no renewal. */
  readonly windowMs?: number | undefined;
}

/** Options of {@link createLlmBudget}. */
export interface LlmBudgetOptions {
  readonly store: BudgetStore;
  /** Limits by scope name, e.g. `{ tenant: {...}, user: {...}, run: {...} }`. Every call names every scope. */
  readonly limits: Readonly<Record<string, ScopeLimit>>;
  /** How long a reservation holds budget when it is never settled or released (a crash). Default 120,000 ms. */
  readonly reservationTtlMs?: number | undefined;
  /** How long a scope without a window is kept after its last use. Default 30 days. */
  readonly retainMs?: number | undefined;
  /** Clock, ms since the epoch. Default `Date.now`. */
  readonly clock?: (() => number) | undefined;
  /** Randomness for reservation ids. Default Web Crypto. */
  readonly random?: RandomSource | undefined;
}

/** Budget held for one model call. Pass it back to `settle` or `release`. */
export interface BudgetReservation {
  readonly id: string;
  /** The store keys charged, one per scope (window included). */
  readonly keys: readonly string[];
  readonly estimate: Usage;
  /** ms since the epoch. */
  readonly expiresAt: number;
}

/** Per-call options. */
export interface BudgetCallOptions {
  /** ms since the epoch. Default: the budget's clock. */
  readonly now?: number | undefined;
}

/** A scope's usage with its limit. */
export interface ScopeReport extends ScopeUsage {
  readonly limit: UsageLimit;
}

/** Reserve, settle and release model usage against per-scope budgets. */
export interface LlmBudget {
  /** Holds `estimate` in every scope, or in none. Never rejects. */
  reserve(
    scopes: Readonly<Record<string, string>>,
    estimate: Usage,
    options?: BudgetCallOptions,
  ): Promise<Result<BudgetReservation, BudgetErrorCode>>;
  /** Spends the `actual` usage in place of the reservation. Never rejects. */
  settle(
    reservation: BudgetReservation,
    actual: Usage,
    options?: BudgetCallOptions,
  ): Promise<Result<{ readonly held: boolean }, BudgetErrorCode>>;
  /** Gives the reservation back (the call failed). Never rejects. */
  release(
    reservation: BudgetReservation,
    options?: BudgetCallOptions,
  ): Promise<Result<{ readonly held: boolean }, BudgetErrorCode>>;
  /** Usage and limits of each scope. Never rejects. */
  usage(
    scopes: Readonly<Record<string, string>>,
    options?: BudgetCallOptions,
  ): Promise<Result<Readonly<Record<string, ScopeReport>>, BudgetErrorCode>>;
}

const MAX_ID = 256;
const isAmount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isUsage = (u: unknown): u is Usage =>
  typeof u === 'object' &&
  u !== null &&
  isAmount((u as Usage).tokens) &&
  isAmount((u as Usage).cost);

const INVALID_USAGE = fail('BUDGET_INVALID', 'Usage must be non-negative integer tokens and cost.');
const INVALID_SCOPES = fail(
  'BUDGET_INVALID',
  'The call must name exactly the configured budget scopes.',
);
const UNAVAILABLE = fail(
  'BUDGET_STORE_UNAVAILABLE',
  'Budgets cannot be checked; the call was refused.',
);

/**
 * Creates an LLM budget: before a model call `reserve` an estimate in every scope (tenant,
 * user, run...), after it `settle` with the actual usage, or `release` on failure.
 * Reservations expire, so a crash between reserve and settle never holds budget for long.
 * Concurrent reservations never take more than a scope's limit.
 *
 * @param options - the store, limits by scope name, reservation lifetime.
 * @returns An {@link LlmBudget}.
 * @throws TypeError or RangeError on a malformed limit, lifetime or store.
 * @example
 * ```ts
 * const budget = createLlmBudget({
 *   store: createMemoryBudgetStore(),
 *   limits: { tenant: { cost: 50_000_000, windowMs: 86_400_000 }, run: { tokens: 200_000 } },
 * });
 * const held = await budget.reserve({ tenant: 'acme', run: runId }, { tokens: 8_000, cost: 24_000 });
 * if (!held.ok) return held.error.code; // BUDGET_EXCEEDED
 * try {
 *   const reply = await callModel();
 *   await budget.settle(held.value, { tokens: reply.usage.total_tokens, cost: priceOf(reply.usage) });
 * } catch (error) {
 *   await budget.release(held.value);
 *   throw error;
 * }
 * ```
 */
export function createLlmBudget(options: LlmBudgetOptions): LlmBudget {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('createLlmBudget needs { store, limits }');
  const store = options.store;
  if (
    typeof store?.reserve !== 'function' ||
    typeof store.settle !== 'function' ||
    typeof store.release !== 'function'
  ) {
    throw new TypeError('createLlmBudget needs a store, e.g. createMemoryBudgetStore()');
  }
  const limits = options.limits;
  if (typeof limits !== 'object' || limits === null || Object.keys(limits).length === 0) {
    throw new TypeError(
      'createLlmBudget needs limits by scope name, e.g. { user: { tokens: 100_000 } }',
    );
  }
  const names = Object.keys(limits).sort();
  for (const name of names) {
    const l = limits[name]!;
    const where = `createLlmBudget: limits.${name}`;
    if (!/^[a-z][\w-]{0,31}$/i.test(name))
      throw new TypeError(`${where}: scope names are 1-32 letters, digits, _ or -`);
    if (l.tokens === undefined && l.cost === undefined)
      throw new TypeError(`${where} needs tokens or cost`);
    if (l.tokens !== undefined && !isAmount(l.tokens))
      throw new RangeError(`${where}.tokens must be a non-negative integer`);
    if (l.cost !== undefined && !isAmount(l.cost))
      throw new RangeError(`${where}.cost must be a non-negative integer`);
    if (l.windowMs !== undefined && !(Number.isSafeInteger(l.windowMs) && l.windowMs > 0)) {
      throw new RangeError(`${where}.windowMs must be a positive integer of ms`);
    }
  }
  const ttl = options.reservationTtlMs ?? 120_000;
  if (!Number.isSafeInteger(ttl) || ttl <= 0)
    throw new RangeError('createLlmBudget: reservationTtlMs must be a positive integer of ms');
  const retainMs = options.retainMs ?? 30 * 86_400_000;
  if (!Number.isSafeInteger(retainMs) || retainMs <= 0)
    throw new RangeError('createLlmBudget: retainMs must be a positive integer of ms');
  const clock = options.clock ?? Date.now;
  const random = options.random ?? randomBytes;

  /** Store key and retention of each scope, or undefined when the scopes do not match. */
  function keysFor(
    scopes: unknown,
    now: number,
  ): { key: string; name: string; retainUntil: number }[] | undefined {
    if (typeof scopes !== 'object' || scopes === null) return undefined;
    const given = Object.keys(scopes);
    if (given.length !== names.length) return undefined;
    const out: { key: string; name: string; retainUntil: number }[] = [];
    for (const name of names) {
      const id = (scopes as Record<string, unknown>)[name];
      if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID) return undefined;
      const w = limits[name]!.windowMs;
      if (w === undefined) {
        out.push({ key: `${name}:${id}`, name, retainUntil: now + retainMs });
      } else {
        const index = Math.floor(now / w);
        out.push({ key: `${name}:${id}@${index}`, name, retainUntil: (index + 1) * w + ttl });
      }
    }
    return out;
  }

  return {
    async reserve(scopes, estimate, call) {
      const now = call?.now ?? clock();
      if (!isUsage(estimate)) return INVALID_USAGE;
      const keys = keysFor(scopes, now);
      if (keys === undefined) return INVALID_SCOPES;
      const id = encodeBase64Url(random(12));
      const expiresAt = now + ttl;
      const done: string[] = [];
      try {
        for (const k of keys) {
          const l = limits[k.name]!;
          const outcome = await store.reserve(
            k.key,
            id,
            estimate,
            { tokens: l.tokens, cost: l.cost },
            expiresAt,
            Math.max(k.retainUntil, expiresAt),
            now,
          );
          if (!outcome.ok) {
            await Promise.allSettled(done.map((key) => store.release(key, id, now)));
            return fail(
              'BUDGET_EXCEEDED',
              `The ${k.name} budget (${outcome.exceeded}) would be exceeded.`,
            );
          }
          done.push(k.key);
        }
      } catch {
        await Promise.allSettled(done.map((key) => store.release(key, id, now)));
        return UNAVAILABLE;
      }
      return ok({
        id,
        keys: keys.map((k) => k.key),
        estimate: { tokens: estimate.tokens, cost: estimate.cost },
        expiresAt,
      });
    },
    async settle(reservation, actual, call) {
      const now = call?.now ?? clock();
      if (!isUsage(actual)) return INVALID_USAGE;
      if (!isReservation(reservation))
        return fail('BUDGET_INVALID', 'Not a reservation of this budget.');
      try {
        let held = true;
        for (const key of reservation.keys) {
          const name = key.slice(0, key.indexOf(':'));
          const w = limits[name]?.windowMs;
          const retainUntil =
            w === undefined ? now + retainMs : (Math.floor(now / w) + 1) * w + ttl;
          held = (await store.settle(key, reservation.id, actual, retainUntil, now)) && held;
        }
        return ok({ held });
      } catch {
        return UNAVAILABLE;
      }
    },
    async release(reservation, call) {
      const now = call?.now ?? clock();
      if (!isReservation(reservation))
        return fail('BUDGET_INVALID', 'Not a reservation of this budget.');
      try {
        let held = true;
        for (const key of reservation.keys)
          held = (await store.release(key, reservation.id, now)) && held;
        return ok({ held });
      } catch {
        return UNAVAILABLE;
      }
    },
    async usage(scopes, call) {
      const now = call?.now ?? clock();
      const keys = keysFor(scopes, now);
      if (keys === undefined) return INVALID_SCOPES;
      try {
        const out: Record<string, ScopeReport> = {};
        for (const k of keys) {
          const l = limits[k.name]!;
          out[k.name] = {
            ...(await store.usage(k.key, now)),
            limit: { tokens: l.tokens, cost: l.cost },
          };
        }
        return ok(out);
      } catch {
        return UNAVAILABLE;
      }
    },
  };
}

function isReservation(r: unknown): r is BudgetReservation {
  if (typeof r !== 'object' || r === null) return false;
  const { id, keys } = r as BudgetReservation;
  return (
    typeof id === 'string' &&
    Array.isArray(keys) &&
    keys.every((k) => typeof k === 'string' && k.includes(':'))
  );
}
