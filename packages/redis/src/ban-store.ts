import type { BanPolicy, BanStatus, BanStore } from '@jaf-sec/core/shield';
import { toTaggedKey } from './rate-limit-store.js';
import { createScriptRunner, defineScript, type RedisClientLike } from './script-runner.js';

// applyBanViolation of @jaf-sec/core/shield (bans.ts) in Lua. State: one string
// "count:windowStart:until:level:expiresAt" with a PX expiry at expiresAt.
const PARSE = `
local function parse(raw)
  local v = {}
  for part in string.gmatch(raw, '[^:]+') do v[#v + 1] = tonumber(part) end
  return v[1], v[2], v[3], v[4], v[5]
end
`;

const RECORD_LUA = `${PARSE}
local threshold = tonumber(ARGV[1])
local windowMs = tonumber(ARGV[2])
local banMs = tonumber(ARGV[3])
local factor = tonumber(ARGV[4])
local maxBanMs = tonumber(ARGV[5])
local levelTtl = tonumber(ARGV[6])
local now = tonumber(ARGV[7])
local raw = redis.call('GET', KEYS[1])
local live = false
local count, ws, untilAt, level, exp = 0, 0, 0, 0, 0
if raw then
  count, ws, untilAt, level, exp = parse(raw)
  live = exp > now
end
if live and untilAt > now then
  return {1, untilAt, level, count}
end
local fresh = (not live) or (now - ws >= windowMs) or (now < ws)
if fresh then
  count = 1
  ws = now
else
  count = count + 1
end
if not (live and level > 0 and untilAt + levelTtl > now) then level = 0 end
local newUntil = 0
local started = 0
if count >= threshold then
  started = 1
  level = level + 1
  local length = math.min(maxBanMs, banMs * factor ^ (level - 1))
  newUntil = now + math.ceil(length)
  count = 0
elseif live and level > 0 then
  newUntil = untilAt
end
local expiresAt = ws + windowMs
if level > 0 then expiresAt = math.max(expiresAt, newUntil + levelTtl) end
redis.call('SET', KEYS[1], string.format('%.17g:%.17g:%.17g:%.17g:%.17g', count, ws, newUntil, level, expiresAt), 'PX', math.max(1, math.ceil(expiresAt - now)))
if newUntil > now then return {1, newUntil, level, count, started} end
return {0, 0, level, count}
`;

const STATUS_LUA = `${PARSE}
local now = tonumber(ARGV[1])
local raw = redis.call('GET', KEYS[1])
if not raw then return {0, 0, 0, 0} end
local count, ws, untilAt, level, exp = parse(raw)
if exp <= now then return {0, 0, 0, 0} end
if untilAt > now then return {1, untilAt, level, count} end
return {0, 0, level, count}
`;

const CLEAR_LUA = `${PARSE}
local now = tonumber(ARGV[1])
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local count, ws, untilAt, level, exp = parse(raw)
if exp <= now or count == 0 then return 0 end
if level == 0 and untilAt <= now then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], string.format('%.17g:%.17g:%.17g:%.17g:%.17g', 0, ws, untilAt, level, exp), 'PX', math.max(1, math.ceil(exp - now)))
end
return 1
`;

const RECORD = defineScript(RECORD_LUA);
const STATUS = defineScript(STATUS_LUA);
const CLEAR = defineScript(CLEAR_LUA);
const UNBAN = defineScript(`return redis.call('DEL', KEYS[1])`);

/** Options of {@link createRedisBanStore}. */
export interface RedisBanStoreOptions {
  readonly client: RedisClientLike;
  /** Default `'jaf:ban:'`. */
  readonly prefix?: string | undefined;
  /** Default 500 ms; slower counts as a failure (the ban manager's fail mode). */
  readonly timeoutMs?: number | undefined;
}

const toStatus = (reply: unknown): BanStatus => {
  const r = reply as [number, number, number, number, number?];
  return {
    banned: Number(r[0]) === 1,
    until: Number(r[1]),
    level: Number(r[2]),
    violations: Number(r[3]),
    // The fifth element: this violation started the ban.
    ...(Number(r[4]) === 1 ? { started: true } : {}),
  };
};

/**
 * A {@link BanStore} on Redis: each call one EVALSHA on one key with a TTL, so bans and
 * escalation levels are shared by every process and expire by themselves.
 *
 * @example
 * ```ts
 * const bans = createBanManager({ store: createRedisBanStore({ client: redis }), threshold: 5 });
 * ```
 */
export function createRedisBanStore(options: RedisBanStoreOptions): BanStore {
  const runner = createScriptRunner(options.client, options.timeoutMs ?? 500);
  const prefix = options.prefix ?? 'jaf:ban:';
  const k = (key: string) => toTaggedKey(prefix, key);
  return {
    async recordViolation(key: string, policy: BanPolicy, now: number) {
      return toStatus(
        await runner.run(
          RECORD,
          [k(key)],
          [
            String(policy.threshold),
            String(policy.windowMs),
            String(policy.banMs),
            String(policy.factor),
            String(policy.maxBanMs),
            String(policy.levelTtlMs),
            String(now),
          ],
        ),
      );
    },
    async getStatus(key: string, now: number) {
      return toStatus(await runner.run(STATUS, [k(key)], [String(now)]));
    },
    async clearViolations(key: string, now: number) {
      await runner.run(CLEAR, [k(key)], [String(now)]);
    },
    async unban(key: string) {
      await runner.run(UNBAN, [k(key)], []);
    },
  };
}
