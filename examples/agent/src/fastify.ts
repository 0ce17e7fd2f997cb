// The example on Fastify.
import { jafSec } from '@jaf-sec/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AgentContext } from './context';
import { AGENT_ROUTES } from './handlers';

/**
 * The agent API as a Fastify app: the plugin's pipeline is overridden per route through
 * `config.security`.
 *
 * @example
 * ```ts
 * const app = await createFastifyApp(await createAgentContext());
 * await app.listen({ port: 3000 });
 * ```
 */
export async function createFastifyApp(ctx: AgentContext): Promise<FastifyInstance> {
  const app = Fastify();
  // Routes without their own pipeline need a principal with chat:basic.
  await app.register(jafSec, { security: ctx.security.chat });
  for (const route of AGENT_ROUTES) {
    app.route({
      method: route.method,
      url: route.path,
      config: { security: ctx.security[route.guard] },
      handler: async (request, reply) => {
        const result = route.handle(ctx.agent, request.securityDecision!, request.body);
        return reply.code(result.status).headers(result.headers).send(result.body);
      },
    });
    // CORS preflights: answered 204 by the pipeline's corsRule for allowed origins.
    app.route({
      method: 'OPTIONS',
      url: route.path,
      config: { security: ctx.security[route.guard] },
      handler: async (_request, reply) => reply.code(204).send(),
    });
  }
  return app;
}
