import type { BudgetStore, ScopeUsage } from '@jaf-sec/core/budgets';
import { toTaggedKey } from './rate-limit-store.js';
import { createScriptRunner, defineScript, type RedisClientLike } from './script-runner.js';

// One scope is two keys with the same hash tag (one slot): a hash with the sums (st/sc
// spent, rt/rc reserved) and one field per reservation ("r:<id>" = "<tokens> <cost>"), and a
// sorted set of reservation ids by expiry. Every script first drops the expired
// reservations, then acts, then extends the TTL of both keys to the scope's retention.
// Amounts travel as decimal strings and are added with HINCRBY, so integers up to 2^53 stay
// exact (a Lua number would print large values in exponent form).
const COMMON = `
local h, z = KEYS[1], KEYS[2]
local function num(field)
  return tonumber(redis.call('HGET', h, field) or '0')
end
local function add(field, amount)
  if amount ~= '0' then redis.call('HINCRBY', h, field, amount) end
end
local function drop(id)
  local v = redis.call('HGET', h, 'r:' .. id)
  if not v then return false end
  local t, c = string.match(v, '^(%d+) (%d+)$')
  if t ~= '0' then redis.call('HINCRBY', h, 'rt', '-' .. t) end
  if c ~= '0' then redis.call('HINCRBY', h, 'rc', '-' .. c) end
  redis.call('HDEL', h, 'r:' .. id)
  redis.call('ZREM', z, id)
  return true
end
local function purge(now)
  local expired = redis.call('ZRANGEBYSCORE', z, '-inf', now)
  for i = 1, #expired do drop(expired[i]) end
end
local function retain(ttl)
  if ttl <= 0 then return end
  for _, key in ipairs({h, z}) do
    if redis.call('EXISTS', key) == 1 then
      local left = redis.call('PTTL', key)
      if left < 0 or left < ttl then redis.call('PEXPIRE', key, ttl) end
    end
  end
end
`;

// ARGV: id, tokens, cost, limitTokens|'', limitCost|'', expiresAt, retainUntil, now, maxReservations
const RESERVE = defineScript(`${COMMON}
local now = tonumber(ARGV[8])
purge(now)
local t, c = tonumber(ARGV[2]), tonumber(ARGV[3])
if ARGV[4] ~= '' and num('st') + num('rt') + t > tonumber(ARGV[4]) then return 'tokens' end
if ARGV[5] ~= '' and num('sc') + num('rc') + c > tonumber(ARGV[5]) then return 'cost' end
if not drop(ARGV[1]) and redis.call('ZCARD', z) >= tonumber(ARGV[9]) then return 'full' end
redis.call('HSET', h, 'r:' .. ARGV[1], ARGV[2] .. ' ' .. ARGV[3])
add('rt', ARGV[2])
add('rc', ARGV[3])
redis.call('ZADD', z, ARGV[6], ARGV[1])
retain(tonumber(ARGV[7]) - now)
return 'ok'
`);

// ARGV: id, tokens, cost, retainUntil, now
const SETTLE = defineScript(`${COMMON}
local now = tonumber(ARGV[5])
purge(now)
local held = drop(ARGV[1])
add('st', ARGV[2])
add('sc', ARGV[3])
if redis.call('EXISTS', h) == 0 then redis.call('HSET', h, 'st', '0') end
retain(tonumber(ARGV[4]) - now)
if held then return 1 end
return 0
`);

// ARGV: id, now
const RELEASE = defineScript(`${COMMON}
purge(tonumber(ARGV[2]))
if drop(ARGV[1]) then return 1 end
return 0
`);

// ARGV: now
const USAGE = defineScript(`${COMMON}
purge(tonumber(ARGV[1]))
return { redis.call('HGET', h, 'st') or '0', redis.call('HGET', h, 'sc') or '0',
  redis.call('HGET', h, 'rt') or '0', redis.call('HGET', h, 'rc') or '0' }
`);

/** Options of {@link createRedisBudgetStore}. */
export interface RedisBudgetStoreOptions {
  readonly client: RedisClientLike;
  /** Default `'jaf:budget:'`. */
  readonly prefix?: string | undefined;
  /** Default 500 ms. */
  readonly timeoutMs?: number | undefined;
  /** Most live reservations per scope; default 1,000 (a full scope refuses, fails closed). */
  readonly maxReservationsPerScope?: number | undefined;
}

/** Raised (as a rejection) when a scope already holds `maxReservationsPerScope` reservations. */
export class RedisBudgetScopeFullError extends Error {
  readonly code = 'BUDGET_STORE_FULL';
  constructor(max: number) {
    super(`Budget scope holds ${max} live reservations; raise maxReservationsPerScope.`);
    this.name = 'RedisBudgetScopeFullError';
  }
}

/**
 * A {@link BudgetStore} on Redis or Valkey for `createLlmBudget`: every operation is one
 * EVALSHA of a Lua script (atomic across processes), touches the two keys of one scope,
 * which share a hash tag (one slot, so it runs on Redis Cluster), and leaves a TTL on them.
 * Expired reservations are dropped by the next operation on the scope. Rejects when Redis is
 * unreachable; the budget then refuses with `BUDGET_STORE_UNAVAILABLE`.
 *
 * @throws TypeError at construction when the client is not ioredis or node-redis.
 * @example
 * ```ts
 * const budget = createLlmBudget({
 *   store: createRedisBudgetStore({ client: redis }),
 *   limits: { tenant: { cost: 50_000_000, windowMs: 86_400_000 } },
 * });
 * ```
 */
export function createRedisBudgetStore(options: RedisBudgetStoreOptions): BudgetStore {
  const runner = createScriptRunner(options.client, options.timeoutMs ?? 500);
  const prefix = options.prefix ?? 'jaf:budget:';
  const max = options.maxReservationsPerScope ?? 1000;
  if (!Number.isInteger(max) || max < 1) {
    throw new RangeError(
      'createRedisBudgetStore: maxReservationsPerScope must be a positive integer',
    );
  }
  const keys = (scope: string): string[] => {
    const h = toTaggedKey(prefix, scope);
    return [h, `${h}:r`];
  };
  const n = (v: unknown): number => Number(v ?? 0);
  return {
    async reserve(scope, id, amount, limit, expiresAt, retainUntil, now) {
      const reply = await runner.run(RESERVE, keys(scope), [
        id,
        String(amount.tokens),
        String(amount.cost),
        limit.tokens === undefined ? '' : String(limit.tokens),
        limit.cost === undefined ? '' : String(limit.cost),
        String(expiresAt),
        String(retainUntil),
        String(now),
        String(max),
      ]);
      if (reply === 'ok') return { ok: true };
      if (reply === 'tokens' || reply === 'cost') return { ok: false, exceeded: reply };
      throw new RedisBudgetScopeFullError(max);
    },
    async settle(scope, id, actual, retainUntil, now) {
      const reply = await runner.run(SETTLE, keys(scope), [
        id,
        String(actual.tokens),
        String(actual.cost),
        String(retainUntil),
        String(now),
      ]);
      return Number(reply) === 1;
    },
    async release(scope, id, now) {
      return Number(await runner.run(RELEASE, keys(scope), [id, String(now)])) === 1;
    },
    async usage(scope, now): Promise<ScopeUsage> {
      const [st, sc, rt, rc] = (await runner.run(USAGE, keys(scope), [String(now)])) as unknown[];
      return { spent: { tokens: n(st), cost: n(sc) }, reserved: { tokens: n(rt), cost: n(rc) } };
    },
  };
}
