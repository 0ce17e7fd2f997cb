import { createHash } from 'node:crypto';

/**
 * The part of an ioredis client (or Cluster) this package calls. Structural, so no
 * ioredis types are imported and any compatible client fits.
 */
export interface IoredisLike {
  evalsha(sha: string, numKeys: number, ...args: string[]): Promise<unknown>;
  eval(script: string, numKeys: number, ...args: string[]): Promise<unknown>;
}

/** The part of a node-redis (v4 to v6) client this package calls. */
export interface NodeRedisLike {
  evalSha(sha: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** Either client. */
export type RedisClientLike = IoredisLike | NodeRedisLike;

/** A Lua script with its SHA-1, computed once. */
export interface RedisScript {
  readonly source: string;
  readonly sha: string;
}

/** Prepares a script: its SHA-1 for EVALSHA. */
export function defineScript(source: string): RedisScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/** Thrown (internally, then turned into the fail mode) when Redis did not answer in time. */
export class RedisTimeoutError extends Error {
  constructor(ms: number) {
    super(`Redis did not answer within ${ms} ms`);
    this.name = 'RedisTimeoutError';
  }
}

/**
 * Thrown (internally, then turned into the fail mode) when a call is refused at once because
 * `maxInFlight` calls are already waiting for Redis: a slow Redis never builds an unbounded
 * queue in the application.
 */
export class RedisOverloadedError extends Error {
  constructor(maxInFlight: number) {
    super(`${maxInFlight} Redis calls already in flight`);
    this.name = 'RedisOverloadedError';
  }
}

/** Bounds of {@link createScriptRunner}. */
export interface ScriptRunnerOptions {
  /** Calls allowed to wait for Redis at once; one more is refused at once. Default 10,000. */
  readonly maxInFlight?: number | undefined;
}

/** Runs scripts: EVALSHA, falling back to EVAL (which also caches the script) on NOSCRIPT. */
export interface ScriptRunner {
  run(script: RedisScript, keys: string[], args: string[]): Promise<unknown>;
}

const isNoScript = (error: unknown): boolean =>
  error instanceof Error && error.message.includes('NOSCRIPT');

/**
 * Adapts an ioredis or node-redis client. Each call is one round trip (EVALSHA) except
 * the first after a server restart or SCRIPT FLUSH, which adds one EVAL. A call that
 * takes longer than `timeoutMs` rejects with {@link RedisTimeoutError}; the late reply
 * is swallowed, so an outage never surfaces as an unhandled rejection. While the client
 * holds `maxInFlight` commands not yet answered (timed-out ones included, until Redis answers
 * them or the connection drops), a new call rejects at once with {@link RedisOverloadedError}.
 *
 * @throws TypeError when the client has neither ioredis' `evalsha` nor node-redis' `evalSha`,
 *   or when `timeoutMs` or `maxInFlight` is not a positive number.
 */
export function createScriptRunner(
  client: RedisClientLike,
  timeoutMs: number,
  options: ScriptRunnerOptions = {},
): ScriptRunner {
  if (!client || typeof client !== 'object') {
    throw new TypeError(
      '@jaf-sec/redis: pass a connected ioredis or node-redis client as `client`.',
    );
  }
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError('@jaf-sec/redis: timeoutMs must be a positive number of milliseconds.');
  }
  const maxInFlight = options.maxInFlight ?? 10_000;
  if (!Number.isSafeInteger(maxInFlight) || maxInFlight < 1) {
    throw new TypeError('@jaf-sec/redis: maxInFlight must be a positive integer (calls).');
  }
  let evalsha: (s: RedisScript, keys: string[], args: string[]) => Promise<unknown>;
  let evaluate: (s: RedisScript, keys: string[], args: string[]) => Promise<unknown>;
  const io = client as IoredisLike;
  const nr = client as NodeRedisLike;
  if (typeof io.evalsha === 'function') {
    evalsha = (s, keys, args) => io.evalsha(s.sha, keys.length, ...keys, ...args);
    evaluate = (s, keys, args) => io.eval(s.source, keys.length, ...keys, ...args);
  } else if (typeof nr.evalSha === 'function') {
    evalsha = (s, keys, args) => nr.evalSha(s.sha, { keys, arguments: args });
    evaluate = (s, keys, args) => nr.eval(s.source, { keys, arguments: args });
  } else {
    throw new TypeError(
      '@jaf-sec/redis: the client has neither evalsha (ioredis) nor evalSha (node-redis); pass one of those clients.',
    );
  }

  // Deadlines without a timer per call: pending calls sit in one Set in the order they
  // started (so in deadline order, the timeout being the same for all) and leave it the
  // moment they settle, so nothing outlives its call. While any are pending, one timer
  // sweeps every quarter timeout and rejects the overdue ones: a call gives up between
  // timeoutMs and 1.25 x timeoutMs.
  interface Pending {
    readonly deadline: number;
    readonly reject: (error: unknown) => void;
  }
  const pending = new Set<Pending>();
  // Commands the client still holds (sent or queued, answered or not): a timed-out call
  // leaves `pending` at its deadline, but its command stays in the client until Redis answers
  // or the connection drops, so this count, not `pending`, is what maxInFlight bounds.
  let outstanding = 0;
  const send = (command: () => Promise<unknown>): Promise<unknown> => {
    let sent: Promise<unknown>;
    try {
      sent = command();
    } catch (error) {
      return Promise.reject(error);
    }
    outstanding++;
    return sent.finally(() => {
      outstanding--;
    });
  };
  // Deadlines on a monotonic clock: a wall-clock step must not hold calls past their deadline.
  const clock = (): number => performance.now();
  const period = Math.max(1, Math.ceil(timeoutMs / 4));
  let timer: ReturnType<typeof setTimeout> | undefined;

  const sweep = (): void => {
    timer = undefined;
    const now = clock();
    for (const p of pending) {
      if (p.deadline > now) break;
      pending.delete(p);
      p.reject(new RedisTimeoutError(timeoutMs));
    }
    if (pending.size > 0) arm();
  };
  const arm = (): void => {
    timer = setTimeout(sweep, period);
    // The deadline must not keep a process alive that has nothing else to do.
    timer.unref?.();
  };

  return {
    run(script, keys, args) {
      if (outstanding >= maxInFlight) return Promise.reject(new RedisOverloadedError(maxInFlight));
      return new Promise((resolve, reject) => {
        const call: Pending = { deadline: clock() + timeoutMs, reject };
        pending.add(call);
        if (timer === undefined) arm();
        // A reply after the deadline finds the call gone and is dropped.
        const done = (value: unknown) => {
          if (pending.delete(call)) resolve(value);
        };
        const failed = (error: unknown) => {
          if (pending.delete(call)) reject(error);
        };
        send(() => evalsha(script, keys, args)).then(done, (error: unknown) => {
          if (isNoScript(error) && pending.has(call))
            send(() => evaluate(script, keys, args)).then(done, failed);
          else failed(error);
        });
      });
    },
  };
}
