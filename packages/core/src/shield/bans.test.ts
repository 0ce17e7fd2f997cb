import { describe, expect, it } from 'vitest';
import { createSecurity } from '../protect/create-security.js';
import { type BanStore, createBanManager } from './bans.js';
import { shield } from './rule.js';

const T0 = 1_700_000_000_000;
const MIN = 60_000;

describe('createBanManager', () => {
  it('bans after the threshold of failures within the window, with the ban stored until its end', async () => {
    const bans = createBanManager({ threshold: 3, windowMs: 10 * MIN, banMs: 5 * MIN });
    expect((await bans.recordFailure('account:a', T0)).banned).toBe(false);
    expect((await bans.recordFailure('account:a', T0 + 1)).banned).toBe(false);
    const third = await bans.recordFailure('account:a', T0 + 2);
    expect(third).toMatchObject({ banned: true, until: T0 + 2 + 5 * MIN, level: 1 });
    expect(await bans.isBanned('account:a', T0 + 5 * MIN)).toBe(true);
    expect(await bans.isBanned('account:a', T0 + 2 + 5 * MIN)).toBe(false);
    expect(await bans.isBanned('account:b', T0)).toBe(false);
  });

  it('forgets failures after a success (consecutive failures) but keeps a ban in force', async () => {
    const bans = createBanManager({ threshold: 3 });
    await bans.recordFailure('k', T0);
    await bans.recordFailure('k', T0);
    await bans.recordSuccess('k', T0);
    expect((await bans.recordFailure('k', T0)).banned).toBe(false);
    await bans.recordFailure('k', T0);
    expect((await bans.recordFailure('k', T0)).banned).toBe(true);
    await bans.recordSuccess('k', T0 + 1);
    expect(await bans.isBanned('k', T0 + 2)).toBe(true);
  });

  it('does not count failures spread beyond the window', async () => {
    const bans = createBanManager({ threshold: 2, windowMs: MIN });
    await bans.recordFailure('k', T0);
    expect((await bans.recordFailure('k', T0 + MIN)).banned).toBe(false);
  });

  it('escalates each new ban by the factor up to the maximum, and starts over after resetAfterMs', async () => {
    const bans = createBanManager({
      threshold: 1,
      banMs: MIN,
      escalation: { factor: 3, maxBanMs: 5 * MIN, resetAfterMs: 60 * MIN },
    });
    let t = T0;
    const lengths: number[] = [];
    for (let i = 0; i < 4; i++) {
      const s = await bans.recordFailure('k', t);
      lengths.push(s.until - t);
      t = s.until + 1;
    }
    expect(lengths).toEqual([MIN, 3 * MIN, 5 * MIN, 5 * MIN]);
    const later = await bans.recordFailure('k', t + 61 * MIN);
    expect(later).toMatchObject({ level: 1 });
    expect(later.until - (t + 61 * MIN)).toBe(MIN);
  });

  it('keeps every ban the same length without escalation', async () => {
    const bans = createBanManager({ threshold: 1, banMs: MIN, escalation: false });
    const a = await bans.recordFailure('k', T0);
    const b = await bans.recordFailure('k', a.until);
    expect(b.until - a.until).toBe(MIN);
  });

  it('answers by its fail mode, never rejecting, when the store fails', async () => {
    const broken: BanStore = {
      recordViolation: () => Promise.reject(new Error('down')),
      getStatus: () => Promise.reject(new Error('down')),
      clearViolations: () => Promise.reject(new Error('down')),
      unban: () => Promise.reject(new Error('down')),
    };
    const open = createBanManager({ store: broken });
    expect(await open.status('k', T0)).toMatchObject({ banned: false, error: 'store_unavailable' });
    await expect(open.recordSuccess('k')).resolves.toBeUndefined();
    const closed = createBanManager({ store: broken, failMode: 'closed' });
    expect(await closed.isBanned('k', T0)).toBe(true);
  });

  it('refuses nonsense options at construction', () => {
    expect(() => createBanManager({ threshold: 0 })).toThrow(/threshold/);
    expect(() => createBanManager({ escalation: { factor: 0.5 } })).toThrow(/factor/);
  });
});

describe('shield rule', () => {
  const request = (ip: string, headers: Record<string, string> = {}) => ({
    method: 'GET',
    url: 'https://app.example/chat',
    headers: new Headers(headers),
    ip,
  });

  it('refuses deny-listed ranges and lets allow-listed ones through everything', async () => {
    let now = T0;
    const security = createSecurity({
      clock: () => now,
      rules: [shield({ allow: ['192.0.2.0/24'], deny: ['198.51.100.0/24', '2001:db8:bad::/48'] })],
    });
    expect((await security.protect(request('198.51.100.4'))).code).toBe('SHIELD_IP_DENIED');
    expect((await security.protect(request('2001:db8:bad:1::9'))).status).toBe(403);
    for (let i = 0; i < 50; i++) {
      const d = await security.protect(request('192.0.2.10'));
      expect(d.allowed).toBe(true);
    }
    now += 1;
  });

  it('detects a burst, bans the client after repeated bursts, and bans every address of its /64', async () => {
    const now = T0;
    const bans = createBanManager({ threshold: 2, banMs: 10 * MIN });
    const security = createSecurity({
      clock: () => now,
      rules: [shield({ bans, burst: { limit: 3, windowMs: 1000 } })],
    });
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) {
      codes.push((await security.protect(request(`2001:db8:1:2::${i + 1}`))).code);
    }
    expect(codes).toEqual([
      'ALLOWED',
      'ALLOWED',
      'ALLOWED',
      'SHIELD_BURST',
      'SHIELD_BANNED',
      'SHIELD_BANNED',
    ]);
    const banned = await security.protect(request('2001:db8:1:2:ffff::1'));
    expect(banned.status).toBe(403);
    expect(banned.headers['Retry-After']).toBe('600');
    expect((await security.protect(request('2001:db8:1:3::1'))).allowed).toBe(true);
  });

  it('uses the client behind a trusted proxy, so one spoofing client does not ban the proxy', async () => {
    const bans = createBanManager({ threshold: 1 });
    const security = createSecurity({
      clock: () => T0,
      rules: [
        shield({
          bans,
          burst: { limit: 1, windowMs: 1000 },
          clientIp: { trustedProxies: ['10.0.0.0/8'] },
        }),
      ],
    });
    await security.protect(request('10.0.0.1', { 'x-forwarded-for': '203.0.113.1' }));
    await security.protect(request('10.0.0.1', { 'x-forwarded-for': '203.0.113.1' }));
    expect(await bans.isBanned('ip:203.0.113.1', T0)).toBe(true);
    expect(
      (await security.protect(request('10.0.0.1', { 'x-forwarded-for': '203.0.113.2' }))).allowed,
    ).toBe(true);
  });

  it('blocks no user agent by default, and only the configured ones when asked', async () => {
    const open = createSecurity({ rules: [shield({ burst: false })] });
    for (const ua of ['curl/8.5.0', 'python-requests/2.32', 'Wget/1.21', 'Googlebot/2.1']) {
      expect((await open.protect(request('203.0.113.1', { 'user-agent': ua }))).allowed).toBe(true);
    }
    const strict = createSecurity({
      rules: [shield({ burst: false, userAgents: { deny: ['BadScanner'] } })],
    });
    expect(
      (await strict.protect(request('203.0.113.1', { 'user-agent': 'x badscanner/1' }))).code,
    ).toBe('SHIELD_USER_AGENT_DENIED');
  });

  it('refuses a malformed CIDR at construction', () => {
    expect(() => shield({ deny: ['10.0.0.1/8'] })).toThrow(/deny entry/);
  });
});
