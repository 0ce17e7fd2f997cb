import {
  type AdapterOptions,
  bridgeWebRequest,
  type Decision,
  type Principal,
  protectBridged,
  resolveAdapterOptions,
  type Security,
  toDenialResponse,
} from '@jaf-sec/core/protect';
import type { MiddlewareHandler } from 'hono';

/** Context variables the middleware sets: `c.get('principal')`, `c.get('securityDecision')`. */
export interface SecurityVariables {
  principal: Principal | undefined;
  securityDecision: Decision;
}

/** The fields of a Hono context the middleware reads (structural). */
export interface HonoContextLike {
  readonly req: { readonly raw: Request; arrayBuffer(): Promise<ArrayBuffer> };
  readonly env?: unknown;
}

/** Options of {@link jafSec}. */
export interface JafSecHonoOptions extends AdapterOptions {
  /**
   * The peer address. Default: the socket of @hono/node-server (`c.env.incoming.socket`);
   * on Bun, Deno or Workers pass e.g. `(c) => getConnInfo(c).remote.address`.
   */
  readonly getIp?: ((c: HonoContextLike) => string | undefined) | undefined;
}

function readNodeServerIp(c: HonoContextLike): string | undefined {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
}

const BYTES = Symbol('jaf-sec body bytes');
const TEXT = Symbol('jaf-sec body text');

interface HonoBodyCache {
  arrayBuffer?: Promise<ArrayBuffer>;
  text?: Promise<string>;
  [BYTES]?: Promise<ArrayBuffer>;
  [TEXT]?: Promise<string>;
}

const utf8 = new TextDecoder();
const decodeUtf8 = (bytes: ArrayBuffer): string => utf8.decode(bytes);

// One accessor pair for every request (per-request closures would give each body cache its
// own property layout): `text` decodes the cached bytes on first use.
const LAZY_TEXT: PropertyDescriptor = {
  configurable: true,
  enumerable: false,
  get(this: HonoBodyCache) {
    this[TEXT] ??= this[BYTES]!.then(decodeUtf8);
    return this[TEXT];
  },
  set(this: HonoBodyCache, value: Promise<string>) {
    this[TEXT] = value;
  },
};

// Reads the body into Hono's cache and also offers it as text, lazily: c.req.json() and
// c.req.text() then decode the cached bytes instead of rebuilding a Response around them.
function readThroughCache(c: HonoContextLike): Promise<ArrayBuffer> {
  const req = c.req as { arrayBuffer(): Promise<ArrayBuffer>; bodyCache?: HonoBodyCache };
  const bytes = req.arrayBuffer();
  const cache = req.bodyCache;
  if (cache && cache.text === undefined) {
    cache[BYTES] = bytes;
    Object.defineProperty(cache, 'text', LAZY_TEXT);
  }
  return bytes;
}

function hasAny(headers: Readonly<Record<string, string>>): boolean {
  for (const _ in headers) return true;
  return false;
}

// Hono never sends X-Powered-By itself, so there is nothing to remove; touching `res.headers`
// only when there is something to write keeps @hono/node-server's fast response path.
function writeHeaders(res: Response, headers: Readonly<Record<string, string>>): Response {
  try {
    for (const name in headers) res.headers.set(name, headers[name]!);
    return res;
  } catch {
    // Immutable headers (e.g. a Response from fetch): copy into a new Response.
    const copy = new Response(res.body, res);
    for (const name in headers) copy.headers.set(name, headers[name]!);
    return copy;
  }
}

/**
 * Hono middleware that runs `security.protect()` before the handler.
 *
 * Allowed requests continue with `c.get('principal')` and `c.get('securityDecision')`;
 * denials are answered with the decision's status and `{"error":{"code","message"}}`.
 * Decision headers are written on every response. Rules may read the raw body (through
 * Hono's body cache, or a bounded clone when the length is not declared; 413
 * `BODY_TOO_LARGE` beyond `bodyLimit`), and the handler still calls `c.req.json()`,
 * `c.req.text()` or `c.req.parseBody()` (not `c.req.raw.json()`, as with any Hono middleware
 * that reads the body).
 *
 * @param security - the pipeline from `createSecurity` (use `security.with(rule)` per route).
 * @param options - body limit and how to find the peer address; validated once.
 * @returns a Hono middleware.
 * @throws TypeError when `security` or the options are invalid.
 * @example
 * ```ts
 * const app = new Hono<{ Variables: SecurityVariables }>();
 * app.post('/chat', jafSec(security.with(requirePermission('chat:basic'))),
 *   async (c) => c.json({ user: c.get('principal')?.id, message: await c.req.json() }));
 * ```
 */
export function jafSec(
  security: Security,
  options?: JafSecHonoOptions,
): MiddlewareHandler<{ Variables: SecurityVariables }> {
  if (!security || typeof security.protect !== 'function') {
    throw new TypeError('jafSec: pass the object returned by createSecurity({ rules }).');
  }
  const { bodyLimit } = resolveAdapterOptions(options);
  const getIp = options?.getIp ?? readNodeServerIp;

  return async function jafSecMiddleware(c, next) {
    // Rules read the body through Hono's own body cache, which c.req.json() then reuses.
    const bridged = bridgeWebRequest(c.req.raw, {
      bodyLimit,
      ip: getIp(c),
      readBody: () => readThroughCache(c),
    });
    const decision = await protectBridged(security, bridged);
    c.set('securityDecision', decision);
    if (!decision.allowed) {
      const denial = toDenialResponse(decision);
      return new Response(denial.body, { status: denial.status, headers: denial.headers });
    }
    c.set('principal', decision.principal);
    await next();
    if (hasAny(decision.headers)) {
      const res = writeHeaders(c.res, decision.headers);
      if (res !== c.res) c.res = res;
    }
  };
}
