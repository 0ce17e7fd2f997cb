// Route logic shared by every example server (Hono, Express, Fastify, Next, serverless).
// Each framework app only maps its request to these functions; jaf-sec has already decided
// who may get here, so the handlers just use the principal.
import { type Decision, listDryRunDenials } from '@jaf-sec/core/protect';
import type { AgentService } from './agent-service';

/** What a handler answers; each framework writes it in its own idiom. */
export interface RouteResult {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;
}

/** Which pipeline of the AgentSecurity guards a route. */
export type RouteGuard = 'chat' | 'chatAdvanced' | 'process' | 'admin';

/** One route of the example API. */
export interface AgentRoute {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly guard: RouteGuard;
  handle(agent: AgentService, decision: Decision, body: unknown): RouteResult;
}

function respond(decision: Decision, status: number, body: Record<string, unknown>): RouteResult {
  const p = decision.principal;
  const wouldDeny = listDryRunDenials(decision);
  const headers: Record<string, string> = {};
  // Dry-run rules never block; the would-be denial is reported to the caller and in the body.
  if (wouldDeny.length > 0) headers['x-jaf-dry-run'] = wouldDeny.join(', ');
  return {
    status,
    headers,
    body: {
      ...body,
      principal: p ? { id: p.id, kind: p.kind, permissions: p.permissions } : null,
      ...(wouldDeny.length > 0 ? { dryRunDenials: wouldDeny } : {}),
    },
  };
}

// The body was already checked by the pipeline's validateBody rule (an agent message:
// { content, type: 'text' }); the handler parses it again, from the same bytes.
function chat(agent: AgentService, decision: Decision, body: unknown): RouteResult {
  const content = (body as { content?: unknown } | undefined)?.content;
  if (typeof content !== 'string') {
    return respond(decision, 400, {
      error: { code: 'BAD_INPUT', message: '"content" must be a string.' },
    });
  }
  return respond(decision, 200, agent.chat(decision.principal!.id, content));
}

/** The example API: chat (JWT), advanced chat (permission in dry-run), process (API key), admin. */
export const AGENT_ROUTES: readonly AgentRoute[] = [
  { method: 'POST', path: '/chat', guard: 'chat', handle: chat },
  { method: 'POST', path: '/chat/advanced', guard: 'chatAdvanced', handle: chat },
  {
    method: 'POST',
    path: '/api/agents/process',
    guard: 'process',
    handle(agent, decision, body) {
      const task = (body as { task?: unknown } | undefined)?.task;
      if (typeof task !== 'string' || task.length === 0 || task.length > 4000) {
        return respond(decision, 400, {
          error: { code: 'BAD_INPUT', message: '"task" must be a non-empty string.' },
        });
      }
      return respond(decision, 200, agent.process(decision.principal!.id, task));
    },
  },
  {
    method: 'GET',
    path: '/admin/agents',
    guard: 'admin',
    handle: (agent, decision) =>
      respond(decision, 200, {
        agents: [{ name: 'assistant', status: 'ready' }],
        stats: agent.stats(),
      }),
  },
];

/**
 * Parses a JSON request body for the handlers: undefined when absent or not JSON (the handler
 * then answers 400).
 */
export function parseJsonText(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
