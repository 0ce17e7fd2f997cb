// The example as a plain `fetch(request)` handler calling core directly, with no framework:
// the shape of Cloudflare Workers, Deno Deploy, Bun.serve, Vercel and Netlify functions.
import {
  bridgeWebRequest,
  DEFAULT_BODY_LIMIT,
  protectBridged,
  toDenialResponse,
} from '@jaf-sec/core/protect';
import type { AgentContext } from './context';
import { AGENT_ROUTES, parseJsonText } from './handlers';

/**
 * A `fetch`-style handler for the agent API built on @jaf-sec/core alone.
 *
 * @example
 * ```ts
 * const ctx = await createAgentContext({ jwtSecret: env.JWT_SECRET });
 * export default { fetch: createFetchHandler(ctx) };
 * ```
 */
export function createFetchHandler(ctx: AgentContext): (request: Request) => Promise<Response> {
  return async function handleFetch(request) {
    const { pathname } = new URL(request.url);
    // OPTIONS (a CORS preflight) goes through the route's pipeline, whose corsRule answers it.
    const preflight = request.method === 'OPTIONS';
    const route = AGENT_ROUTES.find(
      (r) => r.path === pathname && (preflight || r.method === request.method),
    );
    if (!route) {
      return Response.json(
        { error: { code: 'NOT_FOUND', message: 'Not found.' } },
        { status: 404 },
      );
    }
    const bridged = bridgeWebRequest(request, { bodyLimit: DEFAULT_BODY_LIMIT });
    const decision = await protectBridged(ctx.security[route.guard], bridged);
    if (!decision.allowed) {
      const denial = toDenialResponse(decision);
      return new Response(denial.body, { status: denial.status, headers: denial.headers });
    }
    if (preflight) return new Response(null, { status: 204, headers: decision.headers });
    const body = route.method === 'POST' ? parseJsonText(await request.text()) : undefined;
    const result = route.handle(ctx.agent, decision, body);
    return Response.json(result.body, {
      status: result.status,
      headers: { ...decision.headers, ...result.headers },
    });
  };
}
