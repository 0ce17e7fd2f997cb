import type { CapabilityCallStore } from '@jaf-sec/core/capabilities';
import { toTaggedKey } from './rate-limit-store.js';
import { createScriptRunner, defineScript, type RedisClientLike } from './script-runner.js';

// All or nothing: every counter below its limit, then each one incremented (its TTL set
// when it is created). KEYS: the counters; ARGV: their limits, then their TTLs (ms).
const CONSUME = defineScript(`
local n = #KEYS
for i = 1, n do
  if tonumber(redis.call('GET', KEYS[i]) or '0') >= tonumber(ARGV[i]) then return 0 end
end
for i = 1, n do
  local ttl = tonumber(ARGV[n + i])
  if ttl > 0 then
    if redis.call('INCR', KEYS[i]) == 1 then redis.call('PEXPIRE', KEYS[i], ttl) end
  end
end
return 1
`);

/** Options of {@link createRedisCallStore}. */
export interface RedisCallStoreOptions {
  readonly client: RedisClientLike;
  /** Default `'jaf:cap:'`. */
  readonly prefix?: string | undefined;
  /** Default 500 ms. */
  readonly timeoutMs?: number | undefined;
}

/**
 * A {@link CapabilityCallStore} on Redis or Valkey for `createCapabilityVerifier({ calls })`:
 * one EVALSHA per call checks and charges every budget of the token chain at once, the
 * counters of one call under one hash tag (the chain's first budget), each with a TTL to the
 * expiry of the token that set it. Rejects when Redis is unreachable; the call is then refused
 * with `CAPABILITY_STORE_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * const verifier = createCapabilityVerifier({ keys: [key], calls: createRedisCallStore({ client: redis }) });
 * ```
 */
export function createRedisCallStore(options: RedisCallStoreOptions): CapabilityCallStore {
  const runner = createScriptRunner(options.client, options.timeoutMs ?? 500);
  const prefix = options.prefix ?? 'jaf:cap:';
  return {
    async consume(counters, now) {
      if (counters.length === 0) return true;
      const keys = counters.map((c) => `${toTaggedKey(prefix, c.group)}:${c.key}`);
      const args = [
        ...counters.map((c) => String(c.limit)),
        ...counters.map((c) => String(Math.ceil(c.expiresAt - now))),
      ];
      return Number(await runner.run(CONSUME, keys, args)) === 1;
    },
  };
}
