// Security headers and CORS in a real browser: headless Chromium (Debian's `chromium`
// package) driven by playwright-core, pages served through @jaf-sec/express.
//
// - page origin A (http://127.0.0.1:<a>) carries a CSP with a per-request nonce: its inline
//   script without the nonce must be blocked, the one with the nonce must run;
// - the API origin B (http://localhost:<b>) allows A by CORS: A's fetches (a simple GET and a
//   preflighted PUT) succeed; the same page served from origin C (http://127.0.0.1:<c>) is
//   refused by CORS, although its CSP lets it try.
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  corsRule,
  createRequestSigner,
  createSecurity,
  securityHeadersRule,
  verifySignatureRule,
} from '@jaf-sec/core';
import { jafSec } from '@jaf-sec/express';
import { jafSec as honoJafSec, type SecurityVariables } from '@jaf-sec/hono';
import express from 'express';
import { Hono } from 'hono';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let handlers: Record<'page' | 'api', Handler | undefined> = { page: undefined, api: undefined };
const servers: Server[] = [];
let browser: Browser;
let pageA: string;
let pageC: string;
let api: string;
const apiSeen: { method: string; origin: string | undefined }[] = [];

async function listen(kind: 'page' | 'api', host?: string): Promise<number> {
  const server = createServer((req, res) => handlers[kind]!(req, res));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  // Ports first: the page's CSP names the API origin and the API's CORS names the page origin.
  const a = await listen('page', '127.0.0.1');
  const c = await listen('page', '127.0.0.1');
  const b = await listen('api'); // all interfaces: "localhost" may resolve to ::1 or 127.0.0.1
  pageA = `http://127.0.0.1:${a}`;
  pageC = `http://127.0.0.1:${c}`;
  api = `http://localhost:${b}`;

  const pageSecurity = createSecurity({
    rules: [
      securityHeadersRule({
        contentSecurityPolicy: {
          nonce: ['script-src'],
          directives: { 'connect-src': ["'self'", api] },
        },
      }),
    ],
  });
  const pageApp = express();
  pageApp.use(jafSec(pageSecurity));
  pageApp.get('/', (_req, res) => {
    const nonce = res.locals.securityDecision?.state.cspNonce as string;
    res.type('html').send(`<!doctype html><html><head><title>csp</title></head><body>
<script>window.withoutNonce = true;</script>
<script nonce="${nonce}">
  window.withNonce = true;
  window.violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.violations.push(e.violatedDirective));
</script>
</body></html>`);
  });
  handlers.page = pageApp as unknown as Handler;

  const apiSecurity = createSecurity({
    rules: [
      securityHeadersRule(),
      corsRule({ origins: [pageA], methods: ['GET', 'PUT'], allowedHeaders: ['content-type'] }),
    ],
  });
  const apiApp = express();
  apiApp.use((req, _res, next) => {
    apiSeen.push({ method: req.method, origin: req.headers.origin });
    next();
  });
  apiApp.use(jafSec(apiSecurity));
  apiApp.get('/data', (_req, res) => res.json({ answer: 42 }));
  apiApp.put('/data', express.json(), (req, res) => res.json({ stored: req.body }));
  handlers.api = apiApp as unknown as Handler;

  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: 'npm test' installs it (scripts/test-env.sh), or apt-get install -y chromium.`,
    );
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
  handlers = { page: undefined, api: undefined };
});

async function open(url: string) {
  const page = await browser.newPage();
  const response = await page.goto(url);
  return { page, response: response! };
}

const fetchFromPage = (
  target: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
) =>
  `fetch(${JSON.stringify(target)}, ${JSON.stringify(init)}).then(async (r) => ({ ok: true, status: r.status, body: await r.json() }), (e) => ({ ok: false, error: String(e) }))`;

describe('security headers and CORS in headless Chromium', () => {
  it('blocks an inline script without the CSP nonce and runs the one with it', async () => {
    const { page, response } = await open(`${pageA}/`);
    try {
      const headers = response.headers();
      expect(headers['content-security-policy']).toMatch(
        /script-src 'self' 'nonce-[A-Za-z0-9+/]{22}=='/,
      );
      expect(headers['x-powered-by']).toBeUndefined();
      expect(headers['x-xss-protection']).toBe('0');
      expect(headers['strict-transport-security']).toBeUndefined(); // plain http
      expect(
        await page.evaluate(() => (window as unknown as { withNonce?: boolean }).withNonce),
      ).toBe(true);
      expect(
        await page.evaluate(() => (window as unknown as { withoutNonce?: boolean }).withoutNonce),
      ).toBeUndefined();
      // A second load gets a different nonce.
      const again = await page.goto(`${pageA}/`);
      expect(again!.headers()['content-security-policy']).not.toBe(
        headers['content-security-policy'],
      );
    } finally {
      await page.close();
    }
  });

  it('lets the allowed origin read the API, simple and preflighted', async () => {
    const { page } = await open(`${pageA}/`);
    try {
      const get = await page.evaluate(fetchFromPage(`${api}/data`));
      expect(get).toEqual({ ok: true, status: 200, body: { answer: 42 } });
      const put = await page.evaluate(
        fetchFromPage(`${api}/data`, {
          method: 'PUT',
          body: '{"x":1}',
          headers: { 'content-type': 'application/json' },
        }),
      );
      expect(put).toEqual({ ok: true, status: 200, body: { stored: { x: 1 } } });
      expect(apiSeen).toContainEqual({ method: 'OPTIONS', origin: pageA });
    } finally {
      await page.close();
    }
  });

  it('refuses the same fetch from another origin (CORS, not CSP: the request reaches the API)', async () => {
    const { page } = await open(`${pageC}/`);
    try {
      const before = apiSeen.length;
      const r = (await page.evaluate(fetchFromPage(`${api}/data`))) as {
        ok: boolean;
        error?: string;
      };
      expect(r.ok).toBe(false);
      expect(r.error).toMatch(/TypeError/);
      expect(apiSeen.slice(before)).toContainEqual({ method: 'GET', origin: pageC });
      const violations = await page.evaluate(
        () => (window as unknown as { violations: string[] }).violations,
      );
      expect(violations).not.toContain('connect-src');
    } finally {
      await page.close();
    }
  });
});

// The signature rule needs the exact raw body while the application still parses it as
// JSON: checked through two adapters (Node request and Web Request bridges).
describe('signed JSON requests through the adapters (the handler still reads the body)', () => {
  const key = {
    keyid: 'partner-1',
    algorithm: 'hmac-sha256' as const,
    secret: new Uint8Array(32).fill(5),
  };
  const signer = createRequestSigner({ key });
  const security = createSecurity({ rules: [verifySignatureRule({ keys: [key] })] });
  const body = JSON.stringify({ message: 'hello agent', n: 1 });

  async function signedInit(url: string, payload = body) {
    const headers = { 'content-type': 'application/json' };
    const signed = await signer.sign({ method: 'POST', url, headers, body: payload });
    return { method: 'POST', body, headers: { ...headers, ...signed } };
  }

  it('Express: express.json() after jafSec sees the body; a tampered body is refused', async () => {
    const app = express();
    app.use(jafSec(security));
    app.post('/chat', express.json(), (req, res) =>
      res.json({
        echoed: req.body,
        keyid: (res.locals.securityDecision?.state.signature as { keyid: string } | undefined)
          ?.keyid,
      }),
    );
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/chat`;
    try {
      const ok = await fetch(url, await signedInit(url));
      expect(await ok.json()).toEqual({
        echoed: { message: 'hello agent', n: 1 },
        keyid: 'partner-1',
      });
      const init = await signedInit(url);
      const tampered = await fetch(url, { ...init, body: body.replace('1', '2') });
      expect(tampered.status).toBe(401);
      expect(await tampered.json()).toMatchObject({ error: { code: 'DIGEST_MISMATCH' } });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('Hono: c.req.json() after jafSec sees the body; a replay is refused', async () => {
    const app = new Hono<{ Variables: SecurityVariables }>();
    app.use(honoJafSec(security));
    app.post('/chat', async (c) => c.json({ echoed: await c.req.json() }));
    const url = 'http://agent.test/chat';
    const init = await signedInit(url);
    const ok = await app.request(url, init);
    expect(await ok.json()).toEqual({ echoed: { message: 'hello agent', n: 1 } });
    const replay = await app.request(url, init);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: { code: 'NONCE_REPLAYED' } });
  });
});
