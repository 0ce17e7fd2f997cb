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
import { createMessageSchema, validateBody } from '@jaf-sec/core/input';
import { authenticate, createSecurity, requirePermission } from '@jaf-sec/core/protect';
import { createTokenIssuer } from '@jaf-sec/core/tokens';
import autocannon from 'autocannon';
import { note, versionOf, writeSection } from './lib/harness.js';

type Adapter = 'express' | 'fastify' | 'hono' | 'next';
type Mode = 'bare' | 'jaf-sec';

const SECRET = 'http-bench-secret-http-bench-secret-0123456789';
// The example's issuer and audience, so the same token works against the Next.js example.
const ISSUER = 'https://auth.example.test';
const AUDIENCE = 'agent-api';
const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
const ROUNDS = 3;
const MODES = ['bare', 'jaf-sec'] as const;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
};
const CONNECTIONS = 10;
const BODY = JSON.stringify({ content: 'Hello, agent', type: 'text' });

function createChatSecurity() {
  return createSecurity({
    rules: [
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
    const chain = secured ? [jafSec(createChatSecurity()), express.json()] : [express.json()];
    app.post('/chat', ...chain, (req, res) => {
      res.json(reply(res.locals.principal?.id, req.body));
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  } else if (adapter === 'fastify') {
    const Fastify = (await import('fastify')).default;
    const { jafSec } = await import('@jaf-sec/fastify');
    const app = Fastify();
    if (secured) await app.register(jafSec, { security: createChatSecurity() });
    app.post('/chat', async (request) =>
      reply(request.principal?.id, request.body as { content?: unknown }),
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  } else {
    const { Hono } = await import('hono');
    const { serve: serveNode } = await import('@hono/node-server');
    const { jafSec } = await import('@jaf-sec/hono');
    const app = new Hono<{ Variables: import('@jaf-sec/hono').SecurityVariables }>();
    if (secured) app.use('/chat', jafSec(createChatSecurity()));
    app.post('/chat', async (c) => c.json(reply(c.get('principal')?.id, await c.req.json())));
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
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
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
    '| adapter | without jaf-sec (req/s) | with jaf-sec (req/s) | ratio with/without (higher is better) |',
    '|---|---:|---:|---:|',
  ];
  // Both servers of an adapter run at once and are measured in alternation, round after
  // round; the figure is the median of the rounds, so load drifting on a shared machine hits
  // both columns alike.
  for (const adapter of adapters) {
    const servers = {
      bare: await startServer(adapter, 'bare'),
      'jaf-sec': await startServer(adapter, 'jaf-sec'),
    };
    const samples: Record<Mode, number[]> = { bare: [], 'jaf-sec': [] };
    let failure: string | undefined;
    try {
      for (const mode of MODES) await measure(servers[mode].url, token, 1); // warm-up
      for (let round = 0; round < ROUNDS; round++) {
        for (const mode of MODES) {
          const { rps, non2xx } = await measure(servers[mode].url, token, DURATION_S);
          // Refused requests are not throughput: the adapter is reported as not measured
          // (e.g. the example's Next.js route enforcing its rate limits), the others still run.
          if (non2xx > 0) throw new Error(`${mode}: ${non2xx} non-2xx responses or errors`);
          samples[mode].push(rps);
        }
      }
    } catch (error) {
      failure = (error as Error).message;
    } finally {
      for (const mode of MODES) servers[mode].child.kill('SIGTERM');
    }
    if (failure !== undefined) {
      console.log(`${adapter}: not measured (${failure})`);
      lines.push(`| ${adapter} | - | - | not measured (${failure}) |`);
      continue;
    }
    const bare = median(samples.bare);
    const secured = median(samples['jaf-sec']);
    console.log(`${adapter}: ${Math.round(bare)} -> ${Math.round(secured)} req/s`);
    lines.push(
      `| ${adapter} | ${Math.round(bare).toLocaleString('en-US')} | ${Math.round(secured).toLocaleString('en-US')} | ${(secured / bare).toFixed(2)}x |`,
    );
  }
  note(lines.join('\n'));
  note(
    `Load average at the end of the run: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')} (${cpus().length} cores).`,
  );
  note(
    'jaf-sec adds the example chat pipeline per request: authenticate (HS256 bearer JWT) + requirePermission + validateBody (reads the raw body, checks it as an agent message; the handler then parses it again). The two columns do not do equivalent work: the server without jaf-sec checks no token and no schema and parses the JSON once, the one with jaf-sec parses it twice (validateBody, then the framework parser). Ratios near 1.00x mean the security layer is a small part of the request cost; server and load generator share a 2-core machine, so treat them as indicative: the Fastify and Hono servers without jaf-sec run near the rate autocannon itself can drive here (a CPU profile of the bare Fastify server under this load found it idle about a quarter of the time), which makes their ratios lower than the added per-request CPU alone would.',
  );
  await writeSection('http', 'HTTP throughput with and without jaf-sec', {
    express: await versionOf('express'),
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
