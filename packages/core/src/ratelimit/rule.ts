import { compileMethodFilter, methodMatches } from '../internal/http-method.js';
import type { Rule, RuleContext, RuleOutcome } from '../protect/types.js';
import {
  type ClientIpOptions,
  type ClientIpResolver,
  createClientIpResolver,
} from '../shield/client-ip.js';
import { ALGORITHM_ID, createKernelCell } from './algorithms.js';
import {
  buildRateLimitHeaders,
  type RateLimitHeaderFormat,
  resolveHeaderFormats,
} from './headers.js';
import { createRateLimiter, type RateLimiter, resultFromCell } from './limiter.js';
import { createMemoryRateLimitStore, type MemoryRateLimitStore } from './memory-store.js';
import {
  type CompiledRateLimitPolicy,
  compileRateLimitPolicy,
  DEFAULT_RATE_LIMIT_POLICIES,
  isPathPrefix,
  normalizeRatePath,
} from './policies.js';
import type {
  RateLimitFailMode,
  RateLimitPolicy,
  RateLimitResult,
  RateLimitStore,
} from './types.js';

/** How a request is attributed: the authenticated user, its API key, its IP, or your function. */
export type RateLimitKeySource =
  | 'user'
  | 'apiKey'
  | 'ip'
  | ((ctx: RuleContext) => string | undefined);

/** Which policy applies to which paths. `policy: null` exempts them (health checks). */
export interface RateLimitRoute {
  /** Path prefixes, matched on whole segments after normalisation (`/chat` matches `/chat/x`, not `/chatter`). */
  readonly path: string | readonly string[];
  readonly policy: string | null;
  /**
   * Only these methods (any when absent), matched case-insensitively. `GET` also matches
   * `HEAD`: every supported framework runs the GET handler for HEAD.
   */
  readonly methods?: readonly string[] | undefined;
}

/** The seed guide's routing: /chat, /api, /upload get their policies; /health and /metrics are exempt. */
export const DEFAULT_RATE_LIMIT_ROUTES: readonly RateLimitRoute[] = Object.freeze([
  { path: ['/health', '/metrics'], policy: null },
  { path: '/chat', policy: 'chat' },
  { path: '/api', policy: 'api' },
  { path: '/upload', policy: 'upload' },
]);

/** Passed to `onLimited` when a request is denied for its rate. */
export interface RateLimitedEvent {
  /** The attribution key (e.g. `ip:203.0.113.7`), for a ban manager. */
  readonly key: string;
  readonly result: RateLimitResult;
  readonly ctx: RuleContext;
}

/** Options of {@link rateLimit}. */
export interface RateLimitRuleOptions {
  /** Policies by name, merged over {@link DEFAULT_RATE_LIMIT_POLICIES}. */
  readonly policies?: Readonly<Record<string, RateLimitPolicy>> | undefined;
  /** Route table; default {@link DEFAULT_RATE_LIMIT_ROUTES}. Unmatched paths get `default`. */
  readonly routes?: readonly RateLimitRoute[] | undefined;
  /** Apply this one policy to every request instead of routing. */
  readonly policy?: string | undefined;
  /** Tried in order; the first that yields a key wins. Default `['user', 'ip']`. */
  readonly key?: RateLimitKeySource | readonly RateLimitKeySource[] | undefined;
  /** Default: a bounded in-memory store (decides synchronously). */
  readonly store?: RateLimitStore | undefined;
  /** Store outage: `'open'` (default) allows, `'closed'` answers 503; both say `store_unavailable`. */
  readonly failMode?: RateLimitFailMode | undefined;
  /** Header sets to write on allow and deny. Default `['draft-7', 'legacy']`. */
  readonly headers?: RateLimitHeaderFormat | readonly RateLimitHeaderFormat[] | false | undefined;
  /** Units a request spends. Default 1. */
  readonly cost?: number | ((ctx: RuleContext) => number) | undefined;
  /** How `'ip'` keys find the client: options for, or a ready, shield resolver. */
  readonly clientIp?: ClientIpOptions | ClientIpResolver | undefined;
  /** Route paths compared case-sensitively. Default false (most routers ignore case). */
  readonly caseSensitive?: boolean | undefined;
  /** Storage key prefix. Default `'rl:'`. */
  readonly prefix?: string | undefined;
  /** Called on every rate denial, e.g. to count violations toward a ban. Errors are ignored. */
  readonly onLimited?: ((event: RateLimitedEvent) => void | Promise<void>) | undefined;
  readonly dryRun?: boolean | undefined;
  /** Rule name in decisions. Default `'rateLimit'`. */
  readonly name?: string | undefined;
}

interface CompiledRoute {
  readonly prefix: string;
  readonly policy: CompiledRateLimitPolicy | null;
  readonly methods: ReadonlySet<string> | undefined;
}

interface PolicyRuntime {
  readonly policy: CompiledRateLimitPolicy;
  readonly limiter: RateLimiter;
  readonly algorithm: number;
}

/**
 * The rate-limit rule for `createSecurity`: picks a policy by normalised route, attributes
 * the request by user, API key or IP (through trusted proxies only), decides in the store,
 * and writes the RateLimit / X-RateLimit-* headers on every response, with Retry-After and
 * status 429 on denial.
 *
 * Codes: `RATE_LIMITED` (429), `RATE_LIMIT_COST_EXCEEDED` (429, this cost never fits),
 * `RATE_LIMIT_INVALID_COST` (400), `RATE_LIMIT_STORE_UNAVAILABLE` (503 when fail-closed;
 * an allow with that code when fail-open), `RATE_LIMIT_EXEMPT` (skip).
 *
 * @throws TypeError at construction for an unknown policy, bad route, or bad option.
 * @example
 * ```ts
 * const security = createSecurity({
 *   rules: [rateLimit({ clientIp: { trustedProxies: ['cloudflare'] } })],
 * });
 * ```
 */
export function rateLimit(options: RateLimitRuleOptions = {}): Rule {
  const prefix = options.prefix ?? 'rl:';
  const store = options.store ?? createMemoryRateLimitStore();
  const memory =
    typeof (store as MemoryRateLimitStore).consumeInto === 'function'
      ? (store as MemoryRateLimitStore)
      : undefined;
  const failMode = options.failMode ?? 'open';
  const formats = resolveHeaderFormats(options.headers, ['draft-7', 'legacy']);
  const caseSensitive = options.caseSensitive === true;

  const definitions = { ...DEFAULT_RATE_LIMIT_POLICIES, ...(options.policies ?? {}) };
  const runtimes = new Map<string, PolicyRuntime>();
  for (const [name, def] of Object.entries(definitions)) {
    const policy = compileRateLimitPolicy(name, def);
    runtimes.set(name, {
      policy,
      algorithm: ALGORITHM_ID[policy.algorithm],
      limiter: createRateLimiter({
        name,
        policy: def,
        store,
        failMode,
        prefix: `${prefix}${name}:`,
      }),
    });
  }
  const lookup = (name: string, where: string): PolicyRuntime => {
    const runtime = runtimes.get(name);
    if (!runtime) {
      throw new TypeError(
        `rateLimit: ${where} names policy "${name}", which is not defined; define it in options.policies (known: ${[...runtimes.keys()].join(', ')}).`,
      );
    }
    return runtime;
  };
  const fixed = options.policy === undefined ? undefined : lookup(options.policy, 'options.policy');
  const fallback = lookup('default', 'the fallback');

  const routes: CompiledRoute[] = [];
  for (const route of options.routes ?? DEFAULT_RATE_LIMIT_ROUTES) {
    const paths = typeof route.path === 'string' ? [route.path] : route.path;
    if (!Array.isArray(paths) || paths.length === 0) {
      throw new TypeError('rateLimit: every route needs a path (string or non-empty array).');
    }
    const policy = route.policy === null ? null : lookup(route.policy, 'a route').policy;
    const methods =
      route.methods === undefined
        ? undefined
        : compileMethodFilter(route.methods, "rateLimit: a route's methods");
    for (const p of paths) {
      if (typeof p !== 'string' || !p.startsWith('/')) {
        throw new TypeError(`rateLimit: route paths start with "/", got ${JSON.stringify(p)}.`);
      }
      routes.push({ prefix: normalizeRatePath(p, caseSensitive), policy, methods });
    }
  }
  // Longest prefix wins whatever the declaration order, so `/api/upload` beats `/api`.
  routes.sort((a, b) => b.prefix.length - a.prefix.length);

  const sources: RateLimitKeySource[] =
    options.key === undefined
      ? ['user', 'ip']
      : typeof options.key === 'string' || typeof options.key === 'function'
        ? [options.key]
        : [...options.key];
  for (const s of sources) {
    if (typeof s !== 'function' && s !== 'user' && s !== 'apiKey' && s !== 'ip') {
      throw new TypeError(`rateLimit: key must be 'user', 'apiKey', 'ip' or a function.`);
    }
  }
  const resolveIp: ClientIpResolver =
    typeof options.clientIp === 'function'
      ? options.clientIp
      : createClientIpResolver(options.clientIp ?? {});
  const cost = options.cost ?? 1;
  if (typeof cost === 'number' && (!Number.isFinite(cost) || cost < 0)) {
    throw new TypeError('rateLimit: cost must be a finite number >= 0 or a function.');
  }
  const onLimited = options.onLimited;
  const cell = createKernelCell();

  const attribute = (ctx: RuleContext): string => {
    for (const source of sources) {
      if (source === 'user') {
        const id = ctx.principal?.id;
        if (id) return `user:${id}`;
      } else if (source === 'apiKey') {
        const p = ctx.principal;
        if (p && p.kind === 'api_key') {
          const keyId = p.attributes?.keyId;
          return `key:${typeof keyId === 'string' ? keyId : p.id}`;
        }
      } else if (source === 'ip') {
        const ip = resolveIp(ctx.request);
        if (ip) return `ip:${ip.key}`;
      } else {
        const custom = source(ctx);
        if (typeof custom === 'string' && custom !== '') return `custom:${custom}`;
      }
    }
    return 'unknown';
  };

  const pick = (ctx: RuleContext): CompiledRateLimitPolicy | null => {
    if (fixed) return fixed.policy;
    const path = normalizeRatePath(ctx.url.pathname, caseSensitive);
    for (const route of routes) {
      if (route.methods && !methodMatches(route.methods, ctx.request.method)) continue;
      if (isPathPrefix(path, route.prefix)) return route.policy;
    }
    return fallback.policy;
  };

  const conclude = (ctx: RuleContext, key: string, result: RateLimitResult): RuleOutcome => {
    const headers = buildRateLimitHeaders(result, formats, ctx.now);
    const details = {
      policy: result.policy,
      reason: result.reason,
      limit: result.limit,
      remaining: result.remaining,
      retryAfterMs: result.retryAfterMs,
    };
    if (result.reason === 'store_unavailable') {
      return result.allowed
        ? { conclusion: 'allow', code: 'RATE_LIMIT_STORE_UNAVAILABLE', headers: {}, details }
        : {
            conclusion: 'deny',
            status: 503,
            code: 'RATE_LIMIT_STORE_UNAVAILABLE',
            message: 'Service temporarily unavailable.',
            headers: { 'Retry-After': '1' },
            details,
          };
    }
    if (result.allowed) return { conclusion: 'allow', headers, details };
    if (result.reason === 'invalid_cost') {
      return {
        conclusion: 'deny',
        status: 400,
        code: 'RATE_LIMIT_INVALID_COST',
        message: 'Bad request.',
        details,
      };
    }
    if (onLimited) {
      try {
        const pending = onLimited({ key, result, ctx });
        if (pending && typeof (pending as Promise<void>).catch === 'function') {
          (pending as Promise<void>).catch(() => {});
        }
      } catch {
        // A failing hook must not change the decision.
      }
    }
    return {
      conclusion: 'deny',
      status: 429,
      code: result.reason === 'cost_exceeds_limit' ? 'RATE_LIMIT_COST_EXCEEDED' : 'RATE_LIMITED',
      message: 'Too many requests.',
      headers,
      details,
    };
  };

  return {
    name: options.name ?? 'rateLimit',
    dryRun: options.dryRun === true,
    evaluate(ctx: RuleContext): RuleOutcome | Promise<RuleOutcome> {
      const policy = pick(ctx);
      if (policy === null) return { conclusion: 'skip', code: 'RATE_LIMIT_EXEMPT' };
      const runtime = runtimes.get(policy.name)!;
      const key = attribute(ctx);
      let units: number;
      try {
        units = typeof cost === 'function' ? cost(ctx) : cost;
      } catch {
        units = Number.NaN;
      }
      if (
        memory &&
        Number.isFinite(units) &&
        units >= 0 &&
        units <= policy.burst &&
        units <= policy.limit
      ) {
        // Synchronous path: the memory store decides without a promise.
        memory.consumeInto(
          `${prefix}${policy.name}:${key}`,
          runtime.algorithm,
          policy.limit,
          policy.windowMs,
          policy.burst,
          units,
          ctx.now,
          cell,
        );
        return conclude(ctx, key, resultFromCell(cell, policy));
      }
      return runtime.limiter
        .limit(key, { cost: units, now: ctx.now })
        .then((result) => conclude(ctx, key, result));
    },
  };
}
