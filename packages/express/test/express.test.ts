import { once } from 'node:events';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureRawBody, jafSec } from '../src/index.js';
import {
  createTestSecurity,
  expectCredentialDenial,
  expectRawJsonEcho,
  expectRespondWithoutBody,
  RAW_JSON,
} from './support/rules.js';

const servers: Server[] = [];

async function listen(app: express.Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function echo(req: express.Request, res: express.Response) {
  res.json({
    principal: res.locals.principal?.id ?? null,
    parsed: req.body ?? null,
    raw: res.locals.securityDecision?.state.rawBody ?? null,
    same: res.locals.securityDecision?.state.sameBytes ?? null,
    seen: {
      ip: res.locals.securityDecision?.state.ip,
      url: res.locals.securityDecision?.state.url,
      method: res.locals.securityDecision?.state.method,
    },
  });
}

let before: string; // jafSec before express.json
let after: string; // express.json (verify: captureRawBody) before jafSec
let small: string; // bodyLimit 16
let forgot: string; // express.json without captureRawBody before jafSec

beforeAll(async () => {
  const security = createTestSecurity();
  const a = express();
  a.use(jafSec(security));
  a.use(express.json());
  a.use(express.urlencoded({ extended: false }));
  a.all('/echo', echo);
  // A router mounted on a path: rules must see the full URL, not the router-relative one.
  const router = express.Router();
  router.get('/echo', jafSec(security), echo);
  a.use('/mounted', router);
  before = await listen(a);

  const b = express();
  b.use(express.json({ verify: captureRawBody }));
  b.use(jafSec(security));
  b.post('/echo', echo);
  after = await listen(b);

  const c = express();
  c.use(jafSec(security, { bodyLimit: 16 }));
  c.use(express.json());
  c.post('/echo', echo);
  small = await listen(c);

  const d = express();
  d.use(express.json());
  d.use(jafSec(security));
  d.post('/echo', echo);
  forgot = await listen(d);
});

afterAll(() => {
  for (const s of servers) s.close();
});

const json = { 'content-type': 'application/json', 'x-test-user': 'ada' };

describe('jafSec (express)', () => {
  it('lets an allowed request through with the principal and writes decision headers', async () => {
    const res = await fetch(`${before}/echo`, { headers: { 'x-test-user': 'ada' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect((await res.json()).principal).toBe('ada');
  });

  it('builds the SecurityRequest from the socket peer, the Host header and the full path', async () => {
    const res = await fetch(`${before}/mounted/echo?q=1`, { headers: { 'x-test-user': 'ada' } });
    expect((await res.json()).seen).toEqual({
      ip: '127.0.0.1',
      url: `${before}/mounted/echo?q=1`,
      method: 'GET',
    });
  });

  it('answers a denial with its status, JSON error and headers, without echoing the credential', async () => {
    const res = await fetch(`${before}/echo`, {
      headers: { authorization: 'Bearer secret-token' },
    });
    expect(res.headers.get('x-powered-by')).toBeNull();
    await expectCredentialDenial(res);
  });

  it('answers a respond outcome with its status and no body', async () => {
    const res = await fetch(`${before}/echo`, { method: 'OPTIONS' });
    await expectRespondWithoutBody(res);
  });

  it('gives a rule the exact raw JSON bytes and express.json after it still parses them', async () => {
    const res = await fetch(`${before}/echo`, { method: 'POST', headers: json, body: RAW_JSON });
    await expectRawJsonEcho(res);
  });

  it('keeps urlencoded parsing working after a rule read the body', async () => {
    const res = await fetch(`${before}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-test-user': 'ada' },
      body: 'a=1&b=%C3%A9',
    });
    expect(await res.json()).toMatchObject({ parsed: { a: '1', b: 'é' }, raw: 'a=1&b=%C3%A9' });
  });

  it('reads a chunked body of unknown length and hands it back to the parser', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(`${before}/echo`, { method: 'POST', headers: json }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.write(RAW_JSON.slice(0, 10));
      setImmediate(() => req.end(RAW_JSON.slice(10)));
    });
    expect(JSON.parse(body)).toMatchObject({
      parsed: { message: 'héllo 👋', n: 1 },
      raw: RAW_JSON,
    });
  });

  it('gives a rule the raw bytes kept by a parser placed first with verify: captureRawBody', async () => {
    const res = await fetch(`${after}/echo`, { method: 'POST', headers: json, body: RAW_JSON });
    expect(await res.json()).toMatchObject({
      parsed: { message: 'héllo 👋', n: 1 },
      raw: RAW_JSON,
    });
  });

  it('answers 500 BODY_UNAVAILABLE when a parser consumed the body without keeping it', async () => {
    const res = await fetch(`${forgot}/echo`, { method: 'POST', headers: json, body: RAW_JSON });
    expect(res.status).toBe(500);
    expect((await res.json()).error.code).toBe('BODY_UNAVAILABLE');
  });

  it('answers 413 BODY_TOO_LARGE when the body exceeds bodyLimit', async () => {
    const res = await fetch(`${small}/echo`, { method: 'POST', headers: json, body: RAW_JSON });
    expect(res.status).toBe(413);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.json()).toEqual({
      error: { code: 'BODY_TOO_LARGE', message: 'Request body too large.' },
    });
  });

  it('answers 413 when a chunked body grows past bodyLimit', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${small}/echo`, { method: 'POST', headers: json }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{"a":"');
      req.end(`${'x'.repeat(64)}"}`);
    });
    expect(status).toBe(413);
  });

  it('rejects a missing security object or a bad bodyLimit at construction', () => {
    expect(() => jafSec(undefined as never)).toThrow(TypeError);
    expect(() => jafSec(createTestSecurity(), { bodyLimit: 0 })).toThrow(/bodyLimit/);
  });
});
