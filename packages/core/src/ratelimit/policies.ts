import type { RateLimitAlgorithm } from './algorithms.js';
import type { RateLimitPolicy } from './types.js';

/** The seed guide's policies: default 100/min, chat 20/min, api 1000/h, upload 5 per 5 min. */
export const DEFAULT_RATE_LIMIT_POLICIES: Readonly<Record<string, RateLimitPolicy>> = Object.freeze(
  {
    default: Object.freeze({ limit: 100, windowMs: 60_000 }),
    chat: Object.freeze({ limit: 20, windowMs: 60_000 }),
    api: Object.freeze({ limit: 1000, windowMs: 3_600_000 }),
    upload: Object.freeze({ limit: 5, windowMs: 300_000 }),
  },
);

/** A policy with every field resolved, as stores receive it. */
export interface CompiledRateLimitPolicy {
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
  readonly algorithm: RateLimitAlgorithm;
  readonly burst: number;
}

const ALGORITHMS: readonly RateLimitAlgorithm[] = [
  'token-bucket',
  'gcra',
  'sliding-window',
  'fixed-window',
];

/**
 * Validates a policy once, at construction.
 * @throws TypeError with a fix-it message when a field is out of range.
 */
export function compileRateLimitPolicy(
  name: string,
  policy: RateLimitPolicy,
): CompiledRateLimitPolicy {
  const where = `rate-limit policy "${name}"`;
  if (!policy || typeof policy !== 'object') {
    throw new TypeError(
      `${where}: pass { limit, windowMs }, e.g. { limit: 100, windowMs: 60_000 }.`,
    );
  }
  const { limit, windowMs } = policy;
  if (typeof limit !== 'number' || !Number.isFinite(limit) || limit <= 0) {
    throw new TypeError(`${where}: limit must be a positive number (requests per window).`);
  }
  if (!Number.isInteger(windowMs) || windowMs < 1) {
    throw new TypeError(`${where}: windowMs must be a positive whole number of milliseconds.`);
  }
  const algorithm = policy.algorithm ?? 'token-bucket';
  if (!ALGORITHMS.includes(algorithm)) {
    throw new TypeError(`${where}: algorithm must be one of ${ALGORITHMS.join(', ')}.`);
  }
  const burst = policy.burst ?? limit;
  if (typeof burst !== 'number' || !Number.isFinite(burst) || burst <= 0) {
    throw new TypeError(`${where}: burst must be a positive number.`);
  }
  if (
    policy.burst !== undefined &&
    (algorithm === 'fixed-window' || algorithm === 'sliding-window')
  ) {
    throw new TypeError(`${where}: burst applies to token-bucket and gcra only.`);
  }
  return Object.freeze({ name, limit, windowMs, algorithm, burst });
}

function isUnreserved(c: number): boolean {
  return (
    (c >= 65 && c <= 90) || // A-Z
    (c >= 97 && c <= 122) || // a-z
    (c >= 48 && c <= 57) || // 0-9
    c === 45 || // -
    c === 46 || // .
    c === 95 || // _
    c === 126 // ~
  );
}

function hex(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * The path as route matching sees it, so a policy cannot be dodged by spelling: `%XX`
 * escapes of unreserved characters decoded (`/%63hat`, `/%2e%2e/`), other escapes
 * upper-cased and kept (an encoded `/` stays inside its segment, as routers treat it),
 * `.`/`..` segments resolved, repeated `/` collapsed, a trailing `/` dropped and, unless
 * `caseSensitive`, lower-cased. Linear time, no regex.
 *
 * @example
 * ```ts
 * normalizeRatePath('//Chat/./%2E%2E/chat/'); // '/chat'
 * ```
 */
export function normalizeRatePath(path: string, caseSensitive = false): string {
  const segments: string[] = [];
  let seg = '';
  const flush = () => {
    if (seg === '' || seg === '.') {
      // empty (from '//') and '.' segments vanish
    } else if (seg === '..') segments.pop();
    else segments.push(seg);
    seg = '';
  };
  const end = path.indexOf('?') === -1 ? path.length : path.indexOf('?');
  for (let i = 0; i < end; i++) {
    let c = path.charCodeAt(i);
    if (c === 47 /* / */ || c === 92 /* \ : WHATWG treats it as / in http URLs */) {
      flush();
      continue;
    }
    if (c === 37 /* % */ && i + 2 < end) {
      const h1 = hex(path.charCodeAt(i + 1));
      const h2 = hex(path.charCodeAt(i + 2));
      if (h1 >= 0 && h2 >= 0) {
        const decoded = (h1 << 4) | h2;
        i += 2;
        if (isUnreserved(decoded)) {
          c = decoded;
        } else {
          seg += `%${path[i - 1]!.toUpperCase()}${path[i]!.toUpperCase()}`;
          continue;
        }
      }
    }
    if (!caseSensitive && c >= 65 && c <= 90) c += 32;
    seg += String.fromCharCode(c);
  }
  flush();
  return `/${segments.join('/')}`;
}

/** True when `path` equals `prefix` or continues it at a segment boundary. */
export function isPathPrefix(path: string, prefix: string): boolean {
  if (prefix === '/') return true;
  if (!path.startsWith(prefix)) return false;
  return path.length === prefix.length || path.charCodeAt(prefix.length) === 47;
}
