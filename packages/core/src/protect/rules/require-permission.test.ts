import { describe, expect, it } from 'vitest';
import { issueApiKey } from '../../keys/issue-api-key.js';
import { createMemoryKeyStore } from '../../keys/memory-key-store.js';
import { defineRoles } from '../../rbac/define-roles.js';
import { JAF_ROLES } from '../../rbac/jaf-roles.js';
import { createTokenIssuer } from '../../tokens/create-token-issuer.js';
import { createSecurity } from '../create-security.js';
import type { SecurityRequest } from '../types.js';
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

describe('requirePermission', () => {
  const withToken = async (
    claims: Record<string, unknown>,
    ...rules: Parameters<typeof createSecurity>[0]['rules']
  ) => {
    const security = createSecurity({ rules: [authenticate({ jwt }), ...rules], clock: () => NOW });
    const token = await issuer.issue(claims);
    return security.protect(request({ authorization: `Bearer ${token}` }));
  };

  it('denies 403 INSUFFICIENT_PERMISSIONS without naming the permission in the message', async () => {
    const d = await withToken(
      { sub: 'u', permissions: ['chat:basic'] },
      requirePermission('agent:manage'),
    );
    expect(d).toMatchObject({ allowed: false, status: 403, code: 'INSUFFICIENT_PERMISSIONS' });
    expect(d.message).toBe('You do not have permission to perform this action.');
    expect(d.results[1]?.details).toEqual({ required: ['agent:manage'] });
  });

  it('matches wildcard grants and and/or queries', async () => {
    const grants = { sub: 'u', permissions: ['chat:*', 'analytics:view'] };
    expect((await withToken(grants, requirePermission('chat:advanced'))).allowed).toBe(true);
    expect(
      (await withToken(grants, requirePermission({ all: ['chat:basic', 'analytics:view'] })))
        .allowed,
    ).toBe(true);
    expect(
      (await withToken(grants, requirePermission({ all: ['chat:basic', 'data:export'] }))).status,
    ).toBe(403);
    expect(
      (await withToken(grants, requirePermission({ any: ['data:export', 'chat:basic'] }))).allowed,
    ).toBe(true);
  });

  it('expands roles and honours role denials when given an rbac definition', async () => {
    const roles = defineRoles({
      analyst: { permissions: ['analytics:*', 'data:*'], deny: ['data:export'] },
    });
    const claims = { sub: 'u', roles: ['analyst'], permissions: ['data:export'] };
    expect(
      (await withToken(claims, requirePermission('analytics:view', { rbac: roles }))).allowed,
    ).toBe(true);
    // The role's deny beats the direct grant.
    expect(
      (await withToken(claims, requirePermission('data:export', { rbac: roles }))).status,
    ).toBe(403);
    // Without rbac, roles are not consulted at all.
    expect(
      (await withToken({ sub: 'u', roles: ['analyst'] }, requirePermission('analytics:view')))
        .status,
    ).toBe(403);
  });

  it('denies 401 when no rule authenticated the request', async () => {
    const security = createSecurity({ rules: [requirePermission('chat:basic')] });
    const d = await security.protect(request());
    expect(d).toMatchObject({ status: 401, code: 'AUTH_MISSING' });
    expect(d.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it('refuses a wildcard in the required permission at construction', () => {
    expect(() => requirePermission('chat:*')).toThrow(/concrete/);
  });

  it("applies the guide's roles: admin may manage agents, premium_user may not", async () => {
    const rule = requirePermission('agent:manage', { rbac: JAF_ROLES });
    expect((await withToken({ sub: 'a', roles: ['admin'] }, rule)).allowed).toBe(true);
    expect((await withToken({ sub: 'p', roles: ['premium_user'] }, rule)).code).toBe(
      'INSUFFICIENT_PERMISSIONS',
    );
    expect((await withToken({ sub: 's', roles: ['system_admin'] }, rule)).allowed).toBe(true);
  });

  it('checks an API key principal by its scopes, wildcards included', async () => {
    const store = createMemoryKeyStore();
    const { key } = await issueApiKey(store, { owner: 'svc', scopes: ['agent:*'], now: NOW });
    const security = createSecurity({
      rules: [authenticate({ apiKey: { store } })],
      clock: () => NOW,
    });
    const run = (query: string) =>
      security.with(requirePermission(query)).protect(request({ 'x-api-key': key }));
    expect((await run('agent:manage')).allowed).toBe(true);
    expect((await run('chat:basic')).status).toBe(403);
  });
});
