// Builds the App Router handlers of the example from the shared route table. Every route
// handler is wrapped in withSecurity: a proxy/middleware alone would not be a guard.
import { withSecurity } from '@jaf-sec/next';
import { type AgentContext, createAgentContext, readAgentEnv } from '../../src/context';
import { AGENT_ROUTES, parseJsonText } from '../../src/handlers';

const CONTEXT = Symbol.for('jaf-sec.example.context');

/** The example context, one per process: Next bundles each route separately, and one context keeps one agent and one key store. */
export function getContext(): Promise<AgentContext> {
  const g = globalThis as { [CONTEXT]?: Promise<AgentContext> };
  g[CONTEXT] ??= createAgentContext({
    ...readAgentEnv(process.env),
    jwtSecret: process.env.JAF_EXAMPLE_JWT_SECRET,
    apiKey: process.env.JAF_EXAMPLE_API_KEY,
  });
  return g[CONTEXT];
}

/** The route handler for `path` of the example API. */
export function createRouteHandler(
  path: string,
): (request: Request, context: unknown) => Promise<Response> {
  const route = AGENT_ROUTES.find((r) => r.path === path);
  if (!route) throw new Error(`No example route ${path}`);
  let handler: Promise<(request: Request, context: unknown) => Promise<Response>> | undefined;
  return async (request, context) => {
    handler ??= getContext().then((ctx) =>
      withSecurity(
        async (req, { securityDecision }) => {
          // CORS preflights: answered 204 by the pipeline's corsRule for allowed origins.
          if (req.method === 'OPTIONS') return new Response(null, { status: 204 });
          const body = req.method === 'POST' ? parseJsonText(await req.text()) : undefined;
          const result = route.handle(ctx.agent, securityDecision, body);
          return Response.json(result.body, { status: result.status, headers: result.headers });
        },
        { security: ctx.security[route.guard] },
      ),
    );
    return (await handler)(request, context);
  };
}
