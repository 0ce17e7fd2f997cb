import type { ApiKeyRecord, ApiKeyUse, ApiKeyUseOutcome, KeyStore } from '@jaf-sec/core/keys';
import { toTaggedKey } from './rate-limit-store.js';
import { createScriptRunner, defineScript, type RedisClientLike } from './script-runner.js';

// Each record is a hash under its key hash's own slot (`<prefix>{<hash>}`), so the hot
// path (findByHash, recordUse) is one EVALSHA on one key and records spread over a
// cluster. An id index (`<prefix>id:{<id>}` -> hash) serves the admin operations
// (findById, revoke, expire): those take two round trips, and check that the record
// still carries that id before changing it.

const PUT = defineScript(`
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
local ttl = tonumber(ARGV[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1
`);

const SET_INDEX = defineScript(`
local ttl = tonumber(ARGV[2])
if ttl > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
else
  redis.call('SET', KEYS[1], ARGV[1])
end
return 1
`);

const GET_ALL = defineScript(`return redis.call('HGETALL', KEYS[1])`);
const GET = defineScript(`return redis.call('GET', KEYS[1])`);

// Replies {outcome, usageCount, remainingUses or '', ...HGETALL after the call}, so a
// verification gets the record in the same round trip.
const RECORD_USE = defineScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {'NOT_FOUND', '0', ''} end
local now = tonumber(ARGV[1])
local f = redis.call('HMGET', KEYS[1], 'revokedAt', 'expiresAt', 'remainingUses', 'usageCount')
local usage = f[4] or '0'
local remaining = f[3] or ''
local outcome = 'OK'
if f[1] then
  outcome = 'REVOKED'
elseif f[2] and tonumber(f[2]) <= now then
  outcome = 'EXPIRED'
elseif f[3] and tonumber(f[3]) <= 0 then
  outcome = 'USAGE_EXCEEDED'
else
  if f[3] then remaining = tostring(redis.call('HINCRBY', KEYS[1], 'remainingUses', -1)) end
  usage = tostring(redis.call('HINCRBY', KEYS[1], 'usageCount', 1))
  redis.call('HSET', KEYS[1], 'lastUsedAt', ARGV[1])
end
local reply = {outcome, usage, remaining}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all do reply[#reply + 1] = all[i] end
return reply
`);

const REVOKE = defineScript(`
if redis.call('HGET', KEYS[1], 'id') ~= ARGV[1] then return 0 end
redis.call('HSETNX', KEYS[1], 'revokedAt', ARGV[2])
return 1
`);

// expiresAt = min(expiresAt, at); the record then lives until expiresAt + retain.
const EXPIRE = defineScript(`
if redis.call('HGET', KEYS[1], 'id') ~= ARGV[1] then return -1 end
local at = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local retain = tonumber(ARGV[4])
local cur = redis.call('HGET', KEYS[1], 'expiresAt')
if cur and tonumber(cur) <= at then return 0 end
redis.call('HSET', KEYS[1], 'expiresAt', ARGV[2])
local ttl = math.ceil(at + retain - now)
if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) else redis.call('DEL', KEYS[1]) end
return ttl
`);

const PEXPIRE = defineScript(`
local ttl = tonumber(ARGV[1])
if ttl > 0 then return redis.call('PEXPIRE', KEYS[1], ttl) end
return redis.call('DEL', KEYS[1])
`);

/** Options of {@link createRedisKeyStore}. */
export interface RedisKeyStoreOptions {
  readonly client: RedisClientLike;
  /** Default `'jaf:apikey:'`. */
  readonly prefix?: string | undefined;
  /** Default 500 ms. */
  readonly timeoutMs?: number | undefined;
  /** How long an expired key is kept so it reports EXPIRED rather than NOT_FOUND. Default 7 days. */
  readonly retainExpiredMs?: number | undefined;
}

const NUMBER_FIELDS = [
  'createdAt',
  'expiresAt',
  'revokedAt',
  'remainingUses',
  'usageCount',
  'lastUsedAt',
] as const;
const STRING_FIELDS = [
  'id',
  'hash',
  'owner',
  'prefix',
  'environment',
  'hint',
  'rotatedFrom',
] as const;

function encode(record: ApiKeyRecord): string[] {
  const out: string[] = [];
  for (const f of STRING_FIELDS) {
    const v = record[f];
    if (v !== undefined) out.push(f, v);
  }
  for (const f of NUMBER_FIELDS) {
    const v = record[f];
    if (v !== undefined) out.push(f, String(v));
  }
  out.push('scopes', JSON.stringify(record.scopes));
  if (record.metadata !== undefined) out.push('metadata', JSON.stringify(record.metadata));
  return out;
}

function decode(reply: unknown): ApiKeyRecord | undefined {
  if (!Array.isArray(reply) || reply.length === 0) return undefined;
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < reply.length; i += 2) map.set(String(reply[i]), String(reply[i + 1]));
  const record: Record<string, unknown> = {};
  for (const f of STRING_FIELDS) if (map.has(f)) record[f] = map.get(f);
  for (const f of NUMBER_FIELDS) if (map.has(f)) record[f] = Number(map.get(f));
  try {
    record.scopes = Object.freeze(JSON.parse(map.get('scopes') ?? '[]') as string[]);
    if (map.has('metadata')) record.metadata = JSON.parse(map.get('metadata')!) as unknown;
  } catch {
    return undefined;
  }
  record.usageCount ??= 0;
  return record as unknown as ApiKeyRecord;
}

/**
 * A {@link KeyStore} on Redis. `recordUse` is one atomic Lua script that also returns
 * the record, so a verification is one round trip (two concurrent uses of a key with one
 * use left give one `OK` and one `USAGE_EXCEEDED`). Records of keys
 * with an expiry carry a TTL of `expiresAt + retainExpiredMs`; keys without an expiry are
 * data, not cache, and are kept until deleted.
 *
 * @example
 * ```ts
 * const store = createRedisKeyStore({ client: redis });
 * const { key } = await issueApiKey(store, { owner: 'svc-billing', scopes: ['chat:basic'] });
 * ```
 */
export function createRedisKeyStore(options: RedisKeyStoreOptions): KeyStore {
  const runner = createScriptRunner(options.client, options.timeoutMs ?? 500);
  const prefix = options.prefix ?? 'jaf:apikey:';
  const retain = options.retainExpiredMs ?? 7 * 86_400_000;
  if (!(typeof retain === 'number' && retain >= 0)) {
    throw new TypeError('createRedisKeyStore: retainExpiredMs must be a number of ms >= 0.');
  }
  const recordKey = (hash: string) => toTaggedKey(prefix, hash);
  const indexKey = (id: string) => toTaggedKey(`${prefix}id:`, id);
  const ttlOf = (expiresAt: number | undefined, now: number) =>
    expiresAt === undefined ? 0 : Math.max(1, Math.ceil(expiresAt + retain - now));

  async function hashOf(id: string): Promise<string | undefined> {
    const reply = await runner.run(GET, [indexKey(id)], []);
    return typeof reply === 'string' ? reply : undefined;
  }

  async function findByHash(hash: string, _now: number): Promise<ApiKeyRecord | undefined> {
    return decode(await runner.run(GET_ALL, [recordKey(hash)], []));
  }

  return {
    async put(record, now) {
      const ttl = ttlOf(record.expiresAt, now);
      await runner.run(PUT, [recordKey(record.hash)], [String(ttl), ...encode(record)]);
      await runner.run(SET_INDEX, [indexKey(record.id)], [record.hash, String(ttl)]);
    },
    findByHash,
    async findById(id, now) {
      const hash = await hashOf(id);
      if (hash === undefined) return undefined;
      const record = await findByHash(hash, now);
      return record && record.id === id ? record : undefined;
    },
    async recordUse(hash, now): Promise<ApiKeyUse> {
      const reply = (await runner.run(RECORD_USE, [recordKey(hash)], [String(now)])) as unknown[];
      const remaining = String(reply[2]);
      const outcome = String(reply[0]) as ApiKeyUseOutcome;
      return {
        outcome,
        usageCount: Number(reply[1]),
        remainingUses: remaining === '' ? undefined : Number(remaining),
        record: outcome === 'NOT_FOUND' ? undefined : decode(reply.slice(3)),
      };
    },
    async revoke(id, now) {
      const hash = await hashOf(id);
      if (hash === undefined) return false;
      return Number(await runner.run(REVOKE, [recordKey(hash)], [id, String(now)])) === 1;
    },
    async expire(id, at, now) {
      const hash = await hashOf(id);
      if (hash === undefined) return false;
      const ttl = Number(
        await runner.run(EXPIRE, [recordKey(hash)], [id, String(at), String(now), String(retain)]),
      );
      if (ttl === -1) return false;
      if (ttl !== 0) await runner.run(PEXPIRE, [indexKey(id)], [String(ttl)]);
      return true;
    },
  };
}
