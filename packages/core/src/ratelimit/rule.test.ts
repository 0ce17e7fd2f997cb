import { describe, expect, it } from 'vitest';
import { createSecurity } from '../protect/create-security.js';
import type { Principal, Rule, SecurityRequest } from '../protect/types.js';
import { createBanManager } from '../shield/bans.js';
import { normalizeRatePath } from './policies.js';
import { rateLimit } from './rule.js';
import type { RateLimitStore } from './types.js';

const T0 = 1_700_000_000_000;

const request = (
  path: string,
  ip = '203.0.113.1',
  headers: Record<string, string> = {},
  method = 'GET',
): SecurityRequest => ({
  method,
  url: `https://app.example${path}`,
  headers: new Headers(headers),
  ip,
});

const asUser = (id: string): Rule => ({
  name: 'fakeAuth',
  evaluate: () => ({
    conclusion: 'allow',
    principal: { id, kind: 'jwt', permissions: [] } satisfies Principal,
  }),
});

async function spend(security: ReturnType<typeof createSecurity>, req: SecurityRequest, n: number) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await security.protect(req));
  return out;
}

describe('normalizeRatePath', () => {
  it.each([
    ['/chat', '/chat'],
    ['/CHAT', '/chat'],
    ['//chat', '/chat'],
    ['/chat/', '/chat'],
    ['/chat//', '/chat'],
    ['/%63hat', '/chat'],
    ['/%43HAT', '/chat'],
    ['/api/../chat', '/chat'],
    ['/api/%2e%2e/chat', '/chat'],
    ['/api/%2E%2E/chat', '/chat'],
    ['/./chat/.', '/chat'],
    ['/chat%2fx', '/chat%2Fx'],
    ['/chat?x=1', '/chat'],
    ['\\chat', '/chat'],
    ['/', '/'],
    ['/..', '/'],
  ])('%j -> %j', (input, expected) => {
    expect(normalizeRatePath(input)).toBe(expected);
  });

  it('keeps case when asked', () => {
    expect(normalizeRatePath('/Chat/', true)).toBe('/Chat');
  });
});

describe('rateLimit rule', () => {
  it('applies the guide policies by route: chat 20, upload 5, api 1000, default 100', async () => {
    const security = createSecurity({ clock: () => T0, rules: [rateLimit()] });
    const chat = await spend(security, request('/chat/send'), 21);
    expect(chat.filter((d) => d.allowed).length).toBe(20);
    expect(chat[20]!.status).toBe(429);
    expect(chat[20]!.code).toBe('RATE_LIMITED');
    const upload = await spend(security, request('/upload'), 6);
    expect(upload.filter((d) => d.allowed).length).toBe(5);
    expect((await security.protect(request('/api/items'))).headers['X-RateLimit-Limit']).toBe(
      '1000',
    );
    expect((await security.protect(request('/other'))).headers['X-RateLimit-Limit']).toBe('100');
    expect((await security.protect(request('/chatter'))).headers['X-RateLimit-Limit']).toBe('100');
  });

  it('lands path tricks in the same bucket as the plain route', async () => {
    const security = createSecurity({ clock: () => T0, rules: [rateLimit()] });
    const tricks = [
      '/chat',
      '/CHAT',
      '//chat',
      '/chat/',
      '/%63hat',
      '/Chat/./',
      '/api/../chat',
      '/api/%2e%2e/chat',
      '/static/%2E%2E/chat/x',
      '/chat;',
    ];
    const decisions = [];
    for (let i = 0; i < 20; i++)
      decisions.push(await security.protect(request(tricks[i % tricks.length]!)));
    // '/chat;' is a different path to every Node router; the other nine share the chat bucket.
    const shared = decisions.filter((_, i) => tricks[i % tricks.length] !== '/chat;');
    expect(shared.every((d) => d.headers['X-RateLimit-Limit'] === '20')).toBe(true);
    expect(shared.at(-1)!.headers['X-RateLimit-Remaining']).toBe('2');
    const last = await spend(security, request('/Chat//'), 3);
    expect(last.map((d) => d.allowed)).toEqual([true, true, false]);
  });

  it('exempts /health and /metrics but not paths that resolve elsewhere', async () => {
    const security = createSecurity({ clock: () => T0, rules: [rateLimit()] });
    const health = await security.protect(request('/health'));
    expect(health.results[0]!.code).toBe('RATE_LIMIT_EXEMPT');
    const dodge = await security.protect(request('/health/../chat'));
    expect(dodge.headers['X-RateLimit-Limit']).toBe('20');
  });

  it('keys by user when authenticated and by IP otherwise', async () => {
    const users = createSecurity({
      clock: () => T0,
      rules: [asUser('u1'), rateLimit({ policies: { default: { limit: 2, windowMs: 60_000 } } })],
    });
    await spend(users, request('/x', '198.51.100.1'), 2);
    // Same user from another address: same bucket.
    expect((await users.protect(request('/x', '198.51.100.2'))).allowed).toBe(false);
    const anon = createSecurity({
      clock: () => T0,
      rules: [rateLimit({ policies: { default: { limit: 2, windowMs: 60_000 } } })],
    });
    await spend(anon, request('/x', '198.51.100.1'), 2);
    expect((await anon.protect(request('/x', '198.51.100.2'))).allowed).toBe(true);
  });

  it('keys by API key id when asked, so two keys of one owner have separate buckets', async () => {
    const viaKey = (keyId: string): Rule => ({
      name: 'fakeKeyAuth',
      evaluate: () => ({
        conclusion: 'allow',
        principal: { id: 'owner-1', kind: 'api_key', permissions: [], attributes: { keyId } },
      }),
    });
    const limit = rateLimit({
      key: 'apiKey',
      policies: { default: { limit: 1, windowMs: 60_000 } },
    });
    const a = createSecurity({ clock: () => T0, rules: [viaKey('key_a'), limit] });
    const b = createSecurity({ clock: () => T0, rules: [viaKey('key_b'), limit] });
    expect((await a.protect(request('/x'))).allowed).toBe(true);
    expect((await a.protect(request('/x'))).allowed).toBe(false);
    expect((await b.protect(request('/x'))).allowed).toBe(true);
  });

  it('keeps one bucket for a client rotating IPv6 addresses inside its /64', async () => {
    const security = createSecurity({
      clock: () => T0,
      rules: [
        rateLimit({ policy: 'default', policies: { default: { limit: 5, windowMs: 60_000 } } }),
      ],
    });
    const results = [];
    for (let i = 1; i <= 8; i++) {
      results.push(
        (await security.protect(request('/x', `2001:db8:aa:bb:${i.toString(16)}::${i}`))).allowed,
      );
    }
    expect(results).toEqual([true, true, true, true, true, false, false, false]);
    expect((await security.protect(request('/x', '2001:db8:aa:bc::1'))).allowed).toBe(true);
  });

  it('ignores X-Forwarded-For from an untrusted peer when keying by IP', async () => {
    const security = createSecurity({
      clock: () => T0,
      rules: [
        rateLimit({
          policies: { default: { limit: 2, windowMs: 60_000 } },
          clientIp: { trustedProxies: ['10.0.0.0/8'] },
        }),
      ],
    });
    const spoof = (n: number) =>
      request('/x', '198.51.100.66', { 'x-forwarded-for': `192.0.2.${n}` });
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push((await security.protect(spoof(i))).allowed);
    expect(decisions).toEqual([true, true, false, false]);
    // Behind the trusted proxy, the forwarded client is the key.
    const viaProxy = (ip: string) => request('/x', '10.0.0.5', { 'x-forwarded-for': ip });
    expect((await security.protect(viaProxy('192.0.2.1'))).allowed).toBe(true);
    expect((await security.protect(viaProxy('192.0.2.2'))).allowed).toBe(true);
  });

  it('sets headers on allow and deny, in the selected format, with Retry-After on 429', async () => {
    const security = createSecurity({
      clock: () => T0,
      rules: [
        rateLimit({
          policies: { chat: { limit: 1, windowMs: 60_000 } },
          headers: ['draft-11'],
        }),
      ],
    });
    const ok = await security.protect(request('/chat'));
    expect(ok.headers).toEqual({
      'RateLimit-Policy': '"chat";q=1;w=60',
      RateLimit: '"chat";r=0;t=60',
    });
    const denied = await security.protect(request('/chat'));
    expect(denied.status).toBe(429);
    expect(denied.headers['Retry-After']).toBe('60');
    expect(denied.headers.RateLimit).toBe('"chat";r=0;t=60');
  });

  it('declares its fail mode when the store is down: open allows, closed answers 503, never 429', async () => {
    const down: RateLimitStore = { consume: () => Promise.reject(new Error('ECONNREFUSED')) };
    const open = createSecurity({ rules: [rateLimit({ store: down })] });
    const a = await open.protect(request('/chat'));
    expect(a.allowed).toBe(true);
    expect(a.results[0]!.code).toBe('RATE_LIMIT_STORE_UNAVAILABLE');
    const closed = createSecurity({ rules: [rateLimit({ store: down, failMode: 'closed' })] });
    const b = await closed.protect(request('/chat'));
    expect(b).toMatchObject({ allowed: false, status: 503, code: 'RATE_LIMIT_STORE_UNAVAILABLE' });
  });

  it('charges a per-request cost and rejects a bad one', async () => {
    const security = createSecurity({
      clock: () => T0,
      rules: [
        rateLimit({
          policy: 'default',
          policies: { default: { limit: 10, windowMs: 60_000 } },
          cost: (ctx) => Number(ctx.url.searchParams.get('cost') ?? 1),
        }),
      ],
    });
    expect((await security.protect(request('/x?cost=7'))).allowed).toBe(true);
    expect((await security.protect(request('/x?cost=4'))).code).toBe('RATE_LIMITED');
    expect((await security.protect(request('/x?cost=11'))).code).toBe('RATE_LIMIT_COST_EXCEEDED');
    expect((await security.protect(request('/x?cost=-1'))).code).toBe('RATE_LIMIT_INVALID_COST');
  });

  it('feeds denials to a ban manager through onLimited', async () => {
    const bans = createBanManager({ threshold: 2 });
    const security = createSecurity({
      clock: () => T0,
      rules: [
        rateLimit({
          policies: { default: { limit: 1, windowMs: 60_000 } },
          onLimited: ({ key, ctx }) => bans.recordFailure(key, ctx.now).then(() => {}),
        }),
      ],
    });
    await spend(security, request('/x'), 3);
    expect(await bans.isBanned('ip:203.0.113.1', T0)).toBe(true);
  });

  it('never blocks in dry-run but still reports the denial', async () => {
    const security = createSecurity({
      clock: () => T0,
      rules: [rateLimit({ dryRun: true, policies: { default: { limit: 1, windowMs: 60_000 } } })],
    });
    const [, second] = await spend(security, request('/x'), 2);
    expect(second!.allowed).toBe(true);
    expect(second!.results[0]).toMatchObject({ code: 'RATE_LIMITED', dryRun: true });
  });

  it('refuses unknown policies, bad routes and conflicting header drafts at construction', () => {
    expect(() => rateLimit({ policy: 'nope' })).toThrow(/not defined/);
    expect(() => rateLimit({ routes: [{ path: 'chat', policy: 'chat' }] })).toThrow(/start with/);
    expect(() => rateLimit({ headers: ['draft-7', 'draft-11'] })).toThrow(/pick one/);
  });
});
