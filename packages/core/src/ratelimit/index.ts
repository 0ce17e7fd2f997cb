export type {
  FixedWindowState,
  GcraState,
  RateLimitAlgorithm,
  RateLimitParams,
  RateLimitStep,
  SlidingWindowState,
  TokenBucketState,
} from './algorithms.js';
export {
  consumeFixedWindow,
  consumeGcra,
  consumeSlidingWindow,
  consumeTokenBucket,
} from './algorithms.js';
export type { RateLimitHeaderFormat } from './headers.js';
export { buildRateLimitHeaders } from './headers.js';
export type {
  MemoryRateLimiter,
  MemoryRateLimiterOptions,
  RateLimitCallOptions,
  RateLimiter,
  RateLimiterOptions,
} from './limiter.js';
export { createMemoryRateLimiter, createRateLimiter } from './limiter.js';
export type { MemoryRateLimitStore, MemoryRateLimitStoreOptions } from './memory-store.js';
export { createMemoryRateLimitStore } from './memory-store.js';
export type { CompiledRateLimitPolicy } from './policies.js';
export { DEFAULT_RATE_LIMIT_POLICIES, normalizeRatePath } from './policies.js';
export type {
  RateLimitedEvent,
  RateLimitKeySource,
  RateLimitRoute,
  RateLimitRuleOptions,
} from './rule.js';
export { DEFAULT_RATE_LIMIT_ROUTES, rateLimit } from './rule.js';
export type {
  RateLimitFailMode,
  RateLimitPolicy,
  RateLimitReason,
  RateLimitResult,
  RateLimitStore,
  RateLimitStoreRequest,
  RateLimitStoreResponse,
} from './types.js';
