import type { RateLimitAlgorithm } from './algorithms.js';

/**
 * Why a decision came out as it did.
 * - `within_limit`: allowed, quota spent.
 * - `rate_limited`: denied, quota exhausted; retry after `retryAfterMs`.
 * - `cost_exceeds_limit`: denied, this cost can never pass (greater than the burst/limit).
 * - `invalid_cost`: denied, the cost was not a finite number >= 0.
 * - `store_unavailable`: the store failed; `allowed` follows the declared fail mode.
 */
export type RateLimitReason =
  | 'within_limit'
  | 'rate_limited'
  | 'cost_exceeds_limit'
  | 'invalid_cost'
  | 'store_unavailable';

/** One rate-limit decision. Never thrown: every outcome, outages included, is a value. */
export interface RateLimitResult {
  readonly allowed: boolean;
  /** The policy's limit (requests or cost units per window). */
  readonly limit: number;
  /** Whole units left after this decision. */
  readonly remaining: number;
  /** When the quota is fully restored, ms since epoch. */
  readonly resetAt: number;
  /** 0 when allowed; else ms until the same request could pass (Infinity when never). */
  readonly retryAfterMs: number;
  readonly reason: RateLimitReason;
  /** Name of the policy that decided. */
  readonly policy: string;
  /** The policy's window, ms. */
  readonly windowMs: number;
}

/** Everything a store needs to run one decision atomically. */
export interface RateLimitStoreRequest {
  /** Full storage key (prefix, policy and client already joined). */
  readonly key: string;
  readonly algorithm: RateLimitAlgorithm;
  readonly limit: number;
  readonly windowMs: number;
  /** Token bucket/GCRA capacity; equals `limit` unless the policy sets a burst. */
  readonly burst: number;
  /** Finite, >= 0. */
  readonly cost: number;
  /** ms since epoch. */
  readonly now: number;
}

/** A store's answer to one decision. */
export interface RateLimitStoreResponse {
  readonly allowed: boolean;
  readonly remaining: number;
  readonly resetAt: number;
  readonly retryAfterMs: number;
}

/**
 * Where rate-limit state lives. One call per decision, atomic (read, decide, write): a
 * Redis implementation runs the algorithm in a Lua script. A store that cannot answer
 * rejects; the limiter turns that into the declared fail mode with `store_unavailable`.
 */
export interface RateLimitStore {
  consume(request: RateLimitStoreRequest): Promise<RateLimitStoreResponse>;
  /** Forgets a key (e.g. after a successful login). */
  reset?(key: string): Promise<void>;
}

/** A policy: how many per window, by which algorithm. */
export interface RateLimitPolicy {
  readonly limit: number;
  readonly windowMs: number;
  /** Default `'token-bucket'` (the seed guide's). */
  readonly algorithm?: RateLimitAlgorithm | undefined;
  /** Token bucket/GCRA: how many may be spent at once. Default `limit`. */
  readonly burst?: number | undefined;
}

/** What happens when the store is unavailable: allow (`open`) or deny (`closed`). */
export type RateLimitFailMode = 'open' | 'closed';
