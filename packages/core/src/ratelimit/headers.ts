import type { RateLimitResult } from './types.js';

/**
 * Which response fields to send:
 * - `draft-7`: `RateLimit: limit=100, remaining=99, reset=60` and `RateLimit-Policy: 100;w=60`
 *   (draft-ietf-httpapi-ratelimit-headers-07, what most clients read today).
 * - `draft-11`: the current draft's structured fields, `RateLimit-Policy: "chat";q=20;w=60`
 *   and `RateLimit: "chat";r=19;t=60` (the syntax of drafts 08 to 11).
 * - `legacy`: `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (epoch seconds).
 *
 * `Retry-After` (seconds) is added on every denial that can be retried, whatever the set.
 */
export type RateLimitHeaderFormat = 'draft-7' | 'draft-11' | 'legacy';

const FORMATS: readonly RateLimitHeaderFormat[] = ['draft-7', 'draft-11', 'legacy'];

/** Checks a header-format option once. @throws TypeError on an unknown format. */
export function resolveHeaderFormats(
  formats: RateLimitHeaderFormat | readonly RateLimitHeaderFormat[] | false | undefined,
  fallback: readonly RateLimitHeaderFormat[],
): readonly RateLimitHeaderFormat[] {
  if (formats === false) return [];
  const list = formats === undefined ? fallback : typeof formats === 'string' ? [formats] : formats;
  for (const f of list) {
    if (!FORMATS.includes(f)) {
      throw new TypeError(
        `rate-limit headers: unknown format "${String(f)}"; use ${FORMATS.join(', ')} or false.`,
      );
    }
  }
  if (list.includes('draft-7') && list.includes('draft-11')) {
    throw new TypeError(
      'rate-limit headers: draft-7 and draft-11 both use the RateLimit field; pick one (plus legacy if you like).',
    );
  }
  return Object.freeze([...list]);
}

/** A policy name as a structured-field string (RFC 8941 sf-string): printable ASCII, escaped. */
function toSfString(name: string): string {
  let out = '"';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) continue;
    if (c === 0x22 || c === 0x5c) out += '\\';
    out += name[i];
  }
  return `${out}"`;
}

/**
 * The response header fields for one decision.
 *
 * @param result - the decision.
 * @param formats - which sets to write (see {@link RateLimitHeaderFormat}).
 * @param now - ms since epoch, to turn `resetAt` into seconds from now.
 * @returns field name -> value.
 * @example
 * ```ts
 * const h = buildRateLimitHeaders(result, ['draft-7', 'legacy'], Date.now());
 * for (const [k, v] of Object.entries(h)) response.headers.set(k, v);
 * ```
 */
export function buildRateLimitHeaders(
  result: RateLimitResult,
  formats: readonly RateLimitHeaderFormat[],
  now: number,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const resetSeconds = Math.max(0, Math.ceil((result.resetAt - now) / 1000));
  const windowSeconds = Math.ceil(result.windowMs / 1000);
  const remaining = Math.max(0, Math.floor(result.remaining));
  for (const format of formats) {
    if (format === 'draft-7') {
      headers['RateLimit-Policy'] = `${result.limit};w=${windowSeconds}`;
      headers.RateLimit = `limit=${result.limit}, remaining=${remaining}, reset=${resetSeconds}`;
    } else if (format === 'draft-11') {
      const name = toSfString(result.policy);
      headers['RateLimit-Policy'] = `${name};q=${result.limit};w=${windowSeconds}`;
      headers.RateLimit = `${name};r=${remaining};t=${resetSeconds}`;
    } else {
      headers['X-RateLimit-Limit'] = String(result.limit);
      headers['X-RateLimit-Remaining'] = String(remaining);
      headers['X-RateLimit-Reset'] = String(Math.ceil(result.resetAt / 1000));
    }
  }
  if (!result.allowed && Number.isFinite(result.retryAfterMs) && result.retryAfterMs > 0) {
    headers['Retry-After'] = String(Math.max(1, Math.ceil(result.retryAfterMs / 1000)));
  }
  return headers;
}
