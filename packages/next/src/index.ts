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
import { NextResponse } from 'next/server.js';

/** Options of {@link withSecurity} and {@link createProxyGuard}. */
export interface JafSecNextOptions extends AdapterOptions {
  /** The pipeline from `createSecurity` (e.g. `security.with(requirePermission('chat:basic'))`). */
  readonly security: Security;
}

/** What a wrapped route handler receives besides Next's own context (`params`). */
export interface SecurityContext {
  readonly principal: Principal | undefined;
  readonly securityDecision: Decision;
}

function check(options: JafSecNextOptions): { security: Security; bodyLimit: number } {
  if (typeof options?.security?.protect !== 'function') {
    throw new TypeError(
      'jaf-sec/next: pass { security }, the object returned by createSecurity({ rules }).',
    );
  }
  return { security: options.security, bodyLimit: resolveAdapterOptions(options).bodyLimit };
}

function deny(decision: Decision): Response {
  const denial = toDenialResponse(decision);
  return new Response(denial.body, { status: denial.status, headers: denial.headers });
}

function withHeaders(res: Response, headers: Readonly<Record<string, string>>): Response {
  try {
    res.headers.delete('x-powered-by');
    for (const name in headers) res.headers.set(name, headers[name]!);
    return res;
  } catch {
    // Immutable headers (Response.redirect, a fetched Response): copy into a new Response.
    const copy = new Response(res.body, res);
    for (const name in headers) copy.headers.set(name, headers[name]!);
    return copy;
  }
}

/**
 * Wraps an App Router route handler: runs `security.protect()` on the Web `Request` first.
 * Denials are answered with the decision's status and `{"error":{"code","message"}}`;
 * allowed requests reach the handler with `principal` and `securityDecision` added to its
 * context. Decision headers are written on every response. Rules may read the raw body (a
 * clone, bounded by `bodyLimit`, 413 `BODY_TOO_LARGE` beyond); the handler can still call
 * `request.json()`. Next adds `X-Powered-By` itself: set `poweredByHeader: false` in next.config.
 *
 * This is the guard to rely on: check in every route handler, even when a proxy/middleware
 * also checks (see {@link createProxyGuard}).
 *
 * @param handler - the route handler, `(request, context) => Response`.
 * @param options - `{ security, bodyLimit? }`; validated once.
 * @returns a route handler to export as `POST`, `GET`, ...
 * @throws TypeError when `security` or the options are invalid.
 * @example
 * ```ts
 * // app/chat/route.ts
 * export const POST = withSecurity(async (request, { principal }) =>
 *   Response.json({ user: principal?.id, message: await request.json() }),
 *   { security: security.with(requirePermission('chat:basic')) });
 * ```
 */
export function withSecurity<C = unknown>(
  handler: (request: Request, context: C & SecurityContext) => Response | Promise<Response>,
  options: JafSecNextOptions,
): (request: Request, context: C) => Promise<Response> {
  const { security, bodyLimit } = check(options);
  return async function securedRouteHandler(request, context) {
    const decision = await protectBridged(security, bridgeWebRequest(request, { bodyLimit }));
    if (!decision.allowed) return deny(decision);
    const res = await handler(request, {
      ...(context as C),
      principal: decision.principal,
      securityDecision: decision,
    });
    return withHeaders(res, decision.headers);
  };
}

/**
 * Builds a function for `proxy.ts` (`middleware.ts` before Next 16) that answers denials early
 * and otherwise continues with the decision's headers.
 *
 * It must NOT be the only guard. The proxy runs on a path matcher and before routing, so a
 * request can reach a route it did not match (a matcher gap, a rewrite, a trailing slash,
 * locale or basePath variants), and frameworks have shipped bypasses of the proxy itself:
 * CVE-2025-29927 let any client skip Next.js middleware by sending an `x-middleware-subrequest`
 * header. Treat the proxy as an early filter that saves work; put {@link withSecurity} on every
 * route handler as well, and never pass the principal from proxy to handler in a request
 * header (the client can forge it).
 *
 * @param options - `{ security, bodyLimit? }`; validated once.
 * @returns `(request) => Promise<Response>`: a denial, or `NextResponse.next()` with the headers.
 * @throws TypeError when `security` or the options are invalid.
 * @example
 * ```ts
 * // proxy.ts
 * const guard = createProxyGuard({ security });
 * export function proxy(request: NextRequest) { return guard(request); }
 * export const config = { matcher: '/api/:path*' };
 * ```
 */
export function createProxyGuard(
  options: JafSecNextOptions,
): (request: Request) => Promise<Response> {
  const { security, bodyLimit } = check(options);
  return async function jafSecProxy(request) {
    const decision = await protectBridged(security, bridgeWebRequest(request, { bodyLimit }));
    if (!decision.allowed) return deny(decision);
    return NextResponse.next({ headers: decision.headers });
  };
}
