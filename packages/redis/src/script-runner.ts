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
 * is swallowed, so an outage never surfaces as an unhandled rejection.
 *
 * @throws TypeError when the client has neither ioredis' `evalsha` nor node-redis' `evalSha`.
 */
export function createScriptRunner(client: RedisClientLike, timeoutMs: number): ScriptRunner {
  if (!client || typeof client !== 'object') {
    throw new TypeError(
      '@jaf-sec/redis: pass a connected ioredis or node-redis client as `client`.',
    );
  }
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError('@jaf-sec/redis: timeoutMs must be a positive number of milliseconds.');
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

  // Deadlines without a timer per call: every call has the same timeout, so deadlines
  // come in order; one timer, armed for the oldest pending call, rejects what is overdue
  // and re-arms for the next. A call that settles first is just marked done.
  interface Pending {
    readonly deadline: number;
    reject: ((error: unknown) => void) | undefined;
  }
  const queue: Pending[] = [];
  let head = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const sweep = (): void => {
    timer = undefined;
    const now = Date.now();
    while (head < queue.length) {
      const p = queue[head]!;
      if (p.reject === undefined) {
        head++;
        continue;
      }
      if (p.deadline > now) break;
      const reject = p.reject;
      p.reject = undefined;
      head++;
      reject(new RedisTimeoutError(timeoutMs));
    }
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    } else {
      if (head > 1024) {
        queue.splice(0, head);
        head = 0;
      }
      arm(queue[head]!.deadline - now);
    }
  };
  const arm = (delay: number): void => {
    timer = setTimeout(sweep, Math.max(1, delay));
    // The deadline must not keep a process alive that has nothing else to do.
    timer.unref?.();
  };

  return {
    run(script, keys, args) {
      return new Promise((resolve, reject) => {
        const pending: Pending = { deadline: Date.now() + timeoutMs, reject };
        queue.push(pending);
        if (timer === undefined) arm(timeoutMs);
        const done = (value: unknown) => {
          if (pending.reject === undefined) return; // timed out already: swallow the late reply
          pending.reject = undefined;
          resolve(value);
        };
        const failed = (error: unknown) => {
          if (pending.reject === undefined) return;
          pending.reject = undefined;
          reject(error);
        };
        evalsha(script, keys, args).then(done, (error: unknown) => {
          if (isNoScript(error)) evaluate(script, keys, args).then(done, failed);
          else failed(error);
        });
      });
    },
  };
}
