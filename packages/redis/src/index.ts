// @jaf-sec/redis: every store of @jaf-sec/core on Redis or Valkey. Each operation is one
// Lua script run by EVALSHA (NOSCRIPT falls back to EVAL), touches keys in one hash slot,
// and leaves a TTL on what it writes. Works with ioredis and node-redis clients.

export type { RedisBanStoreOptions } from './ban-store.js';
export { createRedisBanStore } from './ban-store.js';
export type { RedisBudgetStoreOptions } from './budget-store.js';
export { createRedisBudgetStore, RedisBudgetScopeFullError } from './budget-store.js';
export type { RedisCallStoreOptions } from './call-store.js';
export { createRedisCallStore } from './call-store.js';
export type { RedisKeyStoreOptions } from './key-store.js';
export { createRedisKeyStore } from './key-store.js';
export type { RedisNonceStoreOptions } from './nonce-store.js';
export { createRedisNonceStore } from './nonce-store.js';
export type { RedisRateLimitStore, RedisRateLimitStoreOptions } from './rate-limit-store.js';
export { createRedisRateLimitStore, toTaggedKey } from './rate-limit-store.js';
export type { RedisRevocationStoreOptions } from './revocation-store.js';
export { createRedisRevocationStore } from './revocation-store.js';
export type {
  IoredisLike,
  NodeRedisLike,
  RedisClientLike,
  RedisScript,
  ScriptRunner,
  ScriptRunnerOptions,
} from './script-runner.js';
export {
  createScriptRunner,
  defineScript,
  RedisOverloadedError,
  RedisTimeoutError,
} from './script-runner.js';
