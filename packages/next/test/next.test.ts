import { describe, expect, it } from 'vitest';
import { createTestSecurity, RAW_JSON } from '../../express/test/support/rules.js';
import { createProxyGuard, withSecurity } from '../src/index.js';

const security = createTestSecurity();

const echo = withSecurity<{ params: Promise<Record<string, string>> }>(
  async (request, { principal, securityDecision, params }) =>
    Response.json({
      principal: principal?.id ?? null,
      parsed: request.method === 'POST' ? await request.json() : null,
      raw: securityDecision.state.rawBody ?? null,
      same: securityDecision.state.sameBytes ?? null,
      params: await params,
    }),
  { security },
);

const ctx = { params: Promise.resolve({ id: '7' }) };
const url = 'http://localhost:3000/api/echo';

describe('withSecurity (next)', () => {
  it('passes the principal and Next context to the handler and writes decision headers', async () => {
    const res = await echo(new Request(url, { headers: { 'x-test-user': 'ada' } }), ctx);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.json()).toMatchObject({ principal: 'ada', params: { id: '7' } });
  });

  it('answers a denial with its status, JSON error and headers, without echoing the credential', async () => {
    const res = await echo(new Request(url, { headers: { authorization: 'Bearer secret' } }), ctx);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({
      error: { code: 'AUTH_REQUIRED', message: 'Authentication required.' },
    });
    expect(text).not.toContain('secret');
  });

  it('answers a respond outcome with its status and no body', async () => {
    const res = await echo(new Request(url, { method: 'OPTIONS' }), ctx);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });

  it('gives a rule the exact raw JSON bytes and request.json() still parses them', async () => {
    const req = new Request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-test-user': 'ada' },
      body: RAW_JSON,
    });
    const res = await echo(req, ctx);
    expect(await res.json()).toMatchObject({
      parsed: { message: 'héllo 👋', n: 1 },
      raw: RAW_JSON,
      same: true,
    });
  });

  it('copies an immutable Response to write the decision headers', async () => {
    const redirect = withSecurity(() => Response.redirect('http://localhost/next', 302), {
      security,
    });
    const res = await redirect(new Request(url, { headers: { 'x-test-user': 'ada' } }), {});
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('http://localhost/next');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers 413 BODY_TOO_LARGE when the body exceeds bodyLimit', async () => {
    const limited = withSecurity(() => new Response('never'), { security, bodyLimit: 16 });
    const req = new Request(url, {
      method: 'POST',
      headers: { 'x-test-user': 'ada' },
      body: RAW_JSON,
    });
    const res = await limited(req, {});
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('BODY_TOO_LARGE');
  });

  it('rejects a missing security object at construction', () => {
    expect(() => withSecurity(() => new Response(), {} as never)).toThrow(TypeError);
    expect(() => createProxyGuard({ security, bodyLimit: 0 })).toThrow(/bodyLimit/);
  });
});

describe('createProxyGuard (next)', () => {
  const guard = createProxyGuard({ security });

  it('answers a denial early', async () => {
    const res = await guard(new Request(url));
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('AUTH_REQUIRED');
  });

  it('continues an allowed request with the decision headers (NextResponse.next)', async () => {
    const res = await guard(new Request(url, { headers: { 'x-test-user': 'ada' } }));
    expect(res.headers.get('x-middleware-next')).toBe('1');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
