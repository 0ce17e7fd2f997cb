import { request as httpRequest } from 'node:http';
import { createSecurity } from '@jaf-sec/core/protect';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestSecurity,
  expectCredentialDenial,
  expectRawJsonEcho,
  expectRespondWithoutBody,
  RAW_JSON,
  testAuth,
} from '../../express/test/support/rules.js';
import { createJafSecHook, jafSec } from '../src/index.js';

let app: FastifyInstance;
let small: FastifyInstance;
let base: string;
let smallBase: string;

beforeAll(async () => {
  const security = createTestSecurity();
  app = Fastify();
  await app.register(jafSec, { security });
  const echo = async (request: import('fastify').FastifyRequest) => ({
    principal: request.principal?.id ?? null,
    parsed: request.body ?? null,
    raw: request.securityDecision?.state.rawBody ?? null,
    same: request.securityDecision?.state.sameBytes ?? null,
    seen: {
      ip: request.securityDecision?.state.ip,
      url: request.securityDecision?.state.url,
      method: request.securityDecision?.state.method,
    },
  });
  app.route({ method: ['GET', 'POST', 'OPTIONS'], url: '/echo', handler: echo });
  app.get('/admin', {
    config: {
      security: createSecurity({
        rules: [
          testAuth,
          {
            name: 'adminOnly',
            evaluate: (ctx) =>
              ctx.principal?.id === 'root'
                ? { conclusion: 'allow' }
                : { conclusion: 'deny', status: 403, code: 'FORBIDDEN', message: 'Forbidden.' },
          },
        ],
      }),
    },
    handler: echo,
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });

  small = Fastify();
  await small.register(jafSec, { security, bodyLimit: 16 });
  small.post('/echo', echo);
  smallBase = await small.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app.close();
  await small.close();
});

const json = { 'content-type': 'application/json', 'x-test-user': 'ada' };

describe('jafSec (fastify)', () => {
  it('lets an allowed request through with request.principal and writes decision headers', async () => {
    const res = await fetch(`${base}/echo`, { headers: { 'x-test-user': 'ada' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect((await res.json()).principal).toBe('ada');
  });

  it('builds the SecurityRequest from the socket peer, the Host header and the path', async () => {
    const res = await fetch(`${base}/echo?q=1`, { headers: { 'x-test-user': 'ada' } });
    expect((await res.json()).seen).toEqual({
      ip: '127.0.0.1',
      url: `${base}/echo?q=1`,
      method: 'GET',
    });
  });

  it('answers a denial with its status, JSON error and headers, without echoing the credential', async () => {
    const res = await fetch(`${base}/echo`, { headers: { authorization: 'Bearer secret-token' } });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    await expectCredentialDenial(res);
  });

  it('answers a respond outcome with its status and no body', async () => {
    const res = await fetch(`${base}/echo`, { method: 'OPTIONS' });
    await expectRespondWithoutBody(res);
  });

  it('gives a rule the exact raw JSON bytes and the content-type parser still parses them', async () => {
    const res = await fetch(`${base}/echo`, { method: 'POST', headers: json, body: RAW_JSON });
    await expectRawJsonEcho(res);
  });

  it('uses a route-level pipeline from config.security instead of the plugin one', async () => {
    const denied = await fetch(`${base}/admin`, { headers: { 'x-test-user': 'ada' } });
    expect(denied.status).toBe(403);
    expect((await denied.json()).error.code).toBe('FORBIDDEN');
    const allowed = await fetch(`${base}/admin`, { headers: { 'x-test-user': 'root' } });
    expect(allowed.status).toBe(200);
  });

  it('answers 413 BODY_TOO_LARGE when the body exceeds bodyLimit', async () => {
    const res = await fetch(`${smallBase}/echo`, { method: 'POST', headers: json, body: RAW_JSON });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: { code: 'BODY_TOO_LARGE', message: 'Request body too large.' },
    });
  });

  it('answers 413 when a chunked body grows past bodyLimit', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${smallBase}/echo`, { method: 'POST', headers: json }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{"a":"');
      req.end(`${'x'.repeat(64)}"}`);
    });
    expect(status).toBe(413);
  });

  it('gives a rule the raw body under app.inject() (light-my-request), and the parser still parses it', async () => {
    // inject() requests are not IncomingMessages: they have no `complete` flag, so the bridge
    // must know the body is whole from its declared length instead of waiting forever.
    const res = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: json,
      payload: RAW_JSON,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.raw).toBe(RAW_JSON);
    expect(body.same).toBe(true);
    expect(body.parsed).toEqual(JSON.parse(RAW_JSON));
  });

  it('rejects a missing security object or a bad bodyLimit at construction', () => {
    expect(() => createJafSecHook({} as never)).toThrow(TypeError);
    expect(() => createJafSecHook({ security: createTestSecurity(), bodyLimit: -1 })).toThrow(
      /bodyLimit/,
    );
  });
});
