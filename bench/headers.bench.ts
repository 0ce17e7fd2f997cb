// Security-header benchmarks, per request:
// - on a Node ServerResponse: jaf-sec securityHeaders (precomputed) against writing the same
//   headers by hand (target: within 1.1x) and against helmet;
// - in Hono: a middleware applying jaf-sec's record against Hono's secureHeaders and against
//   a hand-written middleware setting the same headers;
// - the CSP-nonce variant (fresh nonce + CSP string per request).
// Run: pnpm --filter @jaf-sec/core build && cd bench && flock /tmp/jaf-bench.lock node --expose-gc --import tsx headers.bench.ts
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { createCspNonce, securityHeaders } from '@jaf-sec/core/headers';
import helmet from 'helmet';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { note, versionOf, writeSection } from './lib/harness.js';
import { cpuRatio, ratio, rotated } from './lib/rotated.js';

const results: string[] = [];

const sh = securityHeaders();
const record = sh.forRequest(true);
const names = Object.keys(record);
const values = Object.values(record);
note(`### securityHeaders per request on a Node ServerResponse\n`);
note(
  `jaf-sec's defaults are ${names.length} headers (CSP, HSTS, COOP, CORP, Origin-Agent-Cluster, Referrer-Policy, nosniff, X-Frame-Options, DNS prefetch, cross-domain policies, X-Download-Options, Permissions-Policy, X-XSS-Protection: 0, Cache-Control: no-store). "by hand" writes the same ${names.length} literal headers with setHeader; helmet 8 writes its own defaults (13 headers).\n`,
);

const req = new IncomingMessage(new Socket());
req.headers = { host: 'api.example.com' };
const fresh = () => new ServerResponse(req);
const literal: [string, string][] = names.map((n, i) => [n, values[i]!]);
const noop = () => {};
const helmetMw = helmet();
let res = fresh();
const rows = await rotated('per request (ServerResponse.setHeader)', [
  {
    name: 'by hand',
    fn: () => {
      res = fresh();
      for (let i = 0; i < literal.length; i++) res.setHeader(literal[i]![0], literal[i]![1]);
    },
  },
  {
    name: 'jaf-sec securityHeaders',
    fn: () => {
      res = fresh();
      const h = sh.forRequest(true);
      for (const name in h) res.setHeader(name, h[name]!);
    },
  },
  {
    name: 'helmet',
    fn: () => {
      res = fresh();
      helmetMw(req, res, noop);
    },
  },
  {
    name: 'new ServerResponse only',
    fn: () => {
      res = fresh();
    },
  },
]);
const ours = ratio(rows, 'jaf-sec securityHeaders');
const oursCpu = await cpuRatio(
  'securityHeaders vs by hand (ServerResponse)',
  () => {
    res = fresh();
    for (let i = 0; i < literal.length; i++) res.setHeader(literal[i]![0], literal[i]![1]);
  },
  () => {
    res = fresh();
    const h = sh.forRequest(true);
    for (const name in h) res.setHeader(name, h[name]!);
  },
  5000,
);
results.push(
  `- securityHeaders vs by hand (ServerResponse): wall **${ours.toFixed(2)}x**, CPU **${oursCpu.toFixed(2)}x** (target <= 1.1x, judged on CPU time) ${oursCpu <= 1.1 ? 'met' : '**MISSED**'}; helmet ${ratio(rows, 'helmet').toFixed(2)}x`,
);

note('\n### As a middleware on a Web Headers object (what Hono, Next and Workers write to)\n');
note(
  `Each candidate is an async middleware run with a minimal context (\`res.headers\` a fresh Headers, a no-op \`next\`): by hand sets the same ${names.length} literal headers; Hono's secureHeaders() sets its defaults (13 headers) through its own code path.\n`,
);
const honoMw = secureHeaders();
const nextNoop = async () => {};
type FakeCtx = { res: { headers: Headers }; get: () => undefined; set: () => void };
const fakeCtx = (): FakeCtx => ({
  res: { headers: new Headers() },
  get: () => undefined,
  set: () => {},
});
const wrows = await rotated('per request (middleware on Headers)', [
  {
    name: 'by hand',
    fn: async () => {
      const c = fakeCtx();
      await nextNoop();
      for (let i = 0; i < literal.length; i++) c.res.headers.set(literal[i]![0], literal[i]![1]);
    },
  },
  {
    name: 'jaf-sec securityHeaders',
    fn: async () => {
      const c = fakeCtx();
      await nextNoop();
      const r = sh.forRequest(true);
      for (const name in r) c.res.headers.set(name, r[name]!);
    },
  },
  {
    name: 'hono secureHeaders',
    fn: () => honoMw(fakeCtx() as never, nextNoop),
  },
]);
const webCpu = await cpuRatio(
  'securityHeaders vs by hand (middleware on Web Headers)',
  async () => {
    const c = fakeCtx();
    await nextNoop();
    for (let i = 0; i < literal.length; i++) c.res.headers.set(literal[i]![0], literal[i]![1]);
  },
  async () => {
    const c = fakeCtx();
    await nextNoop();
    const r = sh.forRequest(true);
    for (const name in r) c.res.headers.set(name, r[name]!);
  },
  3000,
);
results.push(
  `- securityHeaders vs by hand (middleware on Web Headers): wall **${ratio(wrows, 'jaf-sec securityHeaders').toFixed(2)}x**, CPU **${webCpu.toFixed(2)}x** (target <= 1.1x, judged on CPU time) ${webCpu <= 1.1 ? 'met' : '**MISSED**'}; Hono secureHeaders ${ratio(wrows, 'hono secureHeaders').toFixed(2)}x`,
);

note('\n### In Hono (app.request through one middleware)\n');
note(
  'A whole Hono request (routing, Context, Response) costs tens of microseconds and allocates heavily, so these rows are noisy (garbage collection lands on whichever candidate is running); the Headers rows above isolate the header work.\n',
);
const byHandApp = new Hono();
byHandApp.use(async (c, next) => {
  await next();
  for (let i = 0; i < literal.length; i++) c.res.headers.set(literal[i]![0], literal[i]![1]);
});
byHandApp.get('/', (c) => c.text('ok'));
const jafApp = new Hono();
jafApp.use(async (c, next) => {
  await next();
  const h = sh.forRequest(true);
  for (const name in h) c.res.headers.set(name, h[name]!);
});
jafApp.get('/', (c) => c.text('ok'));
const honoApp = new Hono();
honoApp.use(secureHeaders());
honoApp.get('/', (c) => c.text('ok'));
const url = 'https://api.example.com/';
const hrows = await rotated(
  'per request (Hono middleware)',
  [
    { name: 'by hand', fn: () => byHandApp.request(url) },
    { name: 'jaf-sec securityHeaders', fn: () => jafApp.request(url) },
    { name: 'hono secureHeaders', fn: () => honoApp.request(url) },
  ],
  { rounds: 31, targetMs: 80 },
);
results.push(
  `- whole Hono request: jaf-sec ${ratio(hrows, 'jaf-sec securityHeaders').toFixed(2)}x, Hono secureHeaders ${ratio(hrows, 'hono secureHeaders').toFixed(2)}x the by-hand middleware (noisy, see above)`,
);

note('\n### CSP with a per-request nonce\n');
const nonced = securityHeaders({ contentSecurityPolicy: { nonce: true } });
const cspParts = (
  nonced.forRequest(true, 'AAAAAAAAAAAAAAAAAAAAAA==')['content-security-policy'] as string
).split('AAAAAAAAAAAAAAAAAAAAAA==');
const nonceRecord = { ...nonced.https };
const nrows = await rotated('nonce + headers record', [
  {
    name: 'by hand (nonce + template + copy)',
    fn: () => {
      const n = createCspNonce();
      return { ...nonceRecord, 'content-security-policy': cspParts.join(n) };
    },
  },
  {
    name: 'jaf-sec forRequest(secure, nonce)',
    fn: () => nonced.forRequest(true, createCspNonce()),
  },
]);
results.push(
  `- nonce variant vs by hand: **${ratio(nrows, 'jaf-sec forRequest(secure, nonce)').toFixed(2)}x**`,
);

note('\n### Targets\n');
for (const r of results) note(r);
await writeSection('headers', 'Security headers', {
  node: process.version,
  '@jaf-sec/core': await versionOf('@jaf-sec/core'),
  helmet: await versionOf('helmet'),
  hono: await versionOf('hono'),
});
