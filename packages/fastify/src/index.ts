import {
  type AdapterOptions,
  bridgeNodeRequest,
  type Decision,
  type NodeRequestLike,
  type Principal,
  protectBridged,
  resolveAdapterOptions,
  type Security,
  toDenialResponse,
} from '@jaf-sec/core/protect';
import fp from 'fastify-plugin';

/** Options of the {@link jafSec} plugin. */
export interface JafSecFastifyOptions extends AdapterOptions {
  /** The pipeline from `createSecurity`; a route may override it with `config: { security }`. */
  readonly security: Security;
}

/** The fields of a Fastify request the hook reads (structural). */
export interface FastifyRequestLike {
  readonly raw: NodeRequestLike;
  readonly id?: string | undefined;
  readonly routeOptions?: { readonly config?: unknown } | undefined;
  principal?: Principal | undefined;
  securityDecision?: Decision | undefined;
}

/** The fields of a Fastify reply the hook writes (structural). */
export interface FastifyReplyLike {
  code(status: number): unknown;
  header(name: string, value: string): unknown;
  removeHeader(name: string): unknown;
  /** When present, X-Powered-By is only removed when set (Fastify never sets it itself). */
  hasHeader?(name: string): boolean;
  send(body?: string): unknown;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by jaf-sec when the request is allowed and a rule authenticated it. */
    principal: Principal | undefined;
    /** The full decision (results of every rule, dry-run denials, state). */
    securityDecision: Decision | undefined;
  }
  interface FastifyContextConfig {
    /** A pipeline for this route instead of the plugin's, e.g. `security.with(requirePermission('x'))`. */
    security?: Security;
  }
}

function isSecurity(value: unknown): value is Security {
  return typeof (value as Security | undefined)?.protect === 'function';
}

function routeSecurity(request: FastifyRequestLike, fallback: Security): Security {
  const config = request.routeOptions?.config as { security?: unknown } | undefined;
  return isSecurity(config?.security) ? config.security : fallback;
}

/**
 * Builds the onRequest hook: protect, decorate the request, write headers or the denial.
 *
 * @param options - see {@link JafSecFastifyOptions}; validated once.
 * @returns an async Fastify onRequest hook.
 * @throws TypeError when `security` or the options are invalid.
 * @example
 * ```ts
 * app.addHook('onRequest', createJafSecHook({ security }));
 * ```
 */
export function createJafSecHook(
  options: JafSecFastifyOptions,
): (request: FastifyRequestLike, reply: FastifyReplyLike) => Promise<unknown> {
  if (!isSecurity(options?.security)) {
    throw new TypeError(
      'jafSec: pass { security }, the object returned by createSecurity({ rules }).',
    );
  }
  const { bodyLimit, origin } = resolveAdapterOptions(options);
  const security = options.security;

  return async function jafSecOnRequest(request, reply) {
    const bridged = bridgeNodeRequest(request.raw, { bodyLimit, origin, requestId: request.id });
    const decision = await protectBridged(routeSecurity(request, security), bridged);
    // Removing deletes a key from the reply's header object, which makes every later header
    // write slower; Fastify never sets X-Powered-By, so only remove one that is there.
    if (reply.hasHeader === undefined || reply.hasHeader('x-powered-by')) {
      reply.removeHeader('x-powered-by');
    }
    for (const name in decision.headers) reply.header(name, decision.headers[name]!);
    request.securityDecision = decision;
    if (decision.allowed) {
      request.principal = decision.principal;
      return undefined;
    }
    const denial = toDenialResponse(decision);
    for (const name in denial.headers) reply.header(name, denial.headers[name]!);
    reply.code(denial.status);
    // Returning the reply after send() tells Fastify the hook answered the request.
    reply.send(denial.body ?? undefined);
    return reply;
  };
}

/**
 * Fastify plugin (wrapped with fastify-plugin so it applies to every route) that runs
 * `security.protect()` in an onRequest hook. Allowed requests get `request.principal` and
 * `request.securityDecision`; denials are answered with the decision's status and
 * `{"error":{"code","message"}}`. Decision headers are written on every response. Rules may
 * read the raw body (bounded, 413 `BODY_TOO_LARGE`); Fastify's content-type parsers still
 * parse it afterwards.
 *
 * @example
 * ```ts
 * const app = Fastify();
 * await app.register(jafSec, { security });
 * app.post('/chat', { config: { security: security.with(requirePermission('chat:basic')) } },
 *   async (request) => ({ user: request.principal?.id }));
 * ```
 */
export const jafSec = fp(
  async (fastify, options: JafSecFastifyOptions) => {
    const hook = createJafSecHook(options);
    fastify.decorateRequest('principal', undefined);
    fastify.decorateRequest('securityDecision', undefined);
    fastify.addHook('onRequest', hook as never);
  },
  { fastify: '5.x', name: '@jaf-sec/fastify' },
);
