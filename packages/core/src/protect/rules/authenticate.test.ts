import { describe, expect, it } from 'vitest';
import { issueApiKey } from '../../keys/issue-api-key.js';
import { createMemoryKeyStore } from '../../keys/memory-key-store.js';
import { JAF_ROLES } from '../../rbac/jaf-roles.js';
import { createTokenIssuer } from '../../tokens/create-token-issuer.js';
import { createTokenVerifier, type TokenVerifier } from '../../tokens/create-token-verifier.js';
import { createMemoryRevocationStore } from '../../tokens/revocation-store.js';
import type { TokenResult } from '../../tokens/token-types.js';
import { createSecurity } from '../create-security.js';
import type { RuleContext, RuleOutcome, SecurityRequest } from '../types.js';
import { authenticate } from './authenticate.js';
import { requirePermission } from './require-permission.js';

const NOW = Date.UTC(2026, 0, 1);
const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const jwt = { keys: [{ alg: 'HS256' as const, secret: SECRET }], issuer: 'jaf-system' };
const issuer = createTokenIssuer({
  key: { alg: 'HS256', secret: SECRET },
  issuer: 'jaf-system',
  clock: () => NOW,
});

const request = (headers: Record<string, string> = {}): SecurityRequest => ({
  method: 'POST',
  url: 'https://api.example.com/chat',
  headers: new Headers(headers),
});

async function setup() {
  const store = createMemoryKeyStore();
  const apiKey = await issueApiKey(store, {
    owner: 'svc-agents',
    scopes: ['agent:*'],
    environment: 'test',
    now: NOW,
    metadata: { client: 'batch' },
  });
  const security = createSecurity({
    rules: [authenticate({ jwt, apiKey: { store } }), requirePermission('chat:basic')],
    clock: () => NOW,
  });
  return { store, apiKey, security };
}

describe('authenticate', () => {
  it('accepts a bearer JWT and exposes the principal (id from sub, permissions claim)', async () => {
    const { security } = await setup();
    const token = await issuer.issue({ sub: 'user-1', permissions: ['chat:basic'] });
    const d = await security.protect(request({ authorization: `Bearer ${token}` }));
    expect(d).toMatchObject({ allowed: true, status: 200, code: 'ALLOWED' });
    expect(d.principal).toMatchObject({ id: 'user-1', kind: 'jwt', permissions: ['chat:basic'] });
    expect(d.results.map((r) => r.code)).toEqual(['AUTHENTICATED', 'PERMITTED']);
  });

  it("takes the id from user_id when sub is absent (the guide's tokens) and accepts a lower-case scheme", async () => {
    const { security } = await setup();
    const token = await issuer.issue({ user_id: 'u-7', permissions: ['chat:basic'] });
    const d = await security.protect(request({ authorization: `bearer  ${token}` }));
    expect(d.allowed).toBe(true);
    expect(d.principal?.id).toBe('u-7');
  });

  it('denies 401 AUTH_MISSING with a Bearer challenge when no credential is sent', async () => {
    const { security } = await setup();
    const d = await security.protect(request());
    expect(d).toMatchObject({ allowed: false, status: 401, code: 'AUTH_MISSING' });
    expect(d.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(d.message).toBe('Authentication required.');
  });

  it('denies 401 with the token code for an expired token, and never echoes the token', async () => {
    const { security } = await setup();
    const token = await issuer.issue(
      { sub: 'u', permissions: ['chat:basic'] },
      {
        now: NOW - 7200_000,
        expiresIn: 60,
      },
    );
    const d = await security.protect(request({ authorization: `Bearer ${token}` }));
    expect(d).toMatchObject({ allowed: false, status: 401, code: 'TOKEN_EXPIRED' });
    expect(d.headers['www-authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="token has expired"',
    );
    expect(JSON.stringify(d)).not.toContain(token.split('.')[2]);
  });

  it('denies a garbage or wrongly signed token with its code', async () => {
    const { security } = await setup();
    const garbage = await security.protect(request({ authorization: 'Bearer not.a.jwt' }));
    expect(garbage).toMatchObject({ status: 401, code: 'TOKEN_MALFORMED' });
    const other = createTokenIssuer({
      key: { alg: 'HS256', secret: 'another-secret-of-at-least-32-bytes!' },
      issuer: 'jaf-system',
      clock: () => NOW,
    });
    const forged = await other.issue({ sub: 'u', permissions: ['*'] });
    const d = await security.protect(request({ authorization: `Bearer ${forged}` }));
    expect(d).toMatchObject({ status: 401, code: 'TOKEN_SIGNATURE_INVALID' });
  });

  it('denies 401 AUTH_MALFORMED for another scheme or an empty bearer', async () => {
    const { security } = await setup();
    for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', 'Bearerx abc']) {
      const d = await security.protect(request({ authorization }));
      expect(d).toMatchObject({ status: 401, code: 'AUTH_MALFORMED' });
    }
  });

  it('denies 401 AUTH_SUBJECT_MISSING for a valid token without sub or user_id', async () => {
    const { security } = await setup();
    const token = await issuer.issue({ permissions: ['chat:basic'] });
    const d = await security.protect(request({ authorization: `Bearer ${token}` }));
    expect(d).toMatchObject({ status: 401, code: 'AUTH_SUBJECT_MISSING' });
  });

  it('accepts an API key in x-api-key: id is the owner, permissions are the scopes', async () => {
    const { store, apiKey } = await setup();
    const security = createSecurity({
      rules: [authenticate({ apiKey: { store } }), requirePermission('agent:manage')],
      clock: () => NOW,
    });
    const d = await security.protect(request({ 'x-api-key': apiKey.key }));
    expect(d.allowed).toBe(true);
    expect(d.principal).toMatchObject({
      id: 'svc-agents',
      kind: 'api_key',
      permissions: ['agent:*'],
      attributes: { keyId: apiKey.id, usageCount: 1, metadata: { client: 'batch' } },
    });
  });

  it('denies API keys with their specific codes and a Bearer challenge', async () => {
    const { store, apiKey, security } = await setup();
    const typo = apiKey.key.slice(0, -1) + (apiKey.key.endsWith('A') ? 'B' : 'A');
    const bad = await security.protect(request({ 'x-api-key': typo }));
    expect(bad).toMatchObject({ status: 401, code: 'API_KEY_MALFORMED' });
    expect(bad.headers['www-authenticate']).toMatch(/^Bearer realm="api", error="invalid_token"/);
    await store.revoke(apiKey.id, NOW);
    const revoked = await security.protect(request({ 'x-api-key': apiKey.key }));
    expect(revoked).toMatchObject({ status: 401, code: 'API_KEY_REVOKED' });
    expect(JSON.stringify(revoked)).not.toContain(apiKey.key);
  });

  it('reads the API key from a custom header and refuses Authorization as that header', async () => {
    const { store, apiKey } = await setup();
    const security = createSecurity({
      rules: [authenticate({ apiKey: { store, header: 'X-Agent-Key' } })],
      clock: () => NOW,
    });
    expect((await security.protect(request({ 'x-agent-key': apiKey.key }))).allowed).toBe(true);
    expect((await security.protect(request({ 'x-api-key': apiKey.key }))).code).toBe(
      'AUTH_MISSING',
    );
    expect(() => authenticate({ apiKey: { store, header: 'authorization' } })).toThrow(
      /cannot be Authorization/,
    );
  });

  it('refuses a request that carries both a bearer token and an API key', async () => {
    const { apiKey, security } = await setup();
    const token = await issuer.issue({ sub: 'u', permissions: ['chat:basic'] });
    const d = await security.protect(
      request({ authorization: `Bearer ${token}`, 'x-api-key': apiKey.key }),
    );
    expect(d).toMatchObject({ status: 401, code: 'AUTH_MULTIPLE_CREDENTIALS' });
  });

  it('continues without a principal when optional and no credential is sent, but still denies bad ones', async () => {
    const security = createSecurity({
      rules: [authenticate({ jwt, optional: true })],
      clock: () => NOW,
    });
    const anonymous = await security.protect(request());
    expect(anonymous).toMatchObject({ allowed: true, principal: undefined });
    expect(anonymous.results[0]).toMatchObject({ conclusion: 'skip', code: 'AUTH_MISSING' });
    const bad = await security.protect(request({ authorization: 'Bearer x.y.z' }));
    expect(bad).toMatchObject({ allowed: false, status: 401 });
  });

  it('reports but does not block in dry-run', async () => {
    const security = createSecurity({
      rules: [
        authenticate({ jwt, dryRun: true }),
        requirePermission('chat:basic', { dryRun: true }),
      ],
      clock: () => NOW,
    });
    const d = await security.protect(request());
    expect(d).toMatchObject({ allowed: true, status: 200 });
    expect(d.results).toMatchObject([
      { rule: 'authenticate', conclusion: 'deny', code: 'AUTH_MISSING', dryRun: true, status: 401 },
      { rule: 'requirePermission', conclusion: 'deny', code: 'AUTH_MISSING', dryRun: true },
    ]);
  });

  it('answers 503 (not 401) when the key store is down', async () => {
    const { apiKey } = await setup();
    const down = createMemoryKeyStore();
    down.findByHash = () => Promise.reject(new Error('ECONNREFUSED'));
    down.recordUse = () => Promise.reject(new Error('ECONNREFUSED'));
    const security = createSecurity({ rules: [authenticate({ apiKey: { store: down } })] });
    const d = await security.protect(request({ 'x-api-key': apiKey.key }));
    expect(d).toMatchObject({ allowed: false, status: 503, code: 'API_KEY_STORE_UNAVAILABLE' });
  });

  it('accepts a prepared TokenVerifier and expands the roles claim through rbac', async () => {
    const verifier = createTokenVerifier(jwt);
    const security = createSecurity({
      rules: [authenticate({ jwt: verifier, rbac: JAF_ROLES })],
      clock: () => NOW,
    });
    const token = await issuer.issue({ sub: 'admin-1', roles: ['admin'] });
    const d = await security.protect(request({ authorization: `Bearer ${token}` }));
    expect(d.principal?.roles).toEqual(['admin']);
    expect([...(d.principal?.permissions ?? [])].sort()).toEqual([
      'agent:manage',
      'analytics:view',
      'chat:advanced',
      'chat:basic',
    ]);
  });

  it('throws at construction without jwt or apiKey, with a fix-it message', () => {
    expect(() => authenticate({})).toThrow(/pass \{ jwt \}/);
    expect(() => authenticate({ jwt: { keys: [] } })).toThrow();
  });

  it('answers 503 for JWKS and revocation outages, and uses its own fixed messages', async () => {
    const stub = (code: string, message: string): TokenVerifier => ({
      verify: async () => ({ ok: false, error: { code, message } }) as TokenResult,
      ready: async () => {},
    });
    for (const code of ['JWKS_UNAVAILABLE', 'TOKEN_REVOCATION_UNAVAILABLE']) {
      const security = createSecurity({ rules: [authenticate({ jwt: stub(code, 'x') })] });
      const d = await security.protect(request({ authorization: 'Bearer a.b.c' }));
      expect(d).toMatchObject({ allowed: false, status: 503, code });
      expect(d.headers['www-authenticate']).toBeUndefined();
    }
    const leaky = createSecurity({
      rules: [authenticate({ jwt: stub('TOKEN_EXPIRED', 'token a.b.c expired for alice') })],
    });
    const d = await leaky.protect(request({ authorization: 'Bearer a.b.c' }));
    expect(d.message).toBe('token has expired');
    expect(JSON.stringify(d)).not.toContain('alice');
  });

  describe('synchronous outcomes', () => {
    const contextOf = (headers: Record<string, string>): RuleContext => ({
      request: request(headers),
      url: new URL('https://api.example.com/chat'),
      now: NOW,
      principal: undefined,
      state: {},
    });
    const isPromise = (value: unknown): value is Promise<RuleOutcome> => value instanceof Promise;

    it('decides an HMAC bearer token without a promise, accepted or refused', async () => {
      const rule = authenticate({ jwt });
      const token = await issuer.issue({ sub: 'user-1', permissions: ['chat:basic'] });
      const allowed = rule.evaluate(contextOf({ authorization: `Bearer ${token}` }));
      expect(isPromise(allowed)).toBe(false);
      expect(allowed).toMatchObject({
        conclusion: 'allow',
        code: 'AUTHENTICATED',
        principal: { id: 'user-1', permissions: ['chat:basic'] },
      });
      const expired = await createTokenIssuer({
        key: { alg: 'HS256', secret: SECRET },
        issuer: 'jaf-system',
        clock: () => NOW - 7_200_000,
        expiresIn: 60,
      }).issue({ sub: 'user-1' });
      const denied = rule.evaluate(contextOf({ authorization: `Bearer ${expired}` }));
      expect(isPromise(denied)).toBe(false);
      expect(denied).toMatchObject({ conclusion: 'deny', status: 401, code: 'TOKEN_EXPIRED' });
    });

    it('awaits the verifier when a revocation lookup is needed, and still refuses a revoked jti', async () => {
      const revocation = createMemoryRevocationStore({ clock: () => NOW });
      const rule = authenticate({ jwt: { ...jwt, revocation } });
      const token = await issuer.issue({ sub: 'user-1' });
      const pending = rule.evaluate(contextOf({ authorization: `Bearer ${token}` }));
      expect(isPromise(pending)).toBe(true);
      expect(await pending).toMatchObject({ conclusion: 'allow', code: 'AUTHENTICATED' });
      const verified = await createTokenVerifier(jwt).verify(token, { now: NOW });
      if (!verified.ok) throw new Error('fixture token must verify');
      await revocation.revoke(verified.value.claims.jti!, NOW + 3_600_000);
      const security = createSecurity({ rules: [rule], clock: () => NOW });
      const d = await security.protect(request({ authorization: `Bearer ${token}` }));
      expect(d).toMatchObject({ allowed: false, status: 401, code: 'TOKEN_REVOKED' });
    });

    it('falls back to verify when a verifier has no synchronous form or declines', async () => {
      const token = await issuer.issue({ sub: 'user-1' });
      const real = createTokenVerifier(jwt);
      const asyncOnly: TokenVerifier = { verify: real.verify, ready: real.ready };
      const declining: TokenVerifier = { ...asyncOnly, verifySync: () => undefined };
      for (const verifier of [asyncOnly, declining]) {
        const rule = authenticate({ jwt: verifier });
        const outcome = rule.evaluate(contextOf({ authorization: `Bearer ${token}` }));
        expect(isPromise(outcome)).toBe(true);
        expect(await outcome).toMatchObject({ conclusion: 'allow', principal: { id: 'user-1' } });
      }
    });
  });
});
