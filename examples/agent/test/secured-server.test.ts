// The main server's app (Hono on @hono/node-server, as `npm start` runs it) with the
// protections configured small enough to reach in a test: a chat limit of 3 per minute, one
// allowed CORS origin, and the audit log captured in an array. Time is injected: the test
// moves the clock instead of waiting (within the tokens' hour).
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { SecurityEvent } from '@jaf-sec/core/audit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AgentContext, createAgentContext } from '../src/context.js';
import { createHonoApp } from '../src/hono.js';

const START = Date.UTC(2026, 0, 2, 3, 4, 5);
const ALLOWED_ORIGIN = 'https://app.example.test';
let now = START;
const events: SecurityEvent[] = [];
let ctx: AgentContext;
let server: Server;
let base = '';
const tokens: Record<'user' | 'other' | 'limited' | 'admin' | 'expired', string> = {
  user: '',
  other: '',
  limited: '',
  admin: '',
  expired: '',
};

beforeAll(async () => {
  ctx = await createAgentContext({
    clock: () => now,
    corsOrigins: [ALLOWED_ORIGIN],
    limits: { chat: { limit: 3, windowMs: 60_000 }, burst: false },
    auditSink: (event) => {
      events.push(event);
    },
  });
  server = serve({ fetch: createHonoApp(ctx).fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  if (!server.listening) await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const chat = ['chat:basic'];
  tokens.user = await ctx.issueToken({ sub: 'user-1', permissions: chat });
  tokens.other = await ctx.issueToken({ sub: 'user-2', permissions: chat });
  tokens.limited = await ctx.issueToken({ sub: 'user-3', permissions: chat });
  tokens.admin = await ctx.issueToken({ sub: 'admin-1', permissions: [...chat, 'agent:manage'] });
  tokens.expired = await ctx.issueToken(
    { sub: 'user-1', permissions: chat },
    { now: START - 7_200_000, expiresIn: 3600 },
  );
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  events.length = 0;
});

function chat(token: string | undefined, content: string, headers: Record<string, string> = {}) {
  return fetch(`${base}/chat`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ content, type: 'text' }),
  });
}

function expectApiSecurityHeaders(res: Response): void {
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(res.headers.get('content-security-policy')).toBe(
    "default-src 'none'; frame-ancestors 'none'",
  );
  expect(res.headers.get('x-powered-by')).toBeNull();
}

describe('security headers', () => {
  it('are on an allowed chat (200) and on a denial (401)', async () => {
    const ok = await chat(tokens.user, 'hello');
    expect(ok.status).toBe(200);
    expectApiSecurityHeaders(ok);
    const denied = await chat(undefined, 'hello');
    expect(denied.status).toBe(401);
    expectApiSecurityHeaders(denied);
    expect(await denied.json()).toEqual({
      error: { code: 'AUTH_MISSING', message: expect.any(String) },
    });
  });
});

describe('rate limit (chat: 3 per minute per user in this test)', () => {
  it('answers 429 with Retry-After and RateLimit headers once the user spent the quota, and again after the window', async () => {
    now = START + 600_000;
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await chat(tokens.limited, `message ${i}`);
      expect(res.status).toBe(200);
      remaining.push(res.headers.get('ratelimit') ?? '');
    }
    expect(remaining.map((v) => /^"chat";r=(\d+);t=\d+$/.exec(v)?.[1])).toEqual(['2', '1', '0']);
    const limited = await chat(tokens.limited, 'one more');
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({
      error: { code: 'RATE_LIMITED', message: expect.any(String) },
    });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit-policy')).toBe('"chat";q=3;w=60');
    expect(limited.headers.get('ratelimit')).toMatch(/^"chat";r=0;t=\d+$/);
    expect(limited.headers.get('x-ratelimit-limit')).toBe('3');
    expectApiSecurityHeaders(limited);

    // Keyed by user: another user from the same address is not affected.
    expect((await chat(tokens.other, 'hi')).status).toBe(200);
    // /chat/advanced shares the chat quota.
    const advanced = await fetch(`${base}/chat/advanced`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.limited}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: 'x', type: 'text' }),
    });
    expect(advanced.status).toBe(429);

    now += 60_000;
    expect((await chat(tokens.limited, 'after a minute')).status).toBe(200);
  });

  it('limits the API-key route per key with the api policy (1000 per hour)', async () => {
    const res = await fetch(`${base}/api/agents/process`, {
      method: 'POST',
      headers: { 'x-api-key': ctx.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ task: 'summarize' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('ratelimit-policy')).toBe('"api";q=1000;w=3600');
  });
});

describe('CORS', () => {
  const preflight = (origin: string) =>
    fetch(`${base}/chat`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });

  it('answers a preflight from an allowed origin with 204 and the CORS headers, before authentication', async () => {
    const res = await preflight(ALLOWED_ORIGIN);
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
    expect(res.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(res.headers.get('vary')).toContain('Origin');
    expectApiSecurityHeaders(res);
  });

  it('refuses a preflight from another origin with 403 and no allow-origin', async () => {
    const res = await preflight('https://evil.example');
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(await res.json()).toEqual({
      error: { code: 'CORS_ORIGIN_NOT_ALLOWED', message: expect.any(String) },
    });
    expect(events.map((e) => e.type)).toEqual(['malicious_cors']);
  });

  it('lets the allowed origin read the chat reply and its rate-limit headers', async () => {
    const res = await chat(tokens.other, 'hi', { origin: ALLOWED_ORIGIN });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(res.headers.get('access-control-expose-headers')).toContain('ratelimit');
  });
});

describe('audit log', () => {
  it('records login success, invalid token, missing permission and rate-limit events without tokens or PII', async () => {
    now = START + 1_200_000;
    expect((await chat(tokens.user, 'mail me at ana@example.com')).status).toBe(200);
    expect((await chat(tokens.expired, 'hi')).status).toBe(401);
    const admin = await fetch(`${base}/admin/agents`, {
      headers: { authorization: `Bearer ${tokens.user}` },
    });
    expect(admin.status).toBe(403);
    for (let i = 0; i < 4; i++) await chat(tokens.other, `n${i}`);

    const types = events.map((e) => `${e.type}:${e.code}`);
    expect(types).toEqual(
      expect.arrayContaining([
        'authn_login_success:AUTHENTICATED',
        'authn_token_invalid:TOKEN_EXPIRED',
        'authz_fail:INSUFFICIENT_PERMISSIONS',
        'excess_rate_limit_exceeded:RATE_LIMITED',
      ]),
    );
    const limited = events.find((e) => e.type === 'excess_rate_limit_exceeded')!;
    expect(limited).toMatchObject({ principal: 'user-2', path: '/chat', status: 429 });
    // The client address is logged truncated to its network.
    expect(limited.client).toBe('127.0.0.0/24');
    expect(limited.timestamp).toBe(new Date(now).toISOString());

    const log = events.map((e) => JSON.stringify(e)).join('\n');
    for (const secret of Object.values(tokens)) expect(log).not.toContain(secret.slice(-20));
    expect(log).not.toContain(ctx.apiKey);
    expect(log).not.toContain('ana@example.com');
    expect(log).not.toMatch(/eyJ[\w-]+\./);
  });

  it('takes the client from X-Forwarded-For only because the peer is a trusted (loopback) proxy', async () => {
    const res = await chat(undefined, 'hi', { 'x-forwarded-for': '198.51.100.23' });
    expect(res.status).toBe(401);
    expect(events.map((e) => [e.type, e.client])).toEqual([['authz_fail', '198.51.100.0/24']]);
  });
});

describe('shield', () => {
  it('bans an address after 5 failed logins (fed by the audit log) and lets it back 15 minutes later', async () => {
    now = START + 1_800_000;
    // Each client is told apart by X-Forwarded-For, trusted because the peer is loopback.
    const from = { 'x-forwarded-for': '203.0.113.9' };
    for (let i = 0; i < 5; i++) expect((await chat(tokens.expired, 'hi', from)).status).toBe(401);
    const banned = await chat(tokens.user, 'hi', from);
    expect(banned.status).toBe(403);
    expect(await banned.json()).toEqual({
      error: { code: 'SHIELD_BANNED', message: expect.any(String) },
    });
    expect(Number(banned.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(events.at(-1)).toMatchObject({
      type: 'malicious_client_banned',
      client: '203.0.113.0/24',
    });
    // Another address is not affected.
    expect((await chat(tokens.user, 'hi', { 'x-forwarded-for': '203.0.113.10' })).status).toBe(200);
    now += 15 * 60_000;
    expect((await chat(tokens.user, 'hi', from)).status).toBe(200);
  });
});

describe('output redaction', () => {
  it('redacts an email and a card number the agent echoes back', async () => {
    const res = await chat(tokens.user, 'Write to ana@example.com, card 4111 1111 1111 1111');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.reply).toBe('You said: Write to [EMAIL], card [CREDIT_CARD]');
  });
});
