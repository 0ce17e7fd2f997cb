import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { generateApiKey } from '@jaf-sec/core/keys';
import { createTokenIssuer } from '@jaf-sec/core/tokens';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  type AgentContext,
  createAgentContext,
  EXAMPLE_AUDIENCE,
  EXAMPLE_ISSUER,
} from '../src/context.js';
import { createExpressApp } from '../src/express.js';
import { createFastifyApp } from '../src/fastify.js';
import { createHonoApp } from '../src/hono.js';
import { createFetchHandler } from '../src/serverless.js';
import { type CredentialKind, SCENARIOS } from './scenarios.js';

// One instant for every in-process pipeline and every token: time is injected, never slept.
// The Next.js server runs in its own process on the real clock; the tokens below are valid
// (or expired) for both, since NOW is the start of the run.
const NOW = Date.now();
const jwtSecret = inject('jwtSecret');
const apiKey = inject('apiKey');

interface Target {
  readonly name: string;
  url: string;
  close: () => Promise<void>;
}

async function listenNode(server: Server): Promise<string> {
  if (!server.listening) await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const closeNode = (server: Server) => () =>
  new Promise<void>((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });

let ctx: AgentContext;
const credentials = new Map<CredentialKind, Record<string, string>>();
const targets: Target[] = [];

beforeAll(async () => {
  // Burst detection is off: at one frozen instant every request of the table is in the same
  // second. The per-user and per-key limits stay at the guide's values (the table is below them).
  const contexts = () =>
    createAgentContext({ jwtSecret, apiKey, clock: () => NOW, limits: { burst: false } });
  ctx = await contexts();

  const express = createExpressApp(await contexts()).listen(0, '127.0.0.1');
  targets.push({ name: 'express', url: await listenNode(express), close: closeNode(express) });

  const fastify = await createFastifyApp(await contexts());
  targets.push({
    name: 'fastify',
    url: await fastify.listen({ port: 0, host: '127.0.0.1' }),
    close: () => fastify.close(),
  });

  const hono = serve({
    fetch: createHonoApp(await contexts()).fetch,
    port: 0,
    hostname: '127.0.0.1',
  }) as Server;
  targets.push({ name: 'hono', url: await listenNode(hono), close: closeNode(hono) });

  targets.push({ name: 'next', url: inject('nextUrl'), close: async () => {} });

  const fetchHandler = serve({
    fetch: createFetchHandler(await contexts()),
    port: 0,
    hostname: '127.0.0.1',
  }) as Server;
  targets.push({
    name: 'serverless fetch handler',
    url: await listenNode(fetchHandler),
    close: closeNode(fetchHandler),
  });

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const foreign = createTokenIssuer({
    key: { alg: 'HS256', kid: 'example-1', secret: 'another-secret-of-at-least-32-bytes!!' },
    issuer: EXAMPLE_ISSUER,
    audience: EXAMPLE_AUDIENCE,
  });
  const last = apiKey.at(-1) === 'A' ? 'B' : 'A';
  credentials.set('none', {});
  credentials.set('malformedToken', bearer('not.a-jwt'));
  credentials.set(
    'foreignToken',
    bearer(await foreign.issue({ sub: 'user-1', permissions: ['chat:basic'] }, { now: NOW })),
  );
  credentials.set(
    'expiredToken',
    bearer(
      await ctx.issueToken(
        { sub: 'user-1', permissions: ['chat:basic'] },
        { now: NOW - 7_200_000, expiresIn: 3600 },
      ),
    ),
  );
  credentials.set(
    'tokenWithoutPermission',
    bearer(await ctx.issueToken({ sub: 'user-2', permissions: [] }, { now: NOW })),
  );
  credentials.set(
    'userToken',
    bearer(await ctx.issueToken({ sub: 'user-1', permissions: ['chat:basic'] }, { now: NOW })),
  );
  credentials.set(
    'adminToken',
    bearer(
      await ctx.issueToken(
        { sub: 'admin-1', permissions: ['chat:basic', 'agent:manage'] },
        { now: NOW },
      ),
    ),
  );
  credentials.set('apiKey', { 'x-api-key': apiKey });
  credentials.set('corruptApiKey', { 'x-api-key': apiKey.slice(0, -1) + last });
  credentials.set('unknownApiKey', { 'x-api-key': generateApiKey({ environment: 'test' }).key });
});

afterAll(async () => {
  await Promise.all(targets.map((t) => t.close()));
});

describe.each(['express', 'fastify', 'hono', 'next', 'serverless fetch handler'])(
  'scenario table on %s',
  (name) => {
    it.each(SCENARIOS)('$name', async (scenario) => {
      const target = targets.find((t) => t.name === name)!;
      const sent = credentials.get(scenario.credential)!;
      const res = await fetch(target.url + scenario.path, {
        method: scenario.method,
        headers: { ...sent, ...(scenario.body ? { 'content-type': 'application/json' } : {}) },
        body:
          typeof scenario.body === 'string'
            ? scenario.body
            : scenario.body
              ? JSON.stringify(scenario.body)
              : undefined,
      });
      const text = await res.text();
      expect(res.status, text).toBe(scenario.status);
      expect(res.headers.get('x-powered-by')).toBeNull();
      for (const value of Object.values(sent))
        expect(text).not.toContain(value.replace(/^Bearer /, ''));
      const json = JSON.parse(text);
      if (scenario.code) {
        expect(json).toEqual({ error: { code: scenario.code, message: expect.any(String) } });
        if (scenario.status === 401) expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      } else {
        expect(json.principal.id).toBe(scenario.principal);
        if (scenario.principalKind) expect(json.principal.kind).toBe(scenario.principalKind);
        if (scenario.reply) expect(json.reply).toBe(scenario.reply);
      }
      if (scenario.dryRunDenials) {
        expect(json.dryRunDenials).toEqual(scenario.dryRunDenials);
        expect(res.headers.get('x-jaf-dry-run')).toBe(scenario.dryRunDenials.join(', '));
      }
    });
  },
);
