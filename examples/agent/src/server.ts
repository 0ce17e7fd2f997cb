// `pnpm --filter @jaf-sec/example-agent start` (or `npm start` at the root): the agent API on
// Hono + @hono/node-server, on 127.0.0.1:$PORT (default 3000). It mints a user token, an admin
// token, an expired token and an API key, and prints a curl call for each outcome. Security
// events are written to stdout as JSON lines. Environment: CORS_ORIGINS (default
// http://localhost:5173), TRUSTED_PROXIES (default loopback), SHIELD_BURST (off or
// <limit>/<seconds>, default 50/1), CHAT_RATE_LIMIT (<limit>/<seconds>, default 20/60),
// REDIS_URL (unset: in-memory stores; set: rate limits, bursts, bans and API keys in Redis)
// REDIS_PREFIX (default jaf-example:), REDIS_TIMEOUT_MS (default: the stores' own), and
// JAF_EXAMPLE_JWT_SECRET / JAF_EXAMPLE_API_KEY (default: minted at start) for several processes.
import { serve } from '@hono/node-server';
import { createJsonLinesSink } from '@jaf-sec/core/audit';
import { createAgentContext, readAgentEnv } from './context';
import { type DevCredentials, formatCurl, listCurlExamples } from './curl-examples';
import { createHonoApp } from './hono';
import { connectAgentRedis } from './redis';

const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOST ?? '127.0.0.1';
const { redisUrl, redisPrefix, redisTimeoutMs, ...env } = readAgentEnv({
  ...process.env,
  CORS_ORIGINS: process.env.CORS_ORIGINS ?? 'http://localhost:5173',
});
const redis = redisUrl === undefined ? undefined : await connectAgentRedis(redisUrl);
const ctx = await createAgentContext({
  ...env,
  // Shared by several processes (e.g. behind a load balancer, on one Redis); default random.
  jwtSecret: process.env.JAF_EXAMPLE_JWT_SECRET,
  apiKey: process.env.JAF_EXAMPLE_API_KEY,
  auditSink: createJsonLinesSink(process.stdout),
  redis: redis && { client: redis, prefix: redisPrefix, timeoutMs: redisTimeoutMs },
});
const now = Date.now();
const credentials: DevCredentials = {
  userToken: await ctx.issueToken({ sub: 'user-1', permissions: ['chat:basic'] }),
  adminToken: await ctx.issueToken({ sub: 'admin-1', permissions: ['chat:basic', 'agent:manage'] }),
  // Issued two hours ago with a one-hour lifetime: already expired, without waiting.
  expiredToken: await ctx.issueToken(
    { sub: 'user-1', permissions: ['chat:basic'] },
    { now: now - 7_200_000, expiresIn: 3600 },
  ),
  apiKey: ctx.apiKey,
  allowedOrigin: env.corsOrigins?.[0],
};

const server = serve({ fetch: createHonoApp(ctx).fetch, port, hostname }, (info) => {
  const base = `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${info.port}`;
  const lines = [
    `jaf-sec example agent listening on ${base}`,
    '',
    'Dev credentials (minted at start; they stop working when the process exits):',
    `  user JWT  (chat:basic)              ${credentials.userToken}`,
    `  admin JWT (chat:basic agent:manage) ${credentials.adminToken}`,
    `  API key   (agent:process)           ${credentials.apiKey}`,
    `  expired JWT (for the 401 TOKEN_EXPIRED call) ${credentials.expiredToken}`,
    '',
    `CORS origins: ${env.corsOrigins?.join(', ') || '(none)'}. Stores: ${redis ? 'Redis' : 'in memory'}. Security events are printed below as JSON lines.`,
    '',
    'Try each outcome:',
  ];
  for (const example of listCurlExamples(credentials)) {
    lines.push('', `# ${example.status} ${example.title}`, formatCurl(base, example));
  }
  lines.push('', 'Press Ctrl+C to stop.');
  console.log(lines.join('\n'));
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    server.close();
    redis?.disconnect();
    process.exit(0);
  });
}
