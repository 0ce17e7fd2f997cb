import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSecurity } from '../protect/create-security.js';
import type { Rule, SecurityRequest } from '../protect/types.js';
import { truncateClientAddress } from './client-address.js';
import { createAuditLog } from './create-audit-log.js';
import { toEcs } from './ecs.js';
import { toOcsf } from './ocsf.js';
import { looksLikeIp } from './siem-common.js';
import { resolveSiemFormat } from './siem-format.js';
import type { SecurityEvent, SecurityEventType } from './types.js';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const request: SecurityRequest = {
  method: 'POST',
  url: 'https://api.example.com/chat?token=sk-secret-123',
  headers: new Headers(),
  ip: '203.0.113.7',
  requestId: 'req-1',
};

function record(type: SecurityEventType, outcome?: SecurityEvent['outcome']): SecurityEvent {
  const events: SecurityEvent[] = [];
  const audit = createAuditLog({ sink: (e) => events.push(e), clock: () => NOW, app: 'chat-api' });
  audit.record(type, {
    request,
    principal: 'user-42',
    ...(outcome ? { outcome } : {}),
    details: { email: 'alice@example.com' },
  });
  const [event] = events;
  if (!event) throw new Error(`no event for ${type}`);
  return event;
}

// Every type of the OWASP vocabulary jaf-sec emits, with its expected OCSF class and ECS category.
const TYPES: ReadonlyArray<[SecurityEventType, number, string]> = [
  ['authn_login_success', 3002, 'authentication'],
  ['authn_login_fail', 3002, 'authentication'],
  ['authn_login_fail_max', 3002, 'authentication'],
  ['authn_login_lock', 3002, 'authentication'],
  ['authn_token_invalid', 3002, 'authentication'],
  ['authn_token_reuse', 3002, 'authentication'],
  ['authn_token_revoked', 3002, 'authentication'],
  ['authz_fail', 6003, 'web'],
  ['input_validation_fail', 6003, 'web'],
  ['excess_rate_limit_exceeded', 6003, 'web'],
  ['malicious_cors', 2004, 'intrusion_detection'],
  ['malicious_csrf', 2004, 'intrusion_detection'],
  ['malicious_client_banned', 2004, 'intrusion_detection'],
  ['malicious_address_denied', 2004, 'intrusion_detection'],
  ['malicious_attack_tool', 2004, 'intrusion_detection'],
  ['malicious_prompt_injection', 2004, 'intrusion_detection'],
  ['malicious_content', 2004, 'intrusion_detection'],
  ['malicious_replay', 2004, 'intrusion_detection'],
  ['sensitive_data_detected', 2004, 'intrusion_detection'],
  ['sys_rule_failed', 6003, 'web'],
];

describe('toOcsf / toEcs, one case per event type', () => {
  for (const [type, classUid, ecsCategory] of TYPES) {
    it(`${type} -> OCSF ${classUid}, ECS ${ecsCategory}`, () => {
      const event = record(type);
      const ocsf = toOcsf(event);
      expect(ocsf.class_uid).toBe(classUid);
      expect(ocsf.category_uid).toBe(Math.floor(classUid / 1000));
      expect(ocsf.type_uid).toBe(classUid * 100 + ocsf.activity_id);
      expect(ocsf.time).toBe(NOW);
      expect(ocsf.severity_id).toBe({ info: 1, warn: 3, critical: 5 }[event.level]);
      expect(ocsf.metadata).toMatchObject({ version: '1.3.0', product: { name: 'jaf-sec' } });
      expect(ocsf.metadata).toMatchObject({ correlation_uid: 'req-1' });
      expect(ocsf.actor).toEqual({ user: { uid: 'user-42' } });
      expect(ocsf.src_endpoint).toEqual({ ip: '203.0.113.7' });
      expect(ocsf.http_request).toEqual({
        http_method: 'POST',
        url: { path: '/chat' },
        uid: 'req-1',
      });
      // the class's required object
      if (classUid === 3002) {
        expect(ocsf.activity_id).toBe(1);
        expect(ocsf.user).toEqual({ uid: 'user-42' });
        expect(ocsf.status).toBe(type === 'authn_login_success' ? 'Success' : 'Failure');
      } else if (classUid === 6003) {
        expect(ocsf.activity_id).toBe(1); // POST -> Create
        expect(ocsf.api).toMatchObject({ operation: type, service: { name: 'chat-api' } });
      } else {
        expect(ocsf.finding_info).toMatchObject({ title: type, types: [type] });
      }
      expect(ocsf.unmapped).toMatchObject({ jaf_sec: { type, outcome: event.outcome } });

      const ecs = toEcs(event);
      expect(ecs['@timestamp']).toBe('2026-03-01T12:00:00.000Z');
      expect(ecs.ecs).toEqual({ version: '8.11.0' });
      expect(ecs.event).toMatchObject({ category: [ecsCategory], action: type });
      expect((ecs.event as { kind: string }).kind).toBe(classUid === 2004 ? 'alert' : 'event');
      expect(ecs.user).toEqual({ id: 'user-42' });
      expect(ecs.source).toEqual({ ip: '203.0.113.7' });
      expect(ecs.url).toEqual({ path: '/chat' });
      expect(ecs.http).toMatchObject({ request: { method: 'POST', id: 'req-1' } });
      expect(ecs.service).toEqual({ name: 'chat-api' });
      // The redacted details travel; the query string (a token) never does.
      const json = JSON.stringify([ocsf, ecs]);
      expect(json).not.toContain('sk-secret-123');
      expect(json).not.toContain('alice@example.com');
    });
  }

  it('a denial by protect() carries code, rule and status into both formats', async () => {
    const events: SecurityEvent[] = [];
    const audit = createAuditLog({ sink: (e) => events.push(e), clock: () => NOW, chain: true });
    const rule: Rule = {
      name: 'authenticate',
      evaluate: () => ({ conclusion: 'deny', status: 401, code: 'TOKEN_EXPIRED', message: 'No.' }),
    };
    await createSecurity({ rules: [rule], onDecision: audit.onDecision }).protect(request);
    const [event] = events;
    if (!event) throw new Error('no event');
    const ocsf = toOcsf(event);
    expect(ocsf).toMatchObject({
      class_uid: 3002,
      status_code: 'TOKEN_EXPIRED',
      status_detail: 'rule authenticate',
      action: 'Denied',
      disposition: 'Blocked',
      http_response: { code: 401 },
      metadata: { sequence: 0, uid: event.hash },
    });
    expect(toEcs(event)).toMatchObject({
      event: { code: 'TOKEN_EXPIRED', outcome: 'failure', sequence: 0, hash: event.hash },
      rule: { name: 'authenticate' },
      http: { response: { status_code: 401 } },
    });
  });

  it('a dry-run finding is Observed/Detected in OCSF and type info in ECS', () => {
    const event = { ...record('malicious_prompt_injection'), outcome: 'dry_run' as const };
    expect(toOcsf(event)).toMatchObject({ action: 'Observed', disposition: 'Detected' });
    expect(toEcs(event).event).toMatchObject({ type: ['info'], outcome: 'unknown' });
  });

  it('a pseudonymized client is not put in an ip field', () => {
    const event = { ...record('authz_fail'), client: 'c9f1e2a0b3d4' };
    expect(toOcsf(event).src_endpoint).toEqual({ uid: 'c9f1e2a0b3d4' });
    expect(toEcs(event).source).toEqual({ address: 'c9f1e2a0b3d4' });
  });

  it('looksLikeIp accepts single addresses and rejects pseudonyms and truncated networks', () => {
    for (const ip of ['203.0.113.7', '203.0.113.0', '2001:db8::', '::1', '2001:db8:0:0::1']) {
      expect(looksLikeIp(ip)).toBe(true);
    }
    // What the audit log really writes for a truncated client: a CIDR, not an address.
    expect(truncateClientAddress('203.0.113.7')).toBe('203.0.113.0/24');
    for (const v of [
      truncateClientAddress('203.0.113.7'),
      truncateClientAddress('2001:db8::1'),
      'c9f1e2a0b3d4',
      'abc.def.1.2',
      '1.2.3',
      '300.1.1.1',
      'a:b',
      '',
      'x'.repeat(60),
    ]) {
      expect(looksLikeIp(v)).toBe(false);
    }
  });

  it('never throws and always yields JSON for arbitrary events (property)', () => {
    const nullable = fc.option(fc.string(), { nil: null });
    const arbEvent = fc.record({
      timestamp: fc.oneof(
        fc.string(),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      ),
      type: fc.oneof(fc.constantFrom(...TYPES.map((t) => t[0])), fc.string()),
      level: fc.constantFrom('info', 'warn', 'critical'),
      principal: nullable,
      client: nullable,
      requestId: nullable,
      method: fc.option(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'X'), {
        nil: null,
      }),
      path: nullable,
      outcome: fc.constantFrom('allow', 'deny', 'dry_run', 'error'),
      details: fc.dictionary(fc.string(), fc.jsonValue()),
    }) as fc.Arbitrary<SecurityEvent>;
    fc.assert(
      fc.property(arbEvent, (event) => {
        const ocsf = toOcsf(event);
        expect([3002, 6003, 2004]).toContain(ocsf.class_uid);
        expect(Number.isFinite(ocsf.time)).toBe(true);
        JSON.parse(JSON.stringify(ocsf));
        JSON.parse(JSON.stringify(toEcs(event)));
      }),
    );
  });

  it('resolveSiemFormat picks the mapper and rejects an unknown name', () => {
    const event = record('authz_fail');
    expect(resolveSiemFormat('jaf')(event)).toBe(event);
    expect(resolveSiemFormat('ocsf')(event)).toEqual(toOcsf(event));
    expect(resolveSiemFormat('ecs')(event)).toEqual(toEcs(event));
    expect(() => resolveSiemFormat('cef' as never, 'createHttpSink')).toThrow(
      /createHttpSink: format/,
    );
  });
});
