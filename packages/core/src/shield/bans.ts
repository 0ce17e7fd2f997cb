import { BoundedMap } from '../internal/bounded-map.js';
import { callTime } from '../internal/options.js';

/** Where a key stands: banned or not, until when, at which escalation level. */
export interface BanStatus {
  readonly banned: boolean;
  /** End of the ban (ms since epoch); 0 when not banned. */
  readonly until: number;
  /** Bans so far in the escalation memory (0 = none); each raises the next ban's length. */
  readonly level: number;
  /** Violations counted in the current window (reset when a ban starts). */
  readonly violations: number;
  /**
   * True only in the answer to the violation that crossed the threshold and started this
   * ban (so the ban is reported once, when it happens, not on the client's next request).
   */
  readonly started?: boolean | undefined;
}

/** The numbers a store needs to count a violation atomically. */
export interface BanPolicy {
  /** Violations within `windowMs` that trigger a ban. */
  readonly threshold: number;
  readonly windowMs: number;
  /** First ban's length. */
  readonly banMs: number;
  /** Each further ban lasts `factor` times the previous one (1 = no escalation). */
  readonly factor: number;
  readonly maxBanMs: number;
  /** How long after a ban ends the level is remembered before escalation starts over. */
  readonly levelTtlMs: number;
}

/** Stored per key. */
export interface BanState {
  readonly count: number;
  readonly windowStart: number;
  readonly until: number;
  readonly level: number;
  /** When the record (level included) may be forgotten. */
  readonly expiresAt: number;
}

/**
 * Where bans live, expiry stored with each entry (no timers). Every method is one atomic
 * step, so a Redis implementation is one script per call.
 */
export interface BanStore {
  /** Counts one violation and bans when the threshold is reached, atomically. */
  recordViolation(key: string, policy: BanPolicy, now: number): Promise<BanStatus>;
  /** The status of `key` at `now`. */
  getStatus(key: string, now: number): Promise<BanStatus>;
  /** Forgets counted violations (a success after failures), keeping a ban in force and the level. */
  clearViolations(key: string, now: number): Promise<void>;
  /** Lifts a ban and forgets the level. */
  unban(key: string): Promise<void>;
}

const NOT_BANNED: BanStatus = Object.freeze({ banned: false, until: 0, level: 0, violations: 0 });

/**
 * One violation against a state, `state in -> state out` (the Redis script mirrors it).
 * While banned, violations change nothing.
 *
 * @example
 * ```ts
 * const { state, status } = applyBanViolation(undefined, policy, Date.now());
 * ```
 */
export function applyBanViolation(
  state: BanState | undefined,
  policy: BanPolicy,
  now: number,
): { state: BanState; status: BanStatus } {
  const live = state && state.expiresAt > now ? state : undefined;
  if (live && live.until > now) {
    return {
      state: live,
      status: { banned: true, until: live.until, level: live.level, violations: live.count },
    };
  }
  const fresh = !live || now - live.windowStart >= policy.windowMs || now < live.windowStart;
  let count = fresh ? 1 : live.count + 1;
  const windowStart = fresh ? now : live.windowStart;
  let level = live && live.level > 0 && live.until + policy.levelTtlMs > now ? live.level : 0;
  let until = 0;
  const started = count >= policy.threshold;
  if (started) {
    level += 1;
    const length = Math.min(policy.maxBanMs, policy.banMs * policy.factor ** (level - 1));
    until = now + Math.ceil(length);
    count = 0;
  } else if (live && level > 0) {
    until = live.until; // a past ban, kept so the level's memory can expire from it
  }
  const expiresAt = Math.max(
    windowStart + policy.windowMs,
    level > 0 ? until + policy.levelTtlMs : 0,
  );
  return {
    state: { count, windowStart, until, level, expiresAt },
    status: {
      banned: until > now,
      until: until > now ? until : 0,
      level,
      violations: count,
      ...(started ? { started: true } : {}),
    },
  };
}

/** Reads the status out of a stored state. */
export function readBanStatus(state: BanState | undefined, now: number): BanStatus {
  if (!state || state.expiresAt <= now) return NOT_BANNED;
  const banned = state.until > now;
  return { banned, until: banned ? state.until : 0, level: state.level, violations: state.count };
}

/** Options of {@link createMemoryBanStore}. */
export interface MemoryBanStoreOptions {
  /** Cap on keys held. Default 100,000. */
  readonly maxKeys?: number | undefined;
}

/**
 * The bounded in-memory ban store (one process). Expiry is stored with each entry and
 * checked on read; no timers.
 *
 * @example
 * ```ts
 * const bans = createBanManager({ store: createMemoryBanStore() });
 * ```
 */
export function createMemoryBanStore(options: MemoryBanStoreOptions = {}): BanStore {
  const map = new BoundedMap<BanState>(options.maxKeys ?? 100_000);
  return {
    recordViolation(key, policy, now) {
      const { state, status } = applyBanViolation(map.get(key, now), policy, now);
      map.set(key, state, state.expiresAt, now);
      return Promise.resolve(status);
    },
    getStatus(key, now) {
      return Promise.resolve(readBanStatus(map.get(key, now), now));
    },
    clearViolations(key, now) {
      const state = map.get(key, now);
      if (state && state.count > 0) {
        if (state.level === 0 && state.until <= now) map.delete(key);
        else map.set(key, { ...state, count: 0 }, state.expiresAt, now);
      }
      return Promise.resolve();
    },
    unban(key) {
      map.delete(key);
      return Promise.resolve();
    },
  };
}

/** Options of {@link createBanManager}. */
export interface BanManagerOptions {
  /** Default: a bounded in-memory store. */
  readonly store?: BanStore | undefined;
  /** Violations within `windowMs` that ban. Default 5. */
  readonly threshold?: number | undefined;
  /** Default 15 minutes. */
  readonly windowMs?: number | undefined;
  /** First ban's length. Default 15 minutes. */
  readonly banMs?: number | undefined;
  /**
   * Longer bans for repeat offenders: each ban `factor` (default 2) times the last, at most
   * `maxBanMs` (default 24 h), remembered `resetAfterMs` (default 24 h) after a ban ends.
   * `false` keeps every ban at `banMs`.
   */
  readonly escalation?:
    | {
        readonly factor?: number | undefined;
        readonly maxBanMs?: number | undefined;
        readonly resetAfterMs?: number | undefined;
      }
    | false
    | undefined;
  /** When the store fails: `'open'` (default) treats the key as not banned, `'closed'` as banned. */
  readonly failMode?: 'open' | 'closed' | undefined;
  /** Prepended to keys. Default `'ban:'`. */
  readonly prefix?: string | undefined;
  readonly clock?: (() => number) | undefined;
  /**
   * Called once when a failure crosses the threshold and a ban starts (with the key as
   * given, without `prefix`), e.g. to write an audit event or alert. Errors are swallowed.
   */
  readonly onBan?: ((ban: BanStarted) => unknown) | undefined;
}

/** What {@link BanManagerOptions.onBan} receives. */
export interface BanStarted {
  readonly key: string;
  /** End of the ban (ms since epoch). */
  readonly until: number;
  /** Escalation level of this ban (1 = first). */
  readonly level: number;
  /** When the threshold was crossed. */
  readonly now: number;
}

/** A ban status, or the fail mode's answer when the store failed. */
export interface BanCheck extends BanStatus {
  /** Present when the store could not answer. */
  readonly error?: 'store_unavailable' | undefined;
}

/** Temporary bans with escalation; call it from login handlers, rules and audit hooks. */
export interface BanManager {
  /** Counts a failure (bad password, rate-limit denial, burst) against `key`; bans at the threshold. */
  recordFailure(key: string, now?: number): Promise<BanCheck>;
  /** A success: forgets the counted failures (consecutive-failures pattern); a ban stays. */
  recordSuccess(key: string, now?: number): Promise<void>;
  isBanned(key: string, now?: number): Promise<boolean>;
  status(key: string, now?: number): Promise<BanCheck>;
  unban(key: string): Promise<void>;
  readonly policy: BanPolicy;
}

const positive = (name: string, v: number, integer = true): number => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new TypeError(
      `createBanManager: ${name} must be a positive ${integer ? 'integer' : 'number'}.`,
    );
  }
  return v;
};

/**
 * Bans a key (a client IP, an account) after `threshold` failures within `windowMs`,
 * for `banMs`, longer each time it comes back. State lives in a {@link BanStore} with its
 * expiry, so it survives across processes with @jaf-sec/redis and needs no timers.
 * Never rejects: a store outage answers by `failMode` with `error: 'store_unavailable'`.
 *
 * @throws TypeError at construction for non-positive numbers or a factor below 1.
 * @example
 * ```ts
 * const bans = createBanManager({ threshold: 5, windowMs: 15 * 60_000, banMs: 15 * 60_000 });
 * if (await bans.isBanned(`account:${email}`)) return deny();
 * if (!passwordOk) await bans.recordFailure(`account:${email}`);
 * else await bans.recordSuccess(`account:${email}`);
 * ```
 */
export function createBanManager(options: BanManagerOptions = {}): BanManager {
  const store = options.store ?? createMemoryBanStore();
  const esc = options.escalation === false ? undefined : (options.escalation ?? {});
  const banMs = positive('banMs', options.banMs ?? 15 * 60_000);
  const factor = esc ? positive('escalation.factor', esc.factor ?? 2, false) : 1;
  if (factor < 1) throw new TypeError('createBanManager: escalation.factor must be >= 1.');
  const policy: BanPolicy = Object.freeze({
    threshold: positive('threshold', options.threshold ?? 5),
    windowMs: positive('windowMs', options.windowMs ?? 15 * 60_000),
    banMs,
    factor,
    maxBanMs: esc ? positive('escalation.maxBanMs', esc.maxBanMs ?? 24 * 3_600_000) : banMs,
    levelTtlMs: esc ? positive('escalation.resetAfterMs', esc.resetAfterMs ?? 24 * 3_600_000) : 1,
  });
  const failMode = options.failMode ?? 'open';
  if (failMode !== 'open' && failMode !== 'closed') {
    throw new TypeError(`createBanManager: failMode must be 'open' or 'closed'.`);
  }
  const prefix = options.prefix ?? 'ban:';
  const clock = options.clock ?? Date.now;
  const onBan = options.onBan;
  if (onBan !== undefined && typeof onBan !== 'function') {
    throw new TypeError(
      'createBanManager: onBan must be a function ({ key, until, level }) => void.',
    );
  }
  const unavailable = (now: number): BanCheck => ({
    banned: failMode === 'closed',
    until: failMode === 'closed' ? now + 1000 : 0,
    level: 0,
    violations: 0,
    error: 'store_unavailable',
  });

  return {
    policy,
    async recordFailure(key, given) {
      const now = callTime('recordFailure', given, clock);
      let status: BanStatus;
      try {
        status = await store.recordViolation(prefix + key, policy, now);
      } catch {
        return unavailable(now);
      }
      if (status.started && onBan) {
        try {
          const r = onBan({ key, until: status.until, level: status.level, now });
          if (r instanceof Promise) r.catch(() => {});
        } catch {
          // Reporting a ban never changes it.
        }
      }
      return status;
    },
    async recordSuccess(key, given) {
      const now = callTime('recordSuccess', given, clock);
      try {
        await store.clearViolations(prefix + key, now);
      } catch {
        // Forgetting failures is best effort; the window expires them anyway.
      }
    },
    async status(key, given) {
      const now = callTime('status', given, clock);
      try {
        return await store.getStatus(prefix + key, now);
      } catch {
        return unavailable(now);
      }
    },
    async isBanned(key, given) {
      const now = callTime('isBanned', given, clock);
      return (await this.status(key, now)).banned;
    },
    async unban(key) {
      try {
        await store.unban(prefix + key);
      } catch {
        // Reported by the next status check.
      }
    },
  };
}
