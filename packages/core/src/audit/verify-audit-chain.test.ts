import { describe, expect, it } from 'vitest';
import { createSecurity } from '../protect/create-security.js';
import type { Rule, SecurityRequest } from '../protect/types.js';
import { createAuditLog } from './create-audit-log.js';
import { createJsonLinesSink } from './create-json-lines-sink.js';
import type { SecurityEvent } from './types.js';
import { AUDIT_CHAIN_GENESIS, hashAuditEvent, verifyAuditChain } from './verify-audit-chain.js';

const request: SecurityRequest = {
  method: 'GET',
  url: 'https://api.example.com/a',
  headers: new Headers(),
  ip: '192.0.2.1',
};
const denyRule: Rule = {
  name: 'requirePermission',
  evaluate: () => ({
    conclusion: 'deny',
    status: 403,
    code: 'PERMISSION_DENIED',
    message: '',
    details: { needed: 'admin:*' },
  }),
};

async function chainedLog(count: number) {
  let text = '';
  let t = Date.UTC(2026, 0, 1);
  const audit = createAuditLog({
    sink: createJsonLinesSink({ write: (s) => (text += s) }),
    clock: () => (t += 1000),
    chain: true,
  });
  const security = createSecurity({ rules: [denyRule], onDecision: audit.onDecision });
  for (let i = 0; i < count; i++) await security.protect(request);
  const events = text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as SecurityEvent);
  return { events, audit };
}

describe('verifyAuditChain', () => {
  it('links every event to the previous one and verifies after a JSON-lines round trip', async () => {
    const { events, audit } = await chainedLog(5);
    expect(events[0]).toMatchObject({ seq: 0, prev: AUDIT_CHAIN_GENESIS });
    expect(events[1]!.prev).toBe(events[0]!.hash);
    expect(events[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    const result = verifyAuditChain(events, { lastHash: audit.lastHash });
    expect(result).toEqual({ ok: true, value: { count: 5, lastHash: audit.lastHash } });
  });

  it('keeps every field of the event when it chains it', () => {
    const plain: SecurityEvent[] = [];
    const chained: SecurityEvent[] = [];
    const input = {
      request: { ...request, requestId: 'r-1' },
      principal: 'p',
      details: { b: 1, a: { d: 2, c: 3 } },
    };
    createAuditLog({ sink: (e) => plain.push(e), clock: () => 0, app: 'x' }).record(
      'authz_fail',
      input,
    );
    createAuditLog({ sink: (e) => chained.push(e), clock: () => 0, app: 'x', chain: true }).record(
      'authz_fail',
      input,
    );
    const { seq, prev, hash, ...rest } = chained[0]!;
    expect(rest).toEqual(plain[0]);
    expect([seq, prev, typeof hash]).toEqual([0, AUDIT_CHAIN_GENESIS, 'string']);
  });

  it('verifies events whose keys a log shipper reordered (the hash is over sorted keys)', async () => {
    const { events } = await chainedLog(3);
    const reversed = events.map((e) => {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(e).reverse()) {
        const v = (e as unknown as Record<string, unknown>)[k];
        out[k] = k === 'details' ? Object.fromEntries(Object.entries(v as object).reverse()) : v;
      }
      return out as unknown as SecurityEvent;
    });
    expect(verifyAuditChain(reversed).ok).toBe(true);
  });

  it('finds an edited event', async () => {
    const { events } = await chainedLog(5);
    const tampered = events.map((e, i) => (i === 2 ? { ...e, principal: 'admin' } : e));
    const result = verifyAuditChain(tampered);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ code: 'AUDIT_EVENT_ALTERED', index: 2 });
  });

  it('finds an edit in nested details', async () => {
    const { events } = await chainedLog(3);
    const tampered = events.map((e, i) => (i === 1 ? { ...e, details: { needed: 'read' } } : e));
    const result = verifyAuditChain(tampered);
    expect(!result.ok && result.error.code).toBe('AUDIT_EVENT_ALTERED');
  });

  it('finds an event edited and re-hashed, at the event after it', async () => {
    const { events } = await chainedLog(5);
    const edited = { ...events[2]!, outcome: 'allow' as const };
    const rehashed = { ...edited, hash: hashAuditEvent(edited) };
    const result = verifyAuditChain(events.map((e, i) => (i === 2 ? rehashed : e)));
    expect(!result.ok && result.error).toMatchObject({ code: 'AUDIT_CHAIN_BROKEN', index: 3 });
  });

  it('finds a removed event in the middle', async () => {
    const { events } = await chainedLog(5);
    const result = verifyAuditChain([...events.slice(0, 2), ...events.slice(3)]);
    expect(!result.ok && result.error).toMatchObject({ code: 'AUDIT_CHAIN_BROKEN', index: 2 });
  });

  it('finds a removed first event', async () => {
    const { events } = await chainedLog(3);
    const result = verifyAuditChain(events.slice(1));
    expect(!result.ok && result.error).toMatchObject({ code: 'AUDIT_CHAIN_BROKEN', index: 0 });
  });

  it('finds reordered events', async () => {
    const { events } = await chainedLog(4);
    const result = verifyAuditChain([events[0]!, events[2]!, events[1]!, events[3]!]);
    expect(!result.ok && result.error).toMatchObject({ code: 'AUDIT_CHAIN_BROKEN', index: 1 });
  });

  it('finds events removed from the end only against an anchored last hash', async () => {
    const { events, audit } = await chainedLog(4);
    expect(verifyAuditChain(events.slice(0, 3)).ok).toBe(true);
    const result = verifyAuditChain(events.slice(0, 3), { lastHash: audit.lastHash });
    expect(!result.ok && result.error).toMatchObject({ code: 'AUDIT_CHAIN_TRUNCATED', index: 3 });
  });

  it('reports events logged without a chain', () => {
    const plain = {
      timestamp: 'x',
      type: 'authz_fail',
      level: 'warn',
      details: {},
    } as unknown as SecurityEvent;
    const result = verifyAuditChain([plain]);
    expect(!result.ok && result.error).toMatchObject({ code: 'AUDIT_EVENT_UNCHAINED', index: 0 });
  });

  it('verifies a later segment from the last hash kept, and continues a chain across restarts', async () => {
    const { events, audit } = await chainedLog(3);
    expect(verifyAuditChain(events.slice(2), { startAfter: events[1]!.hash }).ok).toBe(true);
    const more: SecurityEvent[] = [];
    const resumed = createAuditLog({
      sink: (e) => more.push(e),
      chain: { startAfter: audit.lastHash!, startSeq: 3 },
    });
    resumed.record('sys_startup');
    expect(more[0]).toMatchObject({ seq: 3, prev: audit.lastHash });
    expect(verifyAuditChain([...events, ...more]).ok).toBe(true);
    expect(() => createAuditLog({ sink: () => {}, chain: { startAfter: 1 } as never })).toThrow(
      /startAfter/,
    );
  });
});
