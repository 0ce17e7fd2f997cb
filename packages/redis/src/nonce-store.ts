import type { NonceStore } from '@jaf-sec/core/signing';
import { toTaggedKey } from './rate-limit-store.js';
import { createScriptRunner, defineScript, type RedisClientLike } from './script-runner.js';

// Check-and-set in one step: SET NX with the remaining lifetime as TTL. A nonce already
// past its expiry is not stored (it could not be accepted again anyway) but still counts
// as seen if a live copy exists.
const REMEMBER = defineScript(`
local ttl = tonumber(ARGV[1])
if ttl <= 0 then
  if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
  return 1
end
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ttl) then return 1 end
return 0
`);

/** Options of {@link createRedisNonceStore}. */
export interface RedisNonceStoreOptions {
  readonly client: RedisClientLike;
  /** Default `'jaf:nonce:'`. */
  readonly prefix?: string | undefined;
  /** Default 500 ms. */
  readonly timeoutMs?: number | undefined;
}

/**
 * A {@link NonceStore} on Redis for request signing and webhooks: `remember` is one
 * atomic EVALSHA (SET NX PX), so a replay is caught even when the copies reach different
 * processes at the same instant. Rejects when Redis is unreachable; the verifier then
 * refuses the message (replay protection fails closed).
 *
 * @example
 * ```ts
 * const nonces = createRedisNonceStore({ client: redis });
 * const verifier = createWebhookVerifier({ secret, nonces });
 * ```
 */
export function createRedisNonceStore(options: RedisNonceStoreOptions): NonceStore {
  const runner = createScriptRunner(options.client, options.timeoutMs ?? 500);
  const prefix = options.prefix ?? 'jaf:nonce:';
  return {
    async remember(key: string, expiresAt: number, now: number): Promise<boolean> {
      const ttl = Math.ceil(expiresAt - now);
      const reply = await runner.run(REMEMBER, [toTaggedKey(prefix, key)], [String(ttl)]);
      return Number(reply) === 1;
    },
  };
}
