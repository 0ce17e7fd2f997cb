// The audit log against the real rules other capabilities ship, so the event map follows
// the codes they actually return.
import { describe, expect, it } from 'vitest';
import { issueApiKey } from '../keys/issue-api-key.js';
import { createMemoryKeyStore } from '../keys/memory-key-store.js';
import { createSecurity } from '../protect/create-security.js';
import { authenticate } from '../protect/rules/authenticate.js';
import { requirePermission } from '../protect/rules/require-permission.js';
import type { SecurityRequest } from '../protect/types.js';
import { createTokenIssuer } from '../tokens/create-token-issuer.js';
import { createAuditLog } from './create-audit-log.js';
import type { SecurityEvent } from './types.js';

const NOW = Date.UTC(2026, 0, 1);
const SECRET = 'audit-test-secret-of-at-least-32-bytes!';
const issuer = createTokenIssuer({ key: { alg: 'HS256', secret: SECRET }, clock: () => NOW });

const request = (headers: Record<string, string>): SecurityRequest => ({
  method: 'GET',
  url: 'https://api.example.com/chat',
  headers: new Headers(headers),
  ip: '192.0.2.10',
});

async function setup() {
  const store = createMemoryKeyStore();
  const apiKey = await issueApiKey(store, {
    owner: 'svc',
    scopes: ['read'],
    environment: 'test',
    now: NOW,
  });
  const events: SecurityEvent[] = [];
  const audit = createAuditLog({ sink: (e) => events.push(e), clock: () => NOW });
  const security = createSecurity({
    rules: [
      authenticate({ jwt: { keys: [{ alg: 'HS256', secret: SECRET }] }, apiKey: { store } }),
      requirePermission('chat:basic'),
    ],
    clock: () => NOW,
    onDecision: audit.onDecision,
  });
  return { events, security, apiKey };
}

describe('audit with the real authenticate() and requirePermission()', () => {
  it('logs a valid token as authn_login_success with the principal', async () => {
    const { events, security } = await setup();
    const token = await issuer.issue(
      { sub: 'alice', permissions: ['chat:basic'] },
      { expiresIn: 60 },
    );
    const decision = await security.protect(request({ authorization: `Bearer ${token}` }));
    expect(decision.allowed).toBe(true);
    expect(events.map((e) => [e.type, e.principal, e.rule])).toEqual([
      ['authn_login_success', 'alice', 'authenticate'],
    ]);
  });

  it('logs an expired token as authn_token_invalid and a forged one likewise', async () => {
    const { events, security } = await setup();
    const expired = await issuer.issue({ sub: 'alice' }, { expiresIn: 60, now: NOW - 3_600_000 });
    await security.protect(request({ authorization: `Bearer ${expired}` }));
    const forged = `${expired.slice(0, expired.lastIndexOf('.'))}.AAAA`;
    await security.protect(request({ authorization: `Bearer ${forged}` }));
    expect(events.map((e) => [e.type, e.code, e.status])).toEqual([
      ['authn_token_invalid', 'TOKEN_EXPIRED', 401],
      ['authn_token_invalid', events[1]!.code, 401],
    ]);
    expect(events[1]!.code).toMatch(/^TOKEN_/);
  });

  it('logs no credentials as authz_fail (info), a wrong API key as authn_login_fail', async () => {
    const { events, security } = await setup();
    await security.protect(request({}));
    await security.protect(request({ 'x-api-key': 'jaf_test_notakey' }));
    expect(events.map((e) => [e.type, e.level, e.code])).toEqual([
      ['authz_fail', 'info', 'AUTH_MISSING'],
      ['authn_login_fail', 'warn', 'API_KEY_MALFORMED'],
    ]);
  });

  it('logs a missing permission as authz_fail after the successful authentication', async () => {
    const { events, security, apiKey } = await setup();
    const decision = await security.protect(request({ 'x-api-key': apiKey.key }));
    expect(decision.status).toBe(403);
    expect(events.map((e) => [e.type, e.principal, e.code])).toEqual([
      ['authn_login_success', 'svc', 'AUTHENTICATED'],
      ['authz_fail', 'svc', 'INSUFFICIENT_PERMISSIONS'],
    ]);
  });
});
