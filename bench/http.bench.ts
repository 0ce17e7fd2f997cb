// HTTP requests per second of the example's chat route (POST /chat: bearer JWT, chat:basic,
// agent-message JSON body checked by validateBody, JSON reply) on each adapter, with and without jaf-sec, reported as ratios.
// Each server runs in its own child process (this file, with `serve <adapter> <mode>`) so it
// does not share an event loop with autocannon. Next.js runs the example app with `next start`.
// Run: pnpm --filter @jaf-sec/core build && pnpm -r --filter './packages/*' build
//      cd bench && flock /tmp/jaf-bench.lock node --expose-gc --import tsx http.bench.ts
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { corsRule, securityHeadersRule } from '@jaf-sec/core/headers';
import { createMessageSchema, validateBody } from '@jaf-sec/core/input';
import { authenticate, createSecurity, requirePermission } from '@jaf-sec/core/protect';
import { rateLimit } from '@jaf-sec/core/ratelimit';
import { createTokenIssuer } from '@jaf-sec/core/tokens';
import autocannon from 'autocannon';
import { note, versionOf, writeSection } from './lib/harness.js';

type Adapter = 'express' | 'fastify' | 'hono' | 'next';
// bare: no security at all; jaf-sec: the chat pipeline below; stack: the libraries a user
// would otherwise assemble for the same work on the same inputs.
type Mode = 'bare' | 'jaf-sec' | 'stack';

const SECRET = 'http-bench-secret-http-bench-secret-0123456789';
// The example's issuer and audience, so the same token works against the Next.js example.
const ISSUER = 'https://auth.example.test';
const AUDIENCE = 'agent-api';
const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
const ROUNDS = 3;
const MODES = ['bare', 'jaf-sec', 'stack'] as const;
const ORIGIN = 'https://app.example.test';
// Limits no load test from one address reaches: every request is a real decision that allows.
const RATE_LIMIT = 1_000_000_000;
const WINDOW_MS = 60_000;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
};
const CONNECTIONS = 10;
const BODY = JSON.stringify({ content: 'Hello, agent', type: 'text' });

function createChatSecurity() {
  return createSecurity({
    rules: [
      securityHeadersRule(),
      corsRule({ origins: [ORIGIN] }),
      rateLimit({
        policy: 'chat',
        policies: { chat: { limit: RATE_LIMIT, windowMs: WINDOW_MS } },
        key: 'ip',
      }),
      authenticate({
        jwt: {
          keys: [{ alg: 'HS256', kid: 'example-1', secret: SECRET }],
          issuer: ISSUER,
          audience: AUDIENCE,
        },
      }),
      requirePermission('chat:basic'),
      validateBody({ schema: createMessageSchema({ maxLength: 4000, types: ['text'] }) }),
    ],
  });
}

// The few members the handlers below use (express ships no types here; @fastify/jwt's
// request augmentation does not reach a dynamic import).
interface ExpressReq {
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}
interface ExpressRes {
  status(code: number): { end(): void };
  json(value: unknown): void;
  locals: { principal?: { id?: string } };
}
interface JwtRequest {
  jwtVerify(): Promise<unknown>;
  user?: unknown;
  body?: unknown;
}

/** The stack's hand-written equivalent of validateBody's agent-message schema. */
function validMessage(body: unknown): body is { content: string; type: 'text' } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const { content, type } = body as { content?: unknown; type?: unknown };
  return typeof content === 'string' && content.length <= 4000 && type === 'text';
}
/** The stack's permission check on verified claims. */
const hasChatBasic = (claims: unknown): boolean => {
  const p = (claims as { permissions?: unknown } | undefined)?.permissions;
  return Array.isArray(p) && p.includes('chat:basic');
};

const reply = (user: string | undefined, body: { content?: unknown } | undefined) => ({
  reply: `You said: ${String(body?.content ?? '')}`,
  user: user ?? 'anonymous',
});

async function serve(adapter: Exclude<Adapter, 'next'>, mode: Mode): Promise<void> {
  const secured = mode === 'jaf-sec';
  let port: number;
  if (adapter === 'express') {
    const express = (await import('express')).default;
    const { jafSec } = await import('@jaf-sec/express');
    const app = express();
    if (mode === 'stack') {
      const helmet = (await import('helmet')).default;
      const cors = (await import('cors')).default;
      const { rateLimit: expressRateLimit } = await import('express-rate-limit');
      const jsonwebtoken = (await import('jsonwebtoken')).default;
      const { createSecretKey } = await import('node:crypto');
      // jsonwebtoken's fast path: a KeyObject, not a string or Buffer secret.
      const key = createSecretKey(Buffer.from(SECRET));
      const bearer = (req: ExpressReq, res: ExpressRes, next: () => void) => {
        const h = req.headers.authorization;
        if (typeof h !== 'string' || !h.startsWith('Bearer ')) return res.status(401).end();
        try {
          const claims = jsonwebtoken.verify(h.slice(7), key, {
            algorithms: ['HS256'],
            issuer: ISSUER,
            audience: AUDIENCE,
          });
          if (!hasChatBasic(claims)) return res.status(403).end();
          res.locals.principal = { id: (claims as { sub?: string }).sub };
          next();
        } catch {
          res.status(401).end();
        }
      };
      app.post(
        '/chat',
        helmet(),
        cors({ origin: ORIGIN }),
        expressRateLimit({ windowMs: WINDOW_MS, limit: RATE_LIMIT }),
        bearer,
        express.json(),
        (req: ExpressReq, res: ExpressRes) => {
          if (!validMessage(req.body)) return res.status(400).end();
          res.json(reply(res.locals.principal?.id, req.body));
        },
      );
    } else {
      const chain = secured ? [jafSec(createChatSecurity()), express.json()] : [express.json()];
      app.post('/chat', ...chain, (req: ExpressReq, res: ExpressRes) => {
        res.json(reply(res.locals.principal?.id, req.body as { content?: unknown }));
      });
    }
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  } else if (adapter === 'fastify') {
    const Fastify = (await import('fastify')).default;
    const { jafSec } = await import('@jaf-sec/fastify');
    const app = Fastify();
    if (mode === 'stack') {
      await app.register((await import('@fastify/helmet')).default);
      await app.register((await import('@fastify/cors')).default, { origin: ORIGIN });
      await app.register((await import('@fastify/rate-limit')).default, {
        max: RATE_LIMIT,
        timeWindow: WINDOW_MS,
      });
      await app.register((await import('@fastify/jwt')).default, {
        secret: SECRET,
        verify: { algorithms: ['HS256'], allowedIss: ISSUER, allowedAud: AUDIENCE },
      });
      // The body checked by Fastify's own JSON-schema validation, its fastest way.
      const schema = {
        body: {
          type: 'object',
          required: ['content', 'type'],
          properties: { content: { type: 'string', maxLength: 4000 }, type: { const: 'text' } },
        },
      };
      app.post(
        '/chat',
        {
          schema,
          onRequest: async (
            request: JwtRequest,
            replyTo: { code(n: number): { send(): unknown } },
          ) => {
            try {
              await request.jwtVerify();
            } catch {
              return replyTo.code(401).send();
            }
            if (!hasChatBasic(request.user)) return replyTo.code(403).send();
          },
        },
        async (request: JwtRequest) =>
          reply(
            (request.user as { sub?: string } | undefined)?.sub,
            request.body as { content?: unknown },
          ),
      );
    } else {
      if (secured) await app.register(jafSec, { security: createChatSecurity() });
      app.post('/chat', async (request) =>
        reply(request.principal?.id, request.body as { content?: unknown }),
      );
    }
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  } else {
    const { Hono } = await import('hono');
    const { serve: serveNode } = await import('@hono/node-server');
    const { jafSec } = await import('@jaf-sec/hono');
    const app = new Hono<{ Variables: import('@jaf-sec/hono').SecurityVariables }>();
    if (mode === 'stack') {
      const { jwt } = await import('hono/jwt');
      const { secureHeaders } = await import('hono/secure-headers');
      const { cors } = await import('hono/cors');
      const { rateLimiter } = await import('hono-rate-limiter');
      const { getConnInfo } = await import('@hono/node-server/conninfo');
      const stack = new Hono();
      stack.use(
        '/chat',
        secureHeaders(),
        cors({ origin: ORIGIN }),
        rateLimiter({
          windowMs: WINDOW_MS,
          limit: RATE_LIMIT,
          keyGenerator: (c) => getConnInfo(c).remote.address ?? 'unknown',
        }),
        jwt({ secret: SECRET, alg: 'HS256', verification: { iss: ISSUER, aud: AUDIENCE } }),
      );
      stack.post('/chat', async (c) => {
        const claims = c.get('jwtPayload' as never) as { sub?: string } | undefined;
        if (!hasChatBasic(claims)) return c.body(null, 403);
        let body: unknown;
        try {
          body = await c.req.json();
        } catch {
          return c.body(null, 400);
        }
        if (!validMessage(body)) return c.body(null, 400);
        return c.json(reply(claims?.sub, body));
      });
      app.route('/', stack as never);
    } else {
      if (secured) app.use('/chat', jafSec(createChatSecurity()));
      app.post('/chat', async (c) => c.json(reply(c.get('principal')?.id, await c.req.json())));
    }
    const server = serveNode({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    if (!server.listening) await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  }
  // Exit cleanly on SIGTERM so `node --cpu-prof` can write its profile.
  process.on('SIGTERM', () => process.exit(0));
  console.log(JSON.stringify({ port }));
}

function waitForLine(
  child: ChildProcess,
  test: (line: string) => string | undefined,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d;
      for (const line of out.split('\n')) {
        const found = test(line);
        if (found) return resolve(found);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited (${code}):\n${out}`)));
  });
}

const here = fileURLToPath(new URL('.', import.meta.url));
const nextDir = fileURLToPath(new URL('../examples/agent/next/', import.meta.url));
const nextBin = fileURLToPath(new URL('../examples/agent/node_modules/.bin/next', import.meta.url));

async function startServer(
  adapter: Adapter,
  mode: Mode,
): Promise<{ url: string; child: ChildProcess }> {
  if (adapter !== 'next') {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'http.bench.ts', 'serve', adapter, mode],
      {
        cwd: here,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const port = await waitForLine(child, (l) =>
      l.startsWith('{"port"') ? String(JSON.parse(l).port) : undefined,
    );
    return { url: `http://127.0.0.1:${port}/chat`, child };
  }
  const port = 40_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(nextBin, ['start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: nextDir,
    env: {
      ...process.env,
      JAF_EXAMPLE_JWT_SECRET: SECRET,
      JAF_BENCH: '1',
      // The example's full pipeline, with limits no load test from one address reaches.
      SHIELD_BURST: 'off',
      CHAT_RATE_LIMIT: '1000000000/60',
      NEXT_TELEMETRY_DISABLED: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitForLine(child, (l) => (/Ready in/.test(l) ? 'ready' : undefined));
  // The example's /chat is wrapped in withSecurity; /bench/chat is the same handler without it.
  return { url: `http://127.0.0.1:${port}${mode === 'jaf-sec' ? '/chat' : '/bench/chat'}`, child };
}

async function measure(
  url: string,
  token: string,
  seconds: number,
): Promise<{ rps: number; non2xx: number }> {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: seconds,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      origin: ORIGIN,
    },
    body: BODY,
  });
  return { rps: result.requests.average, non2xx: result.non2xx + result.errors };
}

async function main(): Promise<void> {
  const issuer = createTokenIssuer({
    key: { alg: 'HS256', kid: 'example-1', secret: SECRET },
    issuer: ISSUER,
    audience: AUDIENCE,
    expiresIn: 3600,
  });
  const token = await issuer.issue({ sub: 'user-1', permissions: ['chat:basic'] });

  const adapters: Adapter[] = ['express', 'fastify', 'hono'];
  // Built on every run: a .next left from an earlier run would measure the packages as they
  // were then, not as they are now.
  const built = spawnSync(nextBin, ['build'], { cwd: nextDir, stdio: 'inherit' });
  if (built.status === 0 && existsSync(`${nextDir}.next/BUILD_ID`)) adapters.push('next');
  else note('- Next.js: `next build` of examples/agent/next failed; Next.js not measured.');

  const lines = [
    `### POST /chat, ${CONNECTIONS} connections, median of ${ROUNDS} alternating ${DURATION_S} s runs (autocannon on loopback)`,
    '',
    '| adapter | no security (req/s) | peer stack (req/s) | jaf-sec (req/s) | jaf-sec / peer stack (higher is better) | jaf-sec / no security |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  // Every server of an adapter runs at once and they are measured in alternation, round
  // after round; the figure is the median of the rounds, so load drifting on a shared
  // machine hits every column alike.
  for (const adapter of adapters) {
    // Next.js: no hand-written peer route exists in the example yet, so no stack column.
    const modes: Mode[] = adapter === 'next' ? ['bare', 'jaf-sec'] : [...MODES];
    const servers: Partial<Record<Mode, { url: string; child: ChildProcess }>> = {};
    for (const mode of modes) servers[mode] = await startServer(adapter, mode);
    const samples: Record<Mode, number[]> = { bare: [], 'jaf-sec': [], stack: [] };
    let failure: string | undefined;
    try {
      for (const mode of modes) await measure(servers[mode]!.url, token, 1); // warm-up
      for (let round = 0; round < ROUNDS; round++) {
        for (const mode of modes) {
          const { rps, non2xx } = await measure(servers[mode]!.url, token, DURATION_S);
          // Refused requests are not throughput: the adapter is reported as not measured
          // (e.g. the example's Next.js route enforcing its rate limits), the others still run.
          if (non2xx > 0) throw new Error(`${mode}: ${non2xx} non-2xx responses or errors`);
          samples[mode].push(rps);
        }
      }
    } catch (error) {
      failure = (error as Error).message;
    } finally {
      for (const mode of modes) servers[mode]!.child.kill('SIGTERM');
    }
    if (failure !== undefined) {
      console.log(`${adapter}: not measured (${failure})`);
      lines.push(`| ${adapter} | - | - | - | not measured (${failure}) | - |`);
      continue;
    }
    const bare = median(samples.bare);
    const secured = median(samples['jaf-sec']);
    const stack = samples.stack.length > 0 ? median(samples.stack) : undefined;
    const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
    console.log(
      `${adapter}: bare ${fmt(bare)}, stack ${stack ? fmt(stack) : '-'}, jaf-sec ${fmt(secured)} req/s`,
    );
    lines.push(
      `| ${adapter} | ${fmt(bare)} | ${stack ? fmt(stack) : 'not built (no hand-written route in the example yet)'} | ${fmt(secured)} | ${stack ? `${(secured / stack).toFixed(2)}x` : '-'} | ${(secured / bare).toFixed(2)}x |`,
    );
  }
  note(lines.join('\n'));
  note(
    `Load average at the end of the run: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')} (${cpus().length} cores).`,
  );
  note(
    'Same inputs for every column: POST /chat with an HS256 bearer token, an Origin header and an agent-message JSON body. jaf-sec runs security headers, CORS, an IP rate limit (limit never reached, so every request is a real decision), authenticate (HS256, iss, aud) + requirePermission(chat:basic) + validateBody (the raw body checked as an agent message; the handler then parses it again). The peer stack does the same work with the libraries a user would pick: Express with helmet, cors, express-rate-limit, a jsonwebtoken bearer check (KeyObject, iss, aud, permission) and express.json plus a hand-written body check; Fastify with @fastify/helmet, @fastify/cors, @fastify/rate-limit, @fastify/jwt (allowedIss/allowedAud) and a JSON-schema body; Hono with hono/secure-headers, hono/cors, hono-rate-limiter (keyed by the socket address), hono/jwt (iss, aud) and a hand-written body check. No security: the same route with none of it. Next.js runs the example app (its full pipeline) against its unsecured /bench/chat; no hand-written peer route for it yet. Server and load generator share a 2-core machine, so treat ratios as indicative: the Fastify and Hono servers without security run near the rate autocannon itself can drive here.',
  );
  await writeSection('http', 'HTTP throughput: no security, the peer stack, jaf-sec', {
    express: await versionOf('express'),
    helmet: await versionOf('helmet'),
    cors: await versionOf('cors'),
    'express-rate-limit': await versionOf('express-rate-limit'),
    jsonwebtoken: await versionOf('jsonwebtoken'),
    '@fastify/helmet': await versionOf('@fastify/helmet'),
    '@fastify/cors': await versionOf('@fastify/cors'),
    '@fastify/rate-limit': await versionOf('@fastify/rate-limit'),
    '@fastify/jwt': await versionOf('@fastify/jwt'),
    'hono-rate-limiter': await versionOf('hono-rate-limiter'),
    fastify: await versionOf('fastify'),
    hono: await versionOf('hono'),
    '@hono/node-server': await versionOf('@hono/node-server'),
    autocannon: await versionOf('autocannon'),
    next: adapters.includes('next')
      ? spawnSync(nextBin, ['--version']).stdout.toString().trim()
      : 'not run',
  });
}

if (process.argv[2] === 'serve') {
  await serve(process.argv[3] as Exclude<Adapter, 'next'>, process.argv[4] as Mode);
} else {
  await main();
}
