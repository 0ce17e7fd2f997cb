// Everything the example servers share: the agent, the credentials it accepts, and one
// jaf-sec pipeline per kind of route. Stores are in memory (bounded) unless `redis` is given:
// then rate limits, burst counts, bans and API keys live in Redis (@jaf-sec/redis), shared by
// every process that uses the same Redis and prefix.
import { type AuditSink, createAuditLog } from '@jaf-sec/core/audit';
import { corsRule, securityHeadersRule } from '@jaf-sec/core/headers';
import { createMessageSchema, validateBody } from '@jaf-sec/core/input';
import {
  type ApiKeyRecord,
  createMemoryKeyStore,
  hashApiKey,
  issueApiKey,
  parseApiKey,
} from '@jaf-sec/core/keys';
import { createOutputFilter } from '@jaf-sec/core/moderation';
import {
  authenticate,
  createSecurity,
  type Rule,
  requirePermission,
  type Security,
} from '@jaf-sec/core/protect';
import {
  createMemoryRateLimitStore,
  DEFAULT_RATE_LIMIT_POLICIES,
  type RateLimitKeySource,
  type RateLimitPolicy,
  rateLimit,
} from '@jaf-sec/core/ratelimit';
import {
  type ClientIpOptions,
  createBanManager,
  createClientIpResolver,
  type ShieldBurstOptions,
  shield,
} from '@jaf-sec/core/shield';
import { createTokenIssuer, type TokenClaims } from '@jaf-sec/core/tokens';
import {
  createRedisBanStore,
  createRedisKeyStore,
  createRedisRateLimitStore,
  type RedisClientLike,
} from '@jaf-sec/redis';
import { type AgentService, createAgentService } from './agent-service';
import type { RouteGuard } from './handlers';

/** Token issuer and audience of the example. */
export const EXAMPLE_ISSUER = 'https://auth.example.test';
export const EXAMPLE_AUDIENCE = 'agent-api';
/** The owner and scope of the service API key. */
export const SERVICE_OWNER = 'svc-agent-runner';
export const SERVICE_SCOPE = 'agent:process';

/** Options of {@link createAgentContext}. */
export interface AgentContextOptions {
  /** HS256 secret, at least 32 bytes. Default: 32 random bytes (tokens die with the process). */
  readonly jwtSecret?: string | undefined;
  /** An API key to accept for the service owner (e.g. from the environment). Default: a new one. */
  readonly apiKey?: string | undefined;
  /** Clock for every pipeline and token, ms since the epoch. Default `Date.now`. */
  readonly clock?: (() => number) | undefined;
  /**
   * Proxies whose forwarding headers are believed (shield's `trustedProxies`: CIDRs, presets
   * or a hop count). Default `['loopback']`: only a proxy on this host, e.g. nginx.
   */
  readonly trustedProxies?: ClientIpOptions['trustedProxies'];
  /** Origins a browser page may call the API from (exact or `https://*.example.com`). Default none. */
  readonly corsOrigins?: readonly string[] | undefined;
  /** Rate limits and burst detection; defaults are the seed guide's. */
  readonly limits?: AgentLimits | undefined;
  /**
   * Where security events go (e.g. `createJsonLinesSink(process.stdout)`). The log also feeds
   * failed logins to the ban manager. Default: not logged (and only bursts count toward bans).
   */
  readonly auditSink?: AuditSink | readonly AuditSink[] | undefined;
  /**
   * Shared stores: rate limits (and the shield's burst counts), bans and API keys on this
   * Redis, so several processes behind one port grant one quota and see one ban. Default: in
   * memory, one process.
   */
  readonly redis?: AgentRedisOptions | undefined;
}

/** Where the example keeps shared state when it runs as several processes. */
export interface AgentRedisOptions {
  /** A connected ioredis client or Cluster, or a node-redis client (the example connects with `connectAgentRedis` in src/redis.ts). */
  readonly client: RedisClientLike;
  /** Prepended to every key (then `rl:`, `burst:`, `ban:`, `apikey:`). Default `'jaf-example:'`. */
  readonly prefix?: string | undefined;
  /**
   * How long a store call may wait for Redis before the store's fail mode answers (limits:
   * allow, `RATE_LIMIT_STORE_UNAVAILABLE`). Default: the stores' own (50 ms for limits, 500 ms
   * for bans and keys). Raise it on a loaded host where Redis shares the CPUs.
   */
  readonly timeoutMs?: number | undefined;
}

/** The example's limits: the guide's named policies plus the shield's burst detection. */
export interface AgentLimits {
  /** Chat routes, per user. Default 20 per 60 s. */
  readonly chat?: RateLimitPolicy | undefined;
  /** The API-key route, per key. Default 1000 per 3600 s. */
  readonly api?: RateLimitPolicy | undefined;
  /** Everything else (the admin route), per client IP. Default 100 per 60 s. */
  readonly default?: RateLimitPolicy | undefined;
  /**
   * More than this per client IP is a burst (429, counts toward a ban). Default 50 per 1 s: far
   * above what one person or a browser page sends, so only a flood trips it; `false` turns it off.
   */
  readonly burst?: ShieldBurstOptions | false | undefined;
}

/** What every example server is built from. */
export interface AgentContext {
  readonly agent: AgentService;
  /** One pipeline per route guard. */
  readonly security: Readonly<Record<RouteGuard, Security>>;
  /** Signs a token for this server (HS256, 1 h unless `expiresIn` says otherwise). */
  issueToken(claims: TokenClaims, options?: { now?: number; expiresIn?: number }): Promise<string>;
  /** The API key this server accepts for {@link SERVICE_OWNER} with {@link SERVICE_SCOPE}. */
  readonly apiKey: string;
}

/** What {@link readAgentEnv} reads: context options, and where Redis is (connect it yourself). */
export type AgentEnv = Pick<AgentContextOptions, 'corsOrigins' | 'trustedProxies' | 'limits'> & {
  /** `REDIS_URL`: when set, the server connects and passes the client as `redis`. */
  readonly redisUrl?: string | undefined;
  /** `REDIS_PREFIX`: the key prefix in Redis. */
  readonly redisPrefix?: string | undefined;
  /** `REDIS_TIMEOUT_MS`: {@link AgentRedisOptions.timeoutMs}. */
  readonly redisTimeoutMs?: number | undefined;
};

/**
 * Reads the example's settings from the environment: `CORS_ORIGINS` (comma-separated),
 * `TRUSTED_PROXIES` (comma-separated CIDRs or presets; default `loopback`) and
 * `SHIELD_BURST=off` (turn burst detection off, e.g. for a load test from one address) or
 * `SHIELD_BURST=<limit>/<window seconds>` (e.g. `50/1`, the default), and
 * `CHAT_RATE_LIMIT=<limit>/<window seconds>` (e.g. `20/60`, the default) for the chat policy,
 * and `REDIS_URL` (`redis://` or `rediss://`; unset: in-memory stores) with `REDIS_PREFIX` and
 * `REDIS_TIMEOUT_MS` (a positive integer).
 *
 * @throws TypeError when `CHAT_RATE_LIMIT` or `SHIELD_BURST` (other than `off`) is not
 *   `<positive integer>/<positive integer>`, `REDIS_URL` is not a redis:// URL or
 *   `REDIS_TIMEOUT_MS` not a positive integer.
 *
 * @example
 * ```ts
 * const { redisUrl, redisPrefix, redisTimeoutMs, ...env } = readAgentEnv(process.env);
 * const ctx = await createAgentContext({ ...env, auditSink });
 * ```
 */
export function readAgentEnv(env: Readonly<Record<string, string | undefined>>): AgentEnv {
  const list = (value: string | undefined) =>
    value
      ?.split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  const limits: { burst?: false | ShieldBurstOptions; chat?: RateLimitPolicy } = {};
  if (env.SHIELD_BURST === 'off') limits.burst = false;
  else if (env.SHIELD_BURST !== undefined) {
    const burst = parseRate(env.SHIELD_BURST);
    if (!burst)
      throw new TypeError('SHIELD_BURST must read off or <limit>/<window seconds>, e.g. 50/1.');
    limits.burst = burst;
  }
  if (env.CHAT_RATE_LIMIT !== undefined) {
    const chat = parseRate(env.CHAT_RATE_LIMIT);
    if (!chat)
      throw new TypeError('CHAT_RATE_LIMIT must read <limit>/<window seconds>, e.g. 20/60.');
    limits.chat = chat;
  }
  const redisUrl = env.REDIS_URL === '' ? undefined : env.REDIS_URL;
  // The URL may carry a password: the message never repeats it.
  if (redisUrl !== undefined && !/^rediss?:\/\/[^\s]+$/.test(redisUrl))
    throw new TypeError(
      'REDIS_URL must read redis://host:port or rediss://host:port (or be unset).',
    );
  const redisTimeoutMs =
    env.REDIS_TIMEOUT_MS === undefined ? undefined : Number(env.REDIS_TIMEOUT_MS);
  if (redisTimeoutMs !== undefined && !(Number.isSafeInteger(redisTimeoutMs) && redisTimeoutMs > 0))
    throw new TypeError('REDIS_TIMEOUT_MS must be a positive integer (milliseconds), e.g. 200.');
  return {
    corsOrigins: list(env.CORS_ORIGINS),
    trustedProxies: list(env.TRUSTED_PROXIES) as ClientIpOptions['trustedProxies'],
    limits: Object.keys(limits).length > 0 ? limits : undefined,
    ...(redisUrl === undefined ? {} : { redisUrl }),
    ...(env.REDIS_PREFIX ? { redisPrefix: env.REDIS_PREFIX } : {}),
    ...(redisTimeoutMs === undefined ? {} : { redisTimeoutMs }),
  };
}

/** `<positive integer>/<positive integer seconds>` as a limit and window, or undefined. */
function parseRate(value: string): { limit: number; windowMs: number } | undefined {
  const parts = value.split('/');
  if (parts.length !== 2) return undefined;
  const [limit, seconds] = parts.map(Number) as [number, number];
  if (!Number.isSafeInteger(limit) || !Number.isSafeInteger(seconds)) return undefined;
  if (limit < 1 || seconds < 1) return undefined;
  return { limit, windowMs: seconds * 1000 };
}

/** The example's burst detection when none is configured (see {@link AgentLimits.burst}). */
export const EXAMPLE_BURST: ShieldBurstOptions = Object.freeze({ limit: 50, windowMs: 1000 });

function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Builds the example's agent, credentials and pipelines:
 * - `chat`: a bearer JWT with `chat:basic`, and a body that is an agent message
 *   (`{ content, type: 'text' }`, checked by `validateBody` on the raw bytes);
 * - `chatAdvanced`: the same, plus `chat:advanced` checked in dry-run (reported, not enforced);
 * - `process`: an API key (`x-api-key`) with the `agent:process` scope;
 * - `admin`: a bearer JWT with `agent:manage`.
 *
 * Every pipeline starts with the same protections: API security headers on every response
 * (denials included), CORS for `corsOrigins` (preflights answered 204), the shield (client IP
 * through trusted proxies only, bans, bursts), then authentication, then the guide's rate
 * limit for the route (chat per user, api per key, default per IP) with the IETF `RateLimit`
 * headers. Decisions go to the audit log; agent replies pass the redaction output filter.
 *
 * @example
 * ```ts
 * const ctx = await createAgentContext();
 * const token = await ctx.issueToken({ sub: 'user-1', permissions: ['chat:basic'] });
 * ```
 */
export async function createAgentContext(options: AgentContextOptions = {}): Promise<AgentContext> {
  const clock = options.clock ?? Date.now;
  const secret = options.jwtSecret ?? randomSecret();
  const key = { alg: 'HS256' as const, kid: 'example-1', secret };
  const issuer = createTokenIssuer({
    key,
    issuer: EXAMPLE_ISSUER,
    audience: EXAMPLE_AUDIENCE,
    clock,
  });

  const redisPrefix = options.redis?.prefix ?? 'jaf-example:';
  const redis = options.redis?.client;
  const timeoutMs = options.redis?.timeoutMs;
  const store = redis
    ? createRedisKeyStore({ client: redis, prefix: `${redisPrefix}apikey:`, timeoutMs })
    : createMemoryKeyStore();
  let apiKey: string;
  if (options.apiKey === undefined) {
    apiKey = (
      await issueApiKey(store, {
        owner: SERVICE_OWNER,
        scopes: [SERVICE_SCOPE],
        environment: 'test',
        now: clock(),
        // A key minted at start dies with the process in memory; in Redis it would outlive
        // it, one more per restart: there it expires after a day (and the store drops it later).
        ...(redis ? { expiresAt: clock() + 24 * 3_600_000 } : {}),
      })
    ).key;
  } else {
    apiKey = options.apiKey;
    const parsed = parseApiKey(apiKey);
    if (!parsed.ok)
      throw new TypeError('createAgentContext: apiKey is not a well-formed jaf-sec API key.');
    const record: ApiKeyRecord = {
      id: 'key_example',
      hash: hashApiKey(apiKey),
      owner: SERVICE_OWNER,
      scopes: [SERVICE_SCOPE],
      prefix: parsed.value.prefix,
      environment: parsed.value.environment,
      hint: '',
      createdAt: clock(),
      usageCount: 0,
    };
    await store.put(record, clock());
  }

  const jwt = authenticate({
    jwt: { keys: [key], issuer: EXAMPLE_ISSUER, audience: EXAMPLE_AUDIENCE, clock },
  });
  const apiKeyAuth = authenticate({ apiKey: { store } });
  // Chat bodies are agent messages, checked on the raw bytes (size, depth, UTF-8, shape)
  // before any handler parses them; the handler then reads the same bytes again.
  const message = validateBody({
    schema: createMessageSchema({ maxLength: 4000, types: ['text'] }),
  });

  // One client-IP resolver for the shield, the limits and the log, so all three see the same
  // client: the socket address unless the peer is a trusted proxy.
  const clientIp = createClientIpResolver({
    trustedProxies: options.trustedProxies ?? ['loopback'],
  });
  // Failed authentications (fed by the audit log) and bursts count toward a temporary ban.
  const bans = createBanManager({
    threshold: 5,
    windowMs: 15 * 60_000,
    banMs: 15 * 60_000,
    ...(redis
      ? { store: createRedisBanStore({ client: redis, prefix: `${redisPrefix}ban:`, timeoutMs }) }
      : {}),
  });
  const limits = options.limits ?? {};
  const policies = {
    ...DEFAULT_RATE_LIMIT_POLICIES,
    ...(limits.chat ? { chat: limits.chat } : {}),
    ...(limits.api ? { api: limits.api } : {}),
    ...(limits.default ? { default: limits.default } : {}),
  };
  // One store for every pipeline: /chat and /chat/advanced share the user's chat quota. On
  // Redis, the blocked-key cache answers a client that keeps hammering while blocked without
  // a round trip (bounded: 10,000 keys per process).
  const limitStore = redis
    ? createRedisRateLimitStore({
        client: redis,
        prefix: `${redisPrefix}rl:`,
        timeoutMs,
        blockedCache: true,
      })
    : createMemoryRateLimitStore();
  // Burst counts have a store of their own: they are keyed `ip:<client>` like the per-IP
  // limits, and one key must never carry two policies. On Redis, a flood spread over several
  // processes is still one flood.
  const burstStore = redis
    ? createRedisRateLimitStore({ client: redis, prefix: `${redisPrefix}burst:`, timeoutMs })
    : undefined;
  const limitBy = (policy: 'chat' | 'api' | 'default', key: RateLimitKeySource[]) =>
    rateLimit({
      policies,
      policy,
      key,
      store: limitStore,
      clientIp,
      headers: ['draft-11', 'legacy'],
    });
  const front: Rule[] = [
    securityHeadersRule({
      // An API answers JSON, never a page: nothing may load, frame or cache it.
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] },
      },
    }),
    ...(options.corsOrigins && options.corsOrigins.length > 0
      ? [
          corsRule({
            origins: options.corsOrigins,
            methods: ['GET', 'POST'],
            allowedHeaders: ['authorization', 'content-type', 'x-api-key'],
            exposedHeaders: ['ratelimit', 'ratelimit-policy', 'retry-after'],
          }),
        ]
      : []),
    shield({
      clientIp,
      bans,
      burst:
        limits.burst === false ? false : { ...(limits.burst ?? EXAMPLE_BURST), store: burstStore },
    }),
  ];
  const audit =
    options.auditSink === undefined
      ? undefined
      : createAuditLog({
          sink: options.auditSink,
          app: 'example-agent',
          clock,
          resolveClientIp: clientIp,
          // The log needs "which network", not the exact address of a person.
          clientAddress: 'truncate',
          bruteForce: bans,
        });
  const pipeline = (...rules: Rule[]) =>
    createSecurity({ rules: [...front, ...rules], clock, onDecision: audit?.onDecision });

  // The agent stands in for a model: whatever it says back passes the output filter, so an
  // email or card number it echoes leaves the server redacted.
  const output = createOutputFilter();
  const service = createAgentService({ clock });
  const agent: AgentService = {
    ...service,
    chat(owner, text, conversationId) {
      const answer = service.chat(owner, text, conversationId);
      return { ...answer, reply: output.filterText(answer.reply) };
    },
    process(client, task) {
      const done = service.process(client, task);
      return { ...done, result: output.filterText(done.result) };
    },
  };

  const chatLimit = limitBy('chat', ['user', 'ip']);
  return {
    agent,
    security: {
      chat: pipeline(jwt, chatLimit, requirePermission('chat:basic'), message),
      chatAdvanced: pipeline(
        jwt,
        chatLimit,
        requirePermission('chat:basic'),
        requirePermission('chat:advanced', { dryRun: true }),
        message,
      ),
      process: pipeline(
        apiKeyAuth,
        limitBy('api', ['apiKey', 'ip']),
        requirePermission(SERVICE_SCOPE),
      ),
      admin: pipeline(jwt, limitBy('default', ['ip']), requirePermission('agent:manage')),
    },
    issueToken: (claims, callOptions) => issuer.issue(claims, callOptions),
    apiKey,
  };
}
