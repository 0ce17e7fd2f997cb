// The example on Hono (the main server runs this app on @hono/node-server).
import { jafSec, type SecurityVariables } from '@jaf-sec/hono';
import { Hono } from 'hono';
import type { AgentContext } from './context';
import { AGENT_ROUTES, parseJsonText } from './handlers';

/**
 * The agent API as a Hono app: every route behind its own jaf-sec pipeline.
 *
 * @example
 * ```ts
 * serve({ fetch: createHonoApp(await createAgentContext()).fetch, port: 3000 });
 * ```
 */
export function createHonoApp(ctx: AgentContext): Hono<{ Variables: SecurityVariables }> {
  const app = new Hono<{ Variables: SecurityVariables }>();
  for (const route of AGENT_ROUTES) {
    app.on(route.method, route.path, jafSec(ctx.security[route.guard]), async (c) => {
      const body = route.method === 'POST' ? parseJsonText(await c.req.text()) : undefined;
      const result = route.handle(ctx.agent, c.get('securityDecision'), body);
      return c.json(result.body, result.status as 200, result.headers);
    });
    // CORS preflights: the pipeline's corsRule answers an allowed one with 204 before
    // authentication; anything that gets past it has nothing more to learn.
    app.options(route.path, jafSec(ctx.security[route.guard]), (c) => c.body(null, 204));
  }
  app.get('/', (c) =>
    c.json({
      name: 'jaf-sec example agent',
      routes: AGENT_ROUTES.map((r) => `${r.method} ${r.path}`),
    }),
  );
  return app;
}
