// The example on Express.
import { jafSec } from '@jaf-sec/express';
import express from 'express';
import type { AgentContext } from './context';
import { AGENT_ROUTES } from './handlers';

/**
 * The agent API as an Express app. jafSec runs first on each route; express.json() after it
 * still parses the body a rule may have read.
 *
 * @example
 * ```ts
 * createExpressApp(await createAgentContext()).listen(3000);
 * ```
 */
export function createExpressApp(ctx: AgentContext): express.Express {
  const app = express();
  const json = express.json({ limit: '1mb' });
  for (const route of AGENT_ROUTES) {
    const method = route.method === 'GET' ? 'get' : 'post';
    app[method](route.path, jafSec(ctx.security[route.guard]), json, (req, res) => {
      const result = route.handle(ctx.agent, res.locals.securityDecision!, req.body);
      res.status(result.status).set(result.headers).json(result.body);
    });
    // CORS preflights: answered 204 by the pipeline's corsRule for allowed origins.
    app.options(route.path, jafSec(ctx.security[route.guard]), (_req, res) => {
      res.status(204).end();
    });
  }
  // Malformed JSON from express.json(): a 400 in the same error shape, no stack trace.
  app.use(
    (_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      res.status(400).json({ error: { code: 'BAD_INPUT', message: 'Malformed JSON body.' } });
    },
  );
  return app;
}
