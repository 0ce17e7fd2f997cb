import { describe, expect, it } from 'vitest';
import { createSecurity } from '../protect/create-security.js';
import type { Rule, SecurityRequest } from '../protect/types.js';
import { createBanManager } from '../shield/bans.js';
import { shield } from '../shield/rule.js';
import { createAuditLog } from './create-audit-log.js';
import type { SecurityEvent } from './types.js';

const request = (ip: string, token: string): SecurityRequest => ({
  method: 'GET',
  url: 'https://api.example.com/me',
  headers: new Headers({ authorization: `Bearer ${token}` }),
  ip,
});

// Stands in for authenticate(): any token but "good" is refused.
const authenticate: Rule = {
  name: 'authenticate',
  evaluate: (ctx) =>
    ctx.request.headers.get('authorization') === 'Bearer good'
      ? { conclusion: 'allow', principal: { id: 'user-1', kind: 'jwt', permissions: [] } }
      : {
          conclusion: 'deny',
          status: 401,
          code: 'TOKEN_SIGNATURE_INVALID',
          message: 'Unauthorized.',
        },
};

describe('brute-force protection: audit -> shield bans', () => {
  it('bans a client after repeated authentication failures, and the shield refuses it next', async () => {
    let now = Date.UTC(2026, 0, 1);
    const clock = () => now;
    const bans = createBanManager({ threshold: 3, windowMs: 60_000, banMs: 600_000, clock });
    const events: SecurityEvent[] = [];
    const audit = createAuditLog({ sink: (e) => events.push(e), clock, bruteForce: bans });
    const security = createSecurity({
      rules: [shield({ bans, burst: false }), authenticate],
      clock,
      onDecision: audit.onDecision,
    });

    for (let i = 0; i < 3; i++) {
      expect((await security.protect(request('203.0.113.5', 'guess'))).status).toBe(401);
      await audit.flush();
      now += 1000;
    }
    const blocked = await security.protect(request('203.0.113.5', 'good'));
    expect(blocked).toMatchObject({ allowed: false, status: 403, code: 'SHIELD_BANNED' });
    // Another client is not affected.
    expect((await security.protect(request('203.0.113.6', 'good'))).allowed).toBe(true);
    expect(events.map((e) => e.type)).toEqual([
      'authn_token_invalid',
      'authn_token_invalid',
      'authn_token_invalid',
      // The ban is reported when the third failure starts it ...
      'authn_login_lock',
      // ... and again when the banned client comes back.
      'malicious_client_banned',
      'authn_login_success',
    ]);
    now += 600_001;
    expect((await security.protect(request('203.0.113.5', 'good'))).allowed).toBe(true);
  });

  it('resets consecutive failures on success, so spaced mistakes never ban', async () => {
    let now = Date.UTC(2026, 0, 1);
    const clock = () => now;
    const bans = createBanManager({ threshold: 3, windowMs: 60_000, clock });
    const audit = createAuditLog({ sink: () => {}, clock, bruteForce: bans });
    const security = createSecurity({
      rules: [shield({ bans, burst: false }), authenticate],
      clock,
      onDecision: audit.onDecision,
    });
    for (let i = 0; i < 6; i++) {
      await security.protect(request('198.51.100.7', i % 2 === 0 ? 'guess' : 'good'));
      await audit.flush();
      now += 1000;
    }
    expect(await bans.isBanned('ip:198.51.100.7', now)).toBe(false);
  });

  it('bans an account named by failed password logins the application records', async () => {
    const now = Date.UTC(2026, 0, 1);
    const bans = createBanManager({ threshold: 5, clock: () => now });
    const audit = createAuditLog({ sink: () => {}, clock: () => now, bruteForce: bans });
    // Five different clients try the same account.
    for (let i = 1; i <= 5; i++) {
      audit.record('authn_login_fail', { account: 'alice@example.com', client: `192.0.2.${i}` });
    }
    await audit.flush();
    expect(await bans.isBanned('account:alice@example.com', now)).toBe(true);
    expect(await bans.isBanned('ip:192.0.2.1', now)).toBe(false);
  });

  it('writes the ban event when the threshold is crossed, once, before any further request', async () => {
    let now = Date.UTC(2026, 0, 1);
    const bans = createBanManager({ threshold: 3, banMs: 600_000, clock: () => now });
    const events: SecurityEvent[] = [];
    const audit = createAuditLog({
      sink: (e) => events.push(e),
      clock: () => now,
      bruteForce: bans,
      chain: true,
    });
    for (let i = 0; i < 5; i++) {
      audit.record('authn_login_fail', { account: 'bob', client: '198.51.100.9' });
      await audit.flush();
      now += 1000;
    }
    const locks = events.filter((e) => e.type === 'authn_login_lock');
    // One for the account, one for the client, both at the third failure, none after.
    expect(locks.map((e) => [e.details.scope, e.timestamp])).toEqual([
      ['account', '2026-01-01T00:00:02.000Z'],
      ['client', '2026-01-01T00:00:02.000Z'],
    ]);
    expect(locks[0]).toMatchObject({
      level: 'critical',
      outcome: 'deny',
      client: null,
      details: { account: 'bob', until: '2026-01-01T00:10:02.000Z', banLevel: 1 },
    });
    expect(locks[1]).toMatchObject({ client: '198.51.100.9', details: { scope: 'client' } });
    expect(events.map((e) => e.type).indexOf('authn_login_lock')).toBe(3);
    // Chained like any event.
    expect(locks[1]!.seq).toBe(4);
  });

  it('the ban manager reports a ban it starts, whoever fed it (onBan)', async () => {
    const started: unknown[] = [];
    const bans = createBanManager({ threshold: 2, banMs: 1000, onBan: (b) => started.push(b) });
    await bans.recordFailure('ip:x', 0);
    expect(started).toEqual([]);
    const status = await bans.recordFailure('ip:x', 10);
    expect(status).toMatchObject({ banned: true, started: true });
    expect(started).toEqual([{ key: 'ip:x', until: 1010, level: 1, now: 10 }]);
    // While banned, further failures start nothing.
    expect((await bans.recordFailure('ip:x', 20)).started).toBeUndefined();
    expect(started).toHaveLength(1);
    const failing = createBanManager({
      threshold: 1,
      onBan: () => {
        throw new Error('alerting down');
      },
    });
    expect((await failing.recordFailure('k', 0)).banned).toBe(true);
    expect(() => createBanManager({ onBan: 'x' as never })).toThrow(/onBan/);
  });
});
