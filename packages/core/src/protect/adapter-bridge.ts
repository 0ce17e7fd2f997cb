// Bridging code shared by the framework adapters (@jaf-sec/express, fastify, hono, next): it
// turns a framework's request into a SecurityRequest and a Decision back into a response, so
// the adapters stay thin and hold no security logic. Everything here is structural (only the
// fields it reads), so core keeps no dependency on Node or on any framework.
import { concatBytes } from '../internal/bytes.js';
import type { Security } from './create-security.js';
import type { Decision, HeaderReader, SecurityRequest } from './types.js';

/** Default cap on the raw body a rule may read: 1 MiB. */
export const DEFAULT_BODY_LIMIT = 1_048_576;

/**
 * Codes an adapter answers with when the raw body cannot be handed to a rule.
 * - `BODY_TOO_LARGE` (413): the declared or streamed body exceeds `bodyLimit`.
 * - `BODY_UNAVAILABLE` (500): something consumed the body before the adapter without keeping
 *   the raw bytes (e.g. a body parser placed first without `verify: captureRawBody`).
 */
export type AdapterErrorCode = 'BODY_TOO_LARGE' | 'BODY_UNAVAILABLE';

/** Options every adapter accepts. */
export interface AdapterOptions {
  /** Largest raw body (bytes) a rule may read through `body()`. Default 1 MiB. */
  readonly bodyLimit?: number | undefined;
  /**
   * Origin used to build the absolute URL, e.g. `https://api.example.com`, for servers behind
   * a TLS-terminating proxy. Default: `http(s)://` + the Host header of the request.
   */
  readonly origin?: string | undefined;
}

/** A SecurityRequest plus what the adapter needs to know about its body afterwards. */
export interface BridgedRequest {
  readonly request: SecurityRequest;
  /** Set when a rule asked for the body and it could not be read. */
  bodyError(): AdapterErrorCode | undefined;
}

/** What an adapter writes for a denial: a status and, unless it has none, a JSON body. */
export interface DenialResponse {
  readonly status: number;
  /** Headers of the decision plus content-type and cache-control when there is a body. */
  readonly headers: Readonly<Record<string, string>>;
  /** `{"error":{"code","message"}}`, or null for a 'respond' outcome or a bodiless status. */
  readonly body: string | null;
}

type BodyResult = { ok: true; bytes: Uint8Array } | { ok: false; code: AdapterErrorCode };

const EMPTY = new Uint8Array(0);

/**
 * Checks adapter options once, at construction.
 *
 * @param options - the adapter's options, possibly undefined.
 * @returns the body limit and the origin (without a trailing slash) to use.
 * @throws TypeError when `bodyLimit` is not a positive integer or `origin` is not an http(s) origin.
 * @example
 * ```ts
 * const { bodyLimit } = resolveAdapterOptions({ bodyLimit: 64 * 1024 });
 * ```
 */
export function resolveAdapterOptions(options: AdapterOptions | undefined): {
  bodyLimit: number;
  origin: string | undefined;
} {
  const bodyLimit = options?.bodyLimit ?? DEFAULT_BODY_LIMIT;
  if (!Number.isSafeInteger(bodyLimit) || bodyLimit <= 0) {
    throw new TypeError(
      'jaf-sec adapter: bodyLimit must be a positive integer number of bytes, e.g. 1048576 (1 MiB).',
    );
  }
  let origin: string | undefined;
  if (options?.origin !== undefined) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(options.origin);
    } catch {}
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      throw new TypeError(
        'jaf-sec adapter: origin must be an http(s) origin such as "https://api.example.com".',
      );
    }
    origin = parsed.origin;
  }
  return { bodyLimit, origin };
}

/** Node's `IncomingHttpHeaders` shape: lower-case names, arrays for repeated fields. */
export type NodeHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * A HeaderReader over Node-style headers (lower-case keys; repeated fields as arrays).
 *
 * @param headers - e.g. `req.headers` of a Node `IncomingMessage`.
 * @returns a reader whose `get` is case-insensitive and joins repeated fields with ", ".
 * @example
 * ```ts
 * createNodeHeaderReader({ authorization: 'Bearer x' }).get('Authorization'); // 'Bearer x'
 * ```
 */
export function createNodeHeaderReader(headers: NodeHeaders): HeaderReader {
  return {
    get(name: string): string | null {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return typeof value === 'string' ? value : value.join(', ');
    },
  };
}

// A Host header is only used when it is a plain host[:port]; anything else (a path, a user
// part, spaces) could shift where the URL parser puts the path that rules match on.
function isPlainHost(host: string): boolean {
  if (host.length === 0 || host.length > 255) return false;
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    const isAlnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    // . - : [ ]
    if (!isAlnum && c !== 46 && c !== 45 && c !== 58 && c !== 91 && c !== 93) return false;
  }
  return true;
}

/**
 * Builds the absolute URL of a Node request from its Host header and request target.
 *
 * @param target - the request target (`req.url`, `req.originalUrl`), normally origin-form `/path?q`.
 * @param host - the Host header, used only when it is a plain `host[:port]`; otherwise `localhost`.
 * @param encrypted - whether the socket is TLS.
 * @param origin - a configured origin that wins over Host (see {@link AdapterOptions.origin}).
 * @returns e.g. `http://127.0.0.1:3000/chat?x=1`.
 * @example
 * ```ts
 * buildAbsoluteUrl('/chat', 'localhost:3000', false, undefined); // 'http://localhost:3000/chat'
 * ```
 */
export function buildAbsoluteUrl(
  target: string | undefined,
  host: string | null | undefined,
  encrypted: boolean,
  origin: string | undefined,
): string {
  let path = target ?? '/';
  if (path.charCodeAt(0) !== 47 /* / */) {
    // Absolute-form (proxy requests) or asterisk-form: keep only path and query.
    try {
      const parsed = new URL(path);
      // Only http(s) targets have a hierarchical path; "a:$" has an opaque one that would
      // run into the host.
      path =
        parsed.protocol === 'http:' || parsed.protocol === 'https:'
          ? parsed.pathname + parsed.search
          : '/';
    } catch {
      path = '/';
    }
  } else if (path.charCodeAt(1) === 47) {
    // "//evil.example/x" must stay a path, not become a host.
    path = `/${path.replace(/^\/+/, '')}`;
  }
  if (origin) return origin + path;
  const base = host && isPlainHost(host) ? host : 'localhost';
  return `${encrypted ? 'https' : 'http'}://${base}${path}`;
}

function declaredLength(headers: HeaderReader): number | undefined {
  const value = headers.get('content-length');
  if (value === null) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

function createCachedBody(read: () => Promise<BodyResult>): {
  body: () => Promise<Uint8Array>;
  error: () => AdapterErrorCode | undefined;
} {
  let pending: Promise<BodyResult> | undefined;
  let error: AdapterErrorCode | undefined;
  return {
    body() {
      pending ??= read();
      return pending.then((result) => {
        if (result.ok) return result.bytes;
        error = result.code;
        // The rule sees a failure; the adapter then answers with `error` instead of 503.
        throw new Error(result.code);
      });
    },
    error: () => error,
  };
}

/** The part of a Node `IncomingMessage` (or `Http2ServerRequest`) the bridge reads. */
export interface NodeRequestLike {
  readonly method?: string | undefined;
  readonly url?: string | undefined;
  readonly headers: NodeHeaders;
  readonly socket?:
    | { readonly remoteAddress?: string | undefined; readonly encrypted?: boolean | undefined }
    | null
    | undefined;
  /** True once the whole message has been received (Node sets it before the stream ends). */
  readonly complete?: boolean | undefined;
  readonly readable?: boolean | undefined;
  readonly readableEnded?: boolean | undefined;
  readonly readableFlowing?: boolean | null | undefined;
  on(event: string, listener: (...args: never[]) => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  read(): unknown;
  unshift(chunk: Uint8Array): void;
}

/** Options of {@link bridgeNodeRequest}. */
export interface BridgeNodeOptions {
  readonly bodyLimit: number;
  readonly origin?: string | undefined;
  /** Request target to use instead of `req.url` (Express: `req.originalUrl`). */
  readonly target?: string | undefined;
  /** Raw bytes a body parser kept (see `captureRawBody` in @jaf-sec/express), if any. */
  readonly rawBody?: (() => Uint8Array | undefined) | undefined;
  readonly requestId?: string | undefined;
}

// Reads the whole body of a Node request, then puts the bytes back at the front of the
// stream before it emits 'end', so a body parser that runs after us reads them as if nothing
// had happened. Node schedules 'end' only when the buffer is empty; unshifting synchronously
// after the last read keeps it from being emitted.
function readNodeBody(
  req: NodeRequestLike,
  limit: number,
  declared: number | undefined,
): BodyResult | Promise<BodyResult> {
  const chunks: Uint8Array[] = [];
  // A small body has usually arrived with the headers: when the message is complete, its
  // bytes are all in the stream's buffer and are read now, without listeners or a promise.
  if (req.complete) return drainNodeBody(req, limit, declared, chunks, 0).result!;
  return new Promise((resolve) => {
    let size = 0;
    const finish = (result: BodyResult) => {
      req.removeListener('readable', onReadable);
      req.removeListener('error', onError);
      req.removeListener('aborted', onError);
      req.removeListener('end', onError);
      resolve(result);
    };
    // 'end' before we saw the whole body (a stream that is not an IncomingMessage and
    // declared no length): the bytes cannot be handed back, so say so instead of hanging.
    function onError() {
      finish({ ok: false, code: 'BODY_UNAVAILABLE' });
    }
    function onReadable() {
      const drained = drainNodeBody(req, limit, declared, chunks, size);
      size = drained.size;
      if (drained.result !== undefined) finish(drained.result);
    }
    req.on('error', onError);
    req.on('aborted', onError);
    req.on('end', onError);
    req.on('readable', onReadable);
  });
}

// Reads what the stream holds into `chunks`; once the message is complete, puts the bytes
// back (in the same tick as the last read, see readNodeBody) and gives the result.
function drainNodeBody(
  req: NodeRequestLike,
  limit: number,
  declared: number | undefined,
  chunks: Uint8Array[],
  size: number,
): { size: number; result: BodyResult | undefined } {
  for (;;) {
    const chunk = req.read();
    if (chunk === null || chunk === undefined) break;
    if (!(chunk instanceof Uint8Array))
      return { size, result: { ok: false, code: 'BODY_UNAVAILABLE' } };
    size += chunk.byteLength;
    if (size > limit) return { size, result: { ok: false, code: 'BODY_TOO_LARGE' } };
    chunks.push(chunk);
  }
  // An IncomingMessage says when it is complete; other readable requests (light-my-request's,
  // behind Fastify's inject()) have no `complete`, so a declared length that has all been
  // read counts as complete too.
  if (!req.complete && (declared === undefined || size < declared)) {
    return { size, result: undefined };
  }
  const bytes = chunks.length === 1 ? chunks[0]! : concatBytes(...chunks);
  if (bytes.byteLength > 0) req.unshift(bytes);
  // Copy so that the caller's bytes cannot change under the app's parser (or vice versa).
  return { size, result: { ok: true, bytes: new Uint8Array(bytes) } };
}

/**
 * Builds a SecurityRequest from a Node request (Express, Fastify, plain `node:http`).
 *
 * `body()` is lazy and cached: the stream is only read when a rule asks, bounded by
 * `bodyLimit`, and the bytes are put back so the application's own body parser still works.
 *
 * @param req - the Node request (structural: only the fields of {@link NodeRequestLike}).
 * @param options - body limit, origin, request target, raw bytes kept by a parser.
 * @returns the request and a way to learn afterwards whether reading the body failed.
 * @example
 * ```ts
 * const bridged = bridgeNodeRequest(req, { bodyLimit: DEFAULT_BODY_LIMIT });
 * const decision = await protectBridged(security, bridged);
 * ```
 */
export function bridgeNodeRequest(
  req: NodeRequestLike,
  options: BridgeNodeOptions,
): BridgedRequest {
  const headers = createNodeHeaderReader(req.headers);
  const limit = options.bodyLimit;
  const cached = createCachedBody(async () => {
    const kept = options.rawBody?.();
    if (kept) {
      return kept.byteLength > limit
        ? { ok: false, code: 'BODY_TOO_LARGE' }
        : { ok: true, bytes: kept };
    }
    const declared = declaredLength(headers);
    if (declared !== undefined && declared > limit) return { ok: false, code: 'BODY_TOO_LARGE' };
    if (declared === 0 || (declared === undefined && headers.get('transfer-encoding') === null)) {
      return { ok: true, bytes: EMPTY };
    }
    if (req.readableEnded || req.readable === false || req.readableFlowing === true) {
      return { ok: false, code: 'BODY_UNAVAILABLE' };
    }
    return readNodeBody(req, limit, declared);
  });
  const request: SecurityRequest = {
    method: (req.method ?? 'GET').toUpperCase(),
    url: buildAbsoluteUrl(
      options.target ?? req.url,
      headers.get('host'),
      req.socket?.encrypted === true,
      options.origin,
    ),
    headers,
    ip: req.socket?.remoteAddress,
    body: cached.body,
    requestId: options.requestId,
  };
  return { request, bodyError: cached.error };
}

/** The part of a Web `Request` the bridge reads. */
export interface WebRequestLike {
  readonly method: string;
  readonly url: string;
  readonly headers: HeaderReader;
  readonly bodyUsed: boolean;
  clone(): { readonly body: ReadableStream<Uint8Array> | null };
}

/** Options of {@link bridgeWebRequest}. */
export interface BridgeWebOptions {
  readonly bodyLimit: number;
  /** Peer address, when the platform exposes it (e.g. @hono/node-server's socket). */
  readonly ip?: string | undefined;
  /**
   * The framework's own cached body reader (e.g. Hono's `c.req.arrayBuffer()`, whose cache
   * `c.req.json()` reuses), used instead of a clone when the declared Content-Length is within
   * the limit. A body of unknown length is always read from a clone, bounded as it streams.
   */
  readonly readBody?: (() => Promise<ArrayBuffer | Uint8Array>) | undefined;
  readonly requestId?: string | undefined;
}

async function readWebBody(
  request: WebRequestLike,
  limit: number,
  readBody: BridgeWebOptions['readBody'],
): Promise<BodyResult> {
  const declared = declaredLength(request.headers);
  if (declared !== undefined && declared > limit) return { ok: false, code: 'BODY_TOO_LARGE' };
  if (declared !== undefined && readBody) {
    try {
      const read = await readBody();
      const bytes = read instanceof Uint8Array ? read : new Uint8Array(read);
      // The declared length bounded the read; a body that lies about it still stops here.
      return bytes.byteLength > limit
        ? { ok: false, code: 'BODY_TOO_LARGE' }
        : { ok: true, bytes: new Uint8Array(bytes) };
    } catch {
      return { ok: false, code: 'BODY_UNAVAILABLE' };
    }
  }
  if (request.bodyUsed) return { ok: false, code: 'BODY_UNAVAILABLE' };
  // A clone tees the stream: the application still reads the original, untouched.
  const stream = request.clone().body;
  if (!stream) return { ok: true, bytes: EMPTY };
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        // Not awaited: cancelling one branch of a tee settles only once the other branch
        // is cancelled too, and the application still owns that one.
        reader.cancel().catch(() => {});
        return { ok: false, code: 'BODY_TOO_LARGE' };
      }
      chunks.push(value);
    }
  } catch {
    return { ok: false, code: 'BODY_UNAVAILABLE' };
  }
  return { ok: true, bytes: chunks.length === 1 ? chunks[0]! : concatBytes(...chunks) };
}

/**
 * Builds a SecurityRequest from a Web `Request` (Hono, Next.js route handlers, fetch handlers).
 *
 * `body()` is lazy and cached and reads a clone, so the handler can still call
 * `request.json()`.
 *
 * @param request - a Web `Request` (structural).
 * @param options - body limit and, when known, the peer address.
 * @returns the request and a way to learn afterwards whether reading the body failed.
 * @example
 * ```ts
 * export default { fetch: async (req: Request) => {
 *   const decision = await protectBridged(security, bridgeWebRequest(req, { bodyLimit: DEFAULT_BODY_LIMIT }));
 *   return decision.allowed ? new Response('ok') : toDenialResponse(decision).body ...
 * } };
 * ```
 */
export function bridgeWebRequest(
  request: WebRequestLike,
  options: BridgeWebOptions,
): BridgedRequest {
  const cached = createCachedBody(() => readWebBody(request, options.bodyLimit, options.readBody));
  return {
    request: {
      method: request.method.toUpperCase(),
      url: request.url,
      headers: request.headers,
      ip: options.ip,
      body: cached.body,
      requestId: options.requestId,
    },
    bodyError: cached.error,
  };
}

const BODY_ERROR: Record<AdapterErrorCode, { status: number; message: string }> = {
  BODY_TOO_LARGE: { status: 413, message: 'Request body too large.' },
  BODY_UNAVAILABLE: { status: 500, message: 'Request body unavailable.' },
};

/**
 * Runs `security.protect` over a bridged request; when a rule could not read the body, the
 * decision becomes that body error (413 `BODY_TOO_LARGE` or 500 `BODY_UNAVAILABLE`) instead of
 * the generic 503 of a failing rule.
 *
 * @param security - the pipeline from `createSecurity`.
 * @param bridged - from {@link bridgeNodeRequest} or {@link bridgeWebRequest}.
 * @returns the decision to write back.
 * @example
 * ```ts
 * const decision = await protectBridged(security, bridgeWebRequest(request, { bodyLimit: 1 << 20 }));
 * ```
 */
export async function protectBridged(
  security: Security,
  bridged: BridgedRequest,
): Promise<Decision> {
  const decision = await security.protect(bridged.request);
  const code = bridged.bodyError();
  if (code === undefined) return decision;
  const { status, message } = BODY_ERROR[code];
  return { ...decision, allowed: false, status, code, message };
}

/**
 * Formats a denial for the client: the status, the decision's headers, and a JSON body
 * `{"error":{"code","message"}}` (none for a 'respond' outcome such as a CORS preflight, nor
 * for 204/304). Only the code and the rule's client-safe message are written.
 *
 * @param decision - a decision with `allowed: false`.
 * @returns status, headers and body to send.
 * @example
 * ```ts
 * const { status, headers, body } = toDenialResponse(decision);
 * return new Response(body, { status, headers });
 * ```
 */
export function toDenialResponse(decision: Decision): DenialResponse {
  const last = decision.results[decision.results.length - 1];
  const isRespond = last !== undefined && last.conclusion === 'respond' && !last.dryRun;
  if (isRespond || decision.status === 204 || decision.status === 304) {
    return { status: decision.status, headers: decision.headers, body: null };
  }
  return {
    status: decision.status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      ...decision.headers,
    },
    body: JSON.stringify({ error: { code: decision.code, message: decision.message } }),
  };
}

/**
 * The codes of the denials that dry-run rules reported without blocking, in order.
 *
 * @param decision - any decision.
 * @returns e.g. `['FORBIDDEN']` when a dry-run `requirePermission` would have denied.
 * @example
 * ```ts
 * const wouldDeny = listDryRunDenials(decision); // report them in a header or a log
 * ```
 */
export function listDryRunDenials(decision: Decision): string[] {
  const codes: string[] = [];
  for (const r of decision.results) {
    if (r.dryRun && (r.conclusion === 'deny' || r.conclusion === 'error')) codes.push(r.code);
  }
  return codes;
}
