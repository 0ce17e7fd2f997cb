import type { RevocationStore } from '@jaf-sec/core/tokens';
import { toTaggedKey } from './rate-limit-store.js';
import { createScriptRunner, defineScript, type RedisClientLike } from './script-runner.js';

const REVOKE = defineScript(`
local ttl = tonumber(ARGV[1])
if ttl < 0 then
  redis.call('SET', KEYS[1], '1')
else
  redis.call('SET', KEYS[1], '1', 'PX', ttl)
end
return 1
`);
const IS_REVOKED = defineScript(`return redis.call('EXISTS', KEYS[1])`);

/** Options of {@link createRedisRevocationStore}. */
export interface RedisRevocationStoreOptions {
  readonly client: RedisClientLike;
  /** Default `'jaf:revoked:'`. */
  readonly prefix?: string | undefined;
  /** Default 500 ms. */
  readonly timeoutMs?: number | undefined;
  /** Used to turn `expiresAt` into a TTL. Default `Date.now`. */
  readonly clock?: (() => number) | undefined;
}

/**
 * A {@link RevocationStore} on Redis: a revoked `jti` is kept exactly until the token
 * would have expired (its TTL), so memory stays bounded; a token without `exp`
 * (`expiresAt` Infinity) is kept without TTL, since forgetting it would un-revoke it.
 * Rejects when Redis is unreachable; the verifier then refuses the token.
 *
 * @example
 * ```ts
 * const revocation = createRedisRevocationStore({ client: redis });
 * const verifier = createTokenVerifier({ keys, revocation });
 * ```
 */
export function createRedisRevocationStore(options: RedisRevocationStoreOptions): RevocationStore {
  const runner = createScriptRunner(options.client, options.timeoutMs ?? 500);
  const prefix = options.prefix ?? 'jaf:revoked:';
  const clock = options.clock ?? Date.now;
  return {
    async revoke(jti: string, expiresAt: number): Promise<void> {
      if (typeof jti !== 'string' || jti.length === 0) {
        throw new TypeError('revoke needs the token jti (a non-empty string)');
      }
      if (typeof expiresAt !== 'number' || Number.isNaN(expiresAt)) {
        throw new TypeError('revoke needs expiresAt in ms since the epoch (Infinity for no exp)');
      }
      const ttl = expiresAt === Number.POSITIVE_INFINITY ? -1 : Math.ceil(expiresAt - clock());
      if (ttl === 0 || (ttl < 0 && expiresAt !== Number.POSITIVE_INFINITY)) return;
      await runner.run(REVOKE, [toTaggedKey(prefix, jti)], [String(ttl)]);
    },
    async isRevoked(jti: string, _now: number): Promise<boolean> {
      return Number(await runner.run(IS_REVOKED, [toTaggedKey(prefix, jti)], [])) === 1;
    },
  };
}
