import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestSecurity,
  expectCredentialDenial,
  expectRawJsonEcho,
  expectRespondWithoutBody,
  RAW_JSON,
} from '../../express/test/support/rules.js';
import { jafSec, type SecurityVariables } from '../src/index.js';

const servers: ServerType[] = [];
let base: string;
let smallBase: string;

async function start(app: Hono<{ Variables: SecurityVariables }>): Promise<string> {
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  servers.push(server);
  if (!server.listening) await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function build(bodyLimit?: number) {
  const app = new Hono<{ Variables: SecurityVariables }>();
  app.use('*', jafSec(createTestSecurity(), { bodyLimit }));
  app.all('/echo', async (c) => {
    const decision = c.get('securityDecision');
    return c.json({
      principal: c.get('principal')?.id ?? null,
      parsed: c.req.method === 'POST' ? await c.req.json() : null,
      raw: decision.state.rawBody ?? null,
      same: decision.state.sameBytes ?? null,
      seen: { ip: decision.state.ip, url: decision.state.url, method: decision.state.method },
    });
  });
  app.post('/form', async (c) => {
    const form = await c.req.parseBody();
    return c.json({ form, raw: c.get('securityDecision').state.rawBody ?? null });
  });
  app.post('/text', async (c) => c.json({ text: await c.req.text() }));
  // A handler that returns a plain Response: decision headers must still be written.
  app.get('/plain', () => new Response('plain'));
  return app;
}

beforeAll(async () => {
  base = await start(build());
  smallBase = await start(build(16));
});

afterAll(() => {
  for (const s of servers) s.close();
});

const json = { 'content-type': 'application/json', 'x-test-user': 'ada' };

describe('jafSec (hono)', () => {
  it("lets an allowed request through with c.get('principal') and writes decision headers", async () => {
    const res = await fetch(`${base}/echo`, { headers: { 'x-test-user': 'ada' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect((await res.json()).principal).toBe('ada');
  });

  it("builds the SecurityRequest with @hono/node-server's socket peer address", async () => {
    const res = await fetch(`${base}/echo?q=1`, { headers: { 'x-test-user': 'ada' } });
    expect((await res.json()).seen).toEqual({
      ip: '127.0.0.1',
      url: `${base}/echo?q=1`,
      method: 'GET',
    });
  });

  it('writes decision headers on a plain Response returned by the handler', async () => {
    const res = await fetch(`${base}/plain`, { headers: { 'x-test-user': 'ada' } });
    expect(await res.text()).toBe('plain');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers a denial with its status, JSON error and headers, without echoing the credential', async () => {
    const res = await fetch(`${base}/echo`, { headers: { authorization: 'Bearer secret-token' } });
    await expectCredentialDenial(res);
  });

  it('answers a respond outcome with its status and no body', async () => {
    const res = await fetch(`${base}/echo`, { method: 'OPTIONS' });
    await expectRespondWithoutBody(res);
  });

  it('gives a rule the exact raw JSON bytes and c.req.json() still parses them', async () => {
    const res = await fetch(`${base}/echo`, { method: 'POST', headers: json, body: RAW_JSON });
    await expectRawJsonEcho(res);
  });

  it('keeps c.req.parseBody() and c.req.text() working after a rule read the body', async () => {
    const form = await fetch(`${base}/form`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-test-user': 'ada' },
      body: 'a=1&b=%C3%A9',
    });
    expect(await form.json()).toEqual({ form: { a: '1', b: 'é' }, raw: 'a=1&b=%C3%A9' });
    const text = await fetch(`${base}/text`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-test-user': 'ada' },
      body: RAW_JSON,
    });
    expect(await text.json()).toEqual({ text: RAW_JSON });
  });

  it('answers 413 BODY_TOO_LARGE when the body exceeds bodyLimit', async () => {
    const res = await fetch(`${smallBase}/echo`, { method: 'POST', headers: json, body: RAW_JSON });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: { code: 'BODY_TOO_LARGE', message: 'Request body too large.' },
    });
  });

  it('answers 413 when a streamed body without length grows past bodyLimit', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"a":"'));
        controller.enqueue(new TextEncoder().encode(`${'x'.repeat(64)}"}`));
        controller.close();
      },
    });
    const res = await fetch(`${smallBase}/echo`, {
      method: 'POST',
      headers: json,
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('rejects a missing security object or a bad bodyLimit at construction', () => {
    expect(() => jafSec(undefined as never)).toThrow(TypeError);
    expect(() => jafSec(createTestSecurity(), { bodyLimit: 1.5 })).toThrow(/bodyLimit/);
  });
});
