import { type Cidr, cidrContains, parseCidr } from '../internal/ip.js';
import type { Rule, RuleContext, RuleOutcome } from '../protect/types.js';
import { ALGORITHM_ID, createKernelCell } from '../ratelimit/algorithms.js';
import {
  createMemoryRateLimitStore,
  type MemoryRateLimitStore,
} from '../ratelimit/memory-store.js';
import type { RateLimitStore } from '../ratelimit/types.js';
import type { BanCheck, BanManager } from './bans.js';
import {
  type ClientIpInfo,
  type ClientIpOptions,
  type ClientIpResolver,
  createClientIpResolver,
} from './client-ip.js';

/** Burst detection: more than `limit` requests from one client within `windowMs`. */
export interface ShieldBurstOptions {
  /** Default 10 (the seed guide's "more than 10 requests per second"). */
  readonly limit?: number | undefined;
  /** Default 1000. */
  readonly windowMs?: number | undefined;
  /** Default: a bounded in-memory store; a Redis store shares counts across processes. */
  readonly store?: RateLimitStore | undefined;
}

/** Options of {@link shield}. */
export interface ShieldOptions {
  /** How to find the client: options for, or a ready, resolver. Default: the socket address. */
  readonly clientIp?: ClientIpOptions | ClientIpResolver | undefined;
  /** CIDRs never blocked by this rule (monitoring, office). Checked first. */
  readonly allow?: readonly string[] | undefined;
  /** CIDRs always refused (403). */
  readonly deny?: readonly string[] | undefined;
  /** Temporary bans: banned clients get 403; bursts count as failures toward a ban. */
  readonly bans?: BanManager | undefined;
  /** Burst detection; `false` turns it off. Default `{ limit: 10, windowMs: 1000 }`. */
  readonly burst?: ShieldBurstOptions | false | undefined;
  /**
   * User-agent rules, off by default: a user agent is trivially forged, and blocking
   * curl or python-requests (as the seed guide does) mostly hurts legitimate API clients.
   * Substrings are matched case-insensitively.
   */
  readonly userAgents?:
    | { readonly deny: readonly string[] | ((userAgent: string) => boolean) }
    | undefined;
  readonly dryRun?: boolean | undefined;
  /** Rule name in decisions. Default `'shield'`. */
  readonly name?: string | undefined;
}

function compileCidrs(list: readonly string[] | undefined, option: string): Cidr[] {
  const out: Cidr[] = [];
  for (const text of list ?? []) {
    const r = parseCidr(text);
    if (!r.ok) {
      throw new TypeError(
        `shield: ${option} entry ${JSON.stringify(text)} is not a CIDR such as 203.0.113.0/24 or 2001:db8::/32 (host bits zero).`,
      );
    }
    out.push(r.value);
  }
  return out;
}

const inAny = (ranges: readonly Cidr[], info: ClientIpInfo): boolean => {
  for (let i = 0; i < ranges.length; i++) if (cidrContains(ranges[i]!, info.address)) return true;
  return false;
};

/**
 * Abuse protection for `createSecurity`: CIDR allow and deny lists, temporary bans with
 * escalation (through a {@link BanManager}), burst detection, and user-agent rules only
 * when configured. The client is found through trusted proxies only, and IPv6 clients are
 * keyed by their /64, so rotating addresses inside one network changes nothing.
 *
 * Codes: `SHIELD_ALLOWLISTED` (allow), `SHIELD_IP_DENIED` (403), `SHIELD_USER_AGENT_DENIED`
 * (403), `SHIELD_BANNED` (403, Retry-After), `SHIELD_BURST` (429, Retry-After),
 * `SHIELD_STORE_UNAVAILABLE` (allow; the burst store failed and bursts are not checked).
 * Bans and bursts are keyed `ip:<client key>`, the same key `rateLimit` uses for IPs.
 *
 * @throws TypeError at construction for a malformed CIDR or option.
 * @example
 * ```ts
 * const bans = createBanManager({ threshold: 3, banMs: 10 * 60_000 });
 * const security = createSecurity({
 *   rules: [shield({ clientIp: { trustedProxies: ['cloudflare'] }, bans, deny: ['198.51.100.0/24'] })],
 * });
 * ```
 */
export function shield(options: ShieldOptions = {}): Rule {
  const resolve: ClientIpResolver =
    typeof options.clientIp === 'function'
      ? options.clientIp
      : createClientIpResolver(options.clientIp ?? {});
  const allow = compileCidrs(options.allow, 'allow');
  const deny = compileCidrs(options.deny, 'deny');
  const bans = options.bans;
  const burstOptions = options.burst === false ? undefined : (options.burst ?? {});
  const burstLimit = burstOptions?.limit ?? 10;
  const burstWindow = burstOptions?.windowMs ?? 1000;
  if (burstOptions) {
    if (
      !Number.isInteger(burstLimit) ||
      burstLimit < 1 ||
      !Number.isInteger(burstWindow) ||
      burstWindow < 1
    ) {
      throw new TypeError('shield: burst.limit and burst.windowMs must be positive integers.');
    }
  }
  const burstStore = burstOptions
    ? (burstOptions.store ?? createMemoryRateLimitStore())
    : undefined;
  const memory =
    burstStore && typeof (burstStore as MemoryRateLimitStore).consumeInto === 'function'
      ? (burstStore as MemoryRateLimitStore)
      : undefined;
  const cell = createKernelCell();
  const sliding = ALGORITHM_ID['sliding-window'];

  let uaDeny: ((ua: string) => boolean) | undefined;
  if (options.userAgents) {
    const d = options.userAgents.deny;
    if (typeof d === 'function') uaDeny = d;
    else if (Array.isArray(d) && d.every((s) => typeof s === 'string' && s !== '')) {
      const needles = d.map((s) => s.toLowerCase());
      uaDeny = (ua) => {
        const lower = ua.toLowerCase();
        return needles.some((n) => lower.includes(n));
      };
    } else {
      throw new TypeError('shield: userAgents.deny must be non-empty substrings or a function.');
    }
  }

  const banned = (check: BanCheck, now: number): RuleOutcome => ({
    conclusion: 'deny',
    status: 403,
    code: 'SHIELD_BANNED',
    message: 'Access temporarily blocked.',
    headers: { 'Retry-After': String(Math.max(1, Math.ceil((check.until - now) / 1000))) },
    details: { level: check.level, until: check.until },
  });

  const burstDenied = (retryAfterMs: number): RuleOutcome => ({
    conclusion: 'deny',
    status: 429,
    code: 'SHIELD_BURST',
    message: 'Too many requests.',
    headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
  });

  async function afterBurst(
    key: string,
    allowed: boolean,
    retryAfterMs: number,
    now: number,
  ): Promise<RuleOutcome> {
    if (allowed) return { conclusion: 'allow' };
    if (bans) {
      const check = await bans.recordFailure(key, now);
      if (check.banned) return banned(check, now);
    }
    return burstDenied(retryAfterMs);
  }

  async function checkBurst(key: string, now: number): Promise<RuleOutcome> {
    if (!burstStore) return { conclusion: 'allow' };
    if (memory) {
      memory.consumeInto(
        `shield:${key}`,
        sliding,
        burstLimit,
        burstWindow,
        burstLimit,
        1,
        now,
        cell,
      );
      return afterBurst(key, cell.allowed, cell.retryAfterMs, now);
    }
    try {
      const r = await burstStore.consume({
        key: `shield:${key}`,
        algorithm: 'sliding-window',
        limit: burstLimit,
        windowMs: burstWindow,
        burst: burstLimit,
        cost: 1,
        now,
      });
      return afterBurst(key, r.allowed, r.retryAfterMs, now);
    } catch {
      return { conclusion: 'allow', code: 'SHIELD_STORE_UNAVAILABLE' };
    }
  }

  return {
    name: options.name ?? 'shield',
    dryRun: options.dryRun === true,
    async evaluate(ctx: RuleContext): Promise<RuleOutcome> {
      const info = resolve(ctx.request);
      if (info && allow.length > 0 && inAny(allow, info)) {
        return { conclusion: 'allow', code: 'SHIELD_ALLOWLISTED' };
      }
      if (info && deny.length > 0 && inAny(deny, info)) {
        return {
          conclusion: 'deny',
          status: 403,
          code: 'SHIELD_IP_DENIED',
          message: 'Access denied.',
        };
      }
      if (uaDeny) {
        const ua = ctx.request.headers.get('user-agent') ?? '';
        if (uaDeny(ua)) {
          return {
            conclusion: 'deny',
            status: 403,
            code: 'SHIELD_USER_AGENT_DENIED',
            message: 'Access denied.',
          };
        }
      }
      if (!info) return { conclusion: 'allow' };
      const key = `ip:${info.key}`;
      if (bans) {
        const check = await bans.status(key, ctx.now);
        if (check.banned) return banned(check, ctx.now);
      }
      return checkBurst(key, ctx.now);
    },
  };
}
