import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSecurity } from '../protect/create-security.js';
import type { Rule, RuleOutcome, SecurityRequest } from '../protect/types.js';
import { createClientAddressPseudonymizer } from './client-address.js';
import { createAuditLog } from './create-audit-log.js';
import { createJsonLinesSink } from './create-json-lines-sink.js';
import { neutralizeLogText } from './neutralize-log-text.js';
import type { SecurityEvent } from './types.js';

const NOW = Date.UTC(2026, 0, 2, 3, 4, 5, 6);
const clock = () => NOW;

const request = (overrides: Partial<SecurityRequest> = {}): SecurityRequest => ({
  method: 'POST',
  url: 'https://api.example.com/chat/send?token=secret-in-query#frag',
  headers: new Headers(),
  ip: '203.0.113.77',
  requestId: 'req-1',
  ...overrides,
});

const rule = (name: string, outcome: RuleOutcome, dryRun = false): Rule => ({
  name,
  dryRun,
  evaluate: () => outcome,
});
const deny = (name: string, code: string, status: number, details?: Record<string, unknown>) =>
  rule(name, { conclusion: 'deny', status, code, message: 'No.', ...(details ? { details } : {}) });

function setup(rules: Rule[], options: Partial<Parameters<typeof createAuditLog>[0]> = {}) {
  const events: SecurityEvent[] = [];
  const audit = createAuditLog({ sink: (e) => events.push(e), clock, ...options });
  const security = createSecurity({ rules, clock, onDecision: audit.onDecision });
  return { events, audit, security };
}

const authenticated = rule('authenticate', {
  conclusion: 'allow',
  principal: { id: 'user-42', kind: 'jwt', permissions: [] },
});

describe('createAuditLog: events protect() emits', () => {
  it('emits authn_login_success with the full event shape for an authenticated request', async () => {
    const { events, security } = setup([authenticated], { app: 'chat-api' });
    const decision = await security.protect(request());
    expect(decision.allowed).toBe(true);
    expect(events).toEqual([
      {
        timestamp: '2026-01-02T03:04:05.006Z',
        type: 'authn_login_success',
        level: 'info',
        app: 'chat-api',
        principal: 'user-42',
        client: '203.0.113.77',
        requestId: 'req-1',
        method: 'POST',
        path: '/chat/send',
        outcome: 'allow',
        rule: 'authenticate',
        code: 'ALLOWED',
        details: {},
      },
    ]);
  });

  // Every code family the capabilities return, through the real pipeline.
  const cases: [string, string, number, string, string][] = [
    ['authenticate', 'TOKEN_EXPIRED', 401, 'authn_token_invalid', 'warn'],
    ['authenticate', 'TOKEN_SIGNATURE_INVALID', 401, 'authn_token_invalid', 'warn'],
    ['authenticate', 'TOKEN_MALFORMED', 401, 'authn_token_invalid', 'warn'],
    ['authenticate', 'TOKEN_ALG_NOT_ALLOWED', 401, 'authn_token_invalid', 'critical'],
    ['authenticate', 'TOKEN_REVOKED', 401, 'authn_token_reuse', 'critical'],
    ['authenticate', 'AUTH_MISSING', 401, 'authz_fail', 'info'],
    ['authenticate', 'AUTH_MALFORMED', 401, 'authn_login_fail', 'warn'],
    ['authenticate', 'API_KEY_NOT_FOUND', 401, 'authn_login_fail', 'warn'],
    ['authenticate', 'API_KEY_REVOKED', 401, 'authn_token_reuse', 'critical'],
    ['authenticate', 'API_KEY_USAGE_EXCEEDED', 429, 'excess_rate_limit_exceeded', 'warn'],
    ['requirePermission', 'PERMISSION_DENIED', 403, 'authz_fail', 'warn'],
    ['signature', 'SIGNATURE_INVALID', 401, 'authn_token_invalid', 'warn'],
    ['signature', 'NONCE_REPLAYED', 401, 'malicious_replay', 'critical'],
    ['signature', 'DIGEST_MISMATCH', 400, 'input_validation_fail', 'critical'],
    ['rateLimit', 'RATE_LIMITED', 429, 'excess_rate_limit_exceeded', 'warn'],
    ['shield', 'SHIELD_BANNED', 403, 'malicious_client_banned', 'warn'],
    ['shield', 'SHIELD_IP_DENIED', 403, 'malicious_address_denied', 'warn'],
    ['shield', 'SHIELD_USER_AGENT_DENIED', 403, 'malicious_attack_tool', 'warn'],
    ['shield', 'SHIELD_BURST', 429, 'excess_rate_limit_exceeded', 'warn'],
    ['authenticate', 'AUTH_MULTIPLE_CREDENTIALS', 401, 'authn_login_fail', 'warn'],
    ['authenticate', 'API_KEY_MALFORMED', 401, 'authn_login_fail', 'warn'],
    ['authenticate', 'API_KEY_EXPIRED', 401, 'authn_login_fail', 'warn'],
    ['authenticate', 'JWKS_UNAVAILABLE', 503, 'sys_rule_failed', 'critical'],
    ['authenticate', 'TOKEN_REVOCATION_UNAVAILABLE', 503, 'sys_rule_failed', 'critical'],
    ['requirePermission', 'INSUFFICIENT_PERMISSIONS', 403, 'authz_fail', 'warn'],
    ['signature', 'SIGNATURE_MISMATCH', 401, 'authn_token_invalid', 'warn'],
    ['signature', 'SIGNATURE_EXPIRED', 401, 'authn_token_invalid', 'warn'],
    ['signature', 'DIGEST_MISSING', 400, 'input_validation_fail', 'warn'],
    ['signature', 'KEY_UNKNOWN', 401, 'authn_token_invalid', 'warn'],
    ['signature', 'COMPONENT_NOT_COVERED', 401, 'authn_token_invalid', 'warn'],
    ['input', 'METADATA_TOO_DEEP', 400, 'input_validation_fail', 'warn'],
    ['input', 'TOOL_ARGUMENTS_INVALID', 422, 'input_validation_fail', 'warn'],
    ['webhook', 'WEBHOOK_PAYLOAD_INVALID', 401, 'authn_token_invalid', 'warn'],
    ['rateLimit', 'RATE_LIMIT_STORE_UNAVAILABLE', 503, 'sys_rule_failed', 'critical'],
    ['rateLimit', 'RATE_LIMIT_INVALID_COST', 400, 'input_validation_fail', 'warn'],
    ['input', 'BODY_SCHEMA_INVALID', 422, 'input_validation_fail', 'warn'],
    ['input', 'PATH_TRAVERSAL', 400, 'input_validation_fail', 'warn'],
    ['cors', 'CORS_METHOD_NOT_ALLOWED', 403, 'malicious_cors', 'warn'],
    ['csrf', 'CSRF_CROSS_ORIGIN', 403, 'malicious_csrf', 'warn'],
    ['moderation', 'CONTENT_BLOCKED', 422, 'malicious_content', 'warn'],
    ['moderation', 'PROVIDER_FAILED_BLOCKED', 503, 'sys_rule_failed', 'critical'],
    ['pii', 'PII_IN_INPUT', 422, 'sensitive_data_detected', 'warn'],
    ['input', 'INPUT_INVALID', 400, 'input_validation_fail', 'warn'],
    ['input', 'BODY_TOO_LARGE', 413, 'input_validation_fail', 'warn'],
    ['cors', 'CORS_ORIGIN_NOT_ALLOWED', 403, 'malicious_cors', 'warn'],
    ['csrf', 'CSRF_TOKEN_INVALID', 403, 'malicious_csrf', 'warn'],
    ['moderation', 'PROMPT_INJECTION', 400, 'malicious_prompt_injection', 'warn'],
    // unknown codes fall back on the status, then on authz_fail
    ['custom', 'SOMETHING_NEW', 401, 'authn_login_fail', 'warn'],
    ['custom', 'SOMETHING_NEW', 422, 'input_validation_fail', 'warn'],
    ['custom', 'SOMETHING_NEW', 429, 'excess_rate_limit_exceeded', 'warn'],
    ['custom', 'SOMETHING_NEW', 418, 'authz_fail', 'warn'],
  ];
  it.each(cases)('maps %s denial %s (%i) to %s at %s', async (name, code, status, type, level) => {
    const { events, security } = setup([deny(name, code, status)]);
    const decision = await security.protect(request());
    expect(decision.allowed).toBe(false);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type, level, outcome: 'deny', rule: name, code, status });
  });

  it('emits events for allowed results that matter: fail-open outages and redacted PII', async () => {
    const { events, security } = setup([
      rule('rateLimit', { conclusion: 'allow', code: 'RATE_LIMIT_STORE_UNAVAILABLE' }),
      rule('shield', { conclusion: 'allow', code: 'SHIELD_STORE_UNAVAILABLE' }),
      rule('moderation', { conclusion: 'allow', code: 'PROVIDER_FAILED_ALLOWED' }),
      rule('pii', { conclusion: 'allow', code: 'PII_REDACTED', details: { types: ['email'] } }),
      rule('cors', { conclusion: 'allow', code: 'CONTENT_ALLOWED' }),
    ]);
    await security.protect(request());
    expect(events.map((e) => [e.type, e.level, e.outcome])).toEqual([
      ['sys_rule_failed', 'critical', 'allow'],
      ['sys_rule_failed', 'critical', 'allow'],
      ['sys_rule_failed', 'critical', 'allow'],
      ['sensitive_data_detected', 'info', 'allow'],
    ]);
  });

  it('emits sensitive_data_detected for an allowed result that reports PII', async () => {
    const { events, security } = setup([
      rule('pii', { conclusion: 'allow', code: 'PII_DETECTED', details: { kinds: ['email'] } }),
    ]);
    await security.protect(request());
    expect(events[0]).toMatchObject({
      type: 'sensitive_data_detected',
      outcome: 'allow',
      details: { kinds: ['email'] },
    });
  });

  it('marks a dry-run denial as dry_run and still lets the request through', async () => {
    const { events, security } = setup([
      rule(
        'rateLimit',
        { conclusion: 'deny', status: 429, code: 'RATE_LIMITED', message: '' },
        true,
      ),
    ]);
    const decision = await security.protect(request());
    expect(decision.allowed).toBe(true);
    expect(events[0]).toMatchObject({ type: 'excess_rate_limit_exceeded', outcome: 'dry_run' });
  });

  it('emits sys_rule_failed (critical) when a rule throws', async () => {
    const broken: Rule = {
      name: 'store',
      evaluate: () => {
        throw new Error('redis down');
      },
    };
    const { events, security } = setup([broken]);
    const decision = await security.protect(request());
    expect(decision.status).toBe(503);
    expect(events[0]).toMatchObject({
      type: 'sys_rule_failed',
      level: 'critical',
      outcome: 'error',
      code: 'RULE_FAILED',
    });
  });

  it('emits input_validation_fail when protect() cannot parse the URL', async () => {
    const readsUrl: Rule = {
      name: 'route',
      evaluate: (ctx) =>
        ctx.url.pathname === '/' ? { conclusion: 'allow' } : { conclusion: 'skip' },
    };
    const { events, security } = setup([readsUrl]);
    const decision = await security.protect(request({ url: 'not a url' }));
    expect(decision.code).toBe('BAD_REQUEST_URL');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'input_validation_fail',
      code: 'BAD_REQUEST_URL',
      rule: 'protect',
      status: 400,
    });
  });

  it('emits nothing for allowed, skipped and respond results that no code maps', async () => {
    const { events, security } = setup([
      rule('headers', { conclusion: 'allow' }),
      rule('optionalAuth', { conclusion: 'skip', code: 'AUTH_MISSING' }),
      rule('cors', { conclusion: 'respond', status: 204, code: 'CORS_PREFLIGHT' }),
    ]);
    await security.protect(request());
    expect(events).toEqual([]);
  });

  it('emits one event per mapped result, in rule order', async () => {
    const { events, security } = setup([
      authenticated,
      rule(
        'rateLimit',
        { conclusion: 'deny', status: 429, code: 'RATE_LIMITED', message: '' },
        true,
      ),
      deny('requirePermission', 'PERMISSION_DENIED', 403),
    ]);
    await security.protect(request());
    expect(events.map((e) => [e.type, e.principal])).toEqual([
      ['authn_login_success', 'user-42'],
      ['excess_rate_limit_exceeded', 'user-42'],
      ['authz_fail', 'user-42'],
    ]);
  });

  it('takes overrides: a code silenced with null, a new code mapped, rule-specific keys', async () => {
    const { events, security } = setup(
      [
        authenticated,
        rule(
          'quota',
          { conclusion: 'deny', status: 402, code: 'QUOTA_EXCEEDED', message: '' },
          true,
        ),
        rule(
          'rateLimit',
          { conclusion: 'deny', status: 429, code: 'RATE_LIMITED', message: '' },
          true,
        ),
      ],
      {
        events: {
          codes: {
            'authenticate:ALLOWED': null,
            QUOTA_EXCEEDED: { type: 'excess_quota', level: 'info' },
            'rateLimit:RATE_LIMITED': { type: 'excess_rate_limit_exceeded', level: 'critical' },
          },
        },
      },
    );
    await security.protect(request());
    expect(events.map((e) => [e.type, e.level])).toEqual([
      ['excess_quota', 'info'],
      ['excess_rate_limit_exceeded', 'critical'],
    ]);
  });

  it('keeps the decision when a sink throws or rejects, and counts the errors', async () => {
    const audit = createAuditLog({
      sink: [
        () => {
          throw new Error('disk full');
        },
        () => Promise.reject(new Error('network')),
      ],
      clock,
    });
    const security = createSecurity({
      rules: [deny('x', 'PERMISSION_DENIED', 403)],
      onDecision: audit.onDecision,
    });
    const decision = await security.protect(request());
    await Promise.resolve();
    expect(decision.status).toBe(403);
    expect(audit.stats).toEqual({ emitted: 1, sampledOut: 0, sinkErrors: 2 });
  });
});

describe('createAuditLog: log injection', () => {
  it('writes exactly one line per event whatever the request carries', async () => {
    let out = '';
    const audit = createAuditLog({
      sink: createJsonLinesSink({ write: (s) => (out += s) }),
      clock,
    });
    const forged = '\n{"type":"authn_login_success","principal":"admin"}\r\n';
    const security = createSecurity({
      rules: [
        rule('authenticate', {
          conclusion: 'allow',
          principal: { id: `eve${forged}`, kind: 'jwt', permissions: [] },
        }),
        deny('input', 'INPUT_INVALID', 400, { field: `name${forged}`, [`key${forged}`]: 1 }),
      ],
      onDecision: audit.onDecision,
    });
    await security.protect(request({ requestId: `id${forged}`, method: 'POST\r\nX' }));
    const lines = out.split('\n');
    expect(lines).toHaveLength(3); // two events and the final newline
    expect(lines[2]).toBe('');
    for (const line of lines.slice(0, 2)) {
      const event = JSON.parse(line) as SecurityEvent;
      expect(event.principal).toBe(
        'eve\\u000a{"type":"authn_login_success","principal":"admin"}\\u000d\\u000a',
      );
      expect(event.requestId).toContain('\\u000a');
      expect(event.method).toBe('POST\\u000d\\u000aX');
    }
    const denied = JSON.parse(lines[1]!) as SecurityEvent;
    expect(denied.details.field).toBe(
      'name\\u000a{"type":"authn_login_success","principal":"admin"}\\u000d\\u000a',
    );
    expect(Object.keys(denied.details)).toContain(
      'key\\u000a{"type":"authn_login_success","principal":"admin"}\\u000d\\u000a',
    );
  });

  it('neutralises ANSI escapes, NUL, DEL, C1, U+2028/2029, bidi overrides and the BOM', () => {
    expect(
      neutralizeLogText('a\u001b[31mred\u0000\u007f\u0085\u2028\u2029\u202e\u2066\ufeffz'),
    ).toBe('a\\u001b[31mred\\u0000\\u007f\\u0085\\u2028\\u2029\\u202e\\u2066\\ufeffz');
  });

  it('cuts values longer than the limit', () => {
    expect(neutralizeLogText('x'.repeat(2000))).toBe(`${'x'.repeat(1024)}…[truncated]`);
    expect(neutralizeLogText('ab\ncd', 3)).toBe('ab\\u000a…[truncated]');
  });

  it('never leaves a control or separator character in its output (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const out = neutralizeLogText(s, 10_000);
        for (let i = 0; i < out.length; i++) {
          const c = out.charCodeAt(i);
          expect(c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029).toBe(false);
        }
      }),
    );
  });

  it('returns safe text unchanged (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[ -~]{0,100}$/), (s) => {
        expect(neutralizeLogText(s)).toBe(s);
      }),
    );
  });

  it('does not let a __proto__ key in details change the copied object', async () => {
    const { events, security } = setup([
      deny('input', 'INPUT_INVALID', 400, JSON.parse('{"__proto__":{"polluted":true}}')),
    ]);
    await security.protect(request());
    const details = events[0]!.details as Record<string, unknown>;
    expect(details.polluted).toBeUndefined();
    expect(details['[__proto__]']).toEqual({ polluted: true });
  });

  it('bounds depth, key count and bytes in details', async () => {
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 10; i++) deep = { d: deep };
    const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, i]));
    const { events, security } = setup([
      deny('input', 'INPUT_INVALID', 400, { deep, many, key: new Uint8Array(32), fn: () => 1 }),
    ]);
    await security.protect(request());
    const d = events[0]!.details as Record<string, unknown>;
    expect(JSON.stringify(d.deep)).toContain('[depth limit]');
    expect(Object.keys(d.many as object)).toHaveLength(51);
    expect(d.key).toBe('[32 bytes]');
    expect('fn' in d).toBe(false);
  });

  it('logs any binary value as its size, never its contents', async () => {
    const binary = {
      words: new Uint16Array([7, 7, 7]),
      view: new DataView(new ArrayBuffer(5)),
      buffer: new ArrayBuffer(4),
    };
    const { events, security } = setup([deny('input', 'INPUT_INVALID', 400, binary)], {
      redact: false,
    });
    await security.protect(request());
    expect(events[0]!.details).toEqual({
      words: '[6 bytes]',
      view: '[5 bytes]',
      buffer: '[4 bytes]',
    });
  });
});

describe('createAuditLog: redaction of details', () => {
  it("redacts details with core's deep redactor by default", async () => {
    const { events, security } = setup([
      deny('input', 'INPUT_INVALID', 400, {
        password: 'hunter2',
        nested: { authorization: 'Bearer abc.def.ghi' },
        note: 'reach me at alice@example.com',
      }),
    ]);
    await security.protect(request());
    const details = events[0]!.details as Record<string, unknown>;
    expect(details.password).toBe('[REDACTED]');
    expect(details.nested).toEqual({ authorization: '[REDACTED]' });
    expect(details.note).not.toContain('alice@example.com');
    expect(JSON.stringify(events)).not.toContain('hunter2');
  });

  it('logs details as they are with redact: false', async () => {
    const { events, security } = setup([deny('input', 'INPUT_INVALID', 400, { password: 'x' })], {
      redact: false,
    });
    await security.protect(request());
    expect(events[0]!.details).toEqual({ password: 'x' });
  });

  it('passes details through an injected redactor before any sink sees them, leaving the original intact', async () => {
    const details = { email: 'alice@example.com', note: 'card 4111 1111 1111 1111' };
    const redact = (d: Readonly<Record<string, unknown>>) =>
      Object.fromEntries(
        Object.entries(d).map(([k, v]) => [
          k,
          typeof v === 'string'
            ? v
                .replace('4111 1111 1111 1111', '[CARD ****1111]')
                .replace('alice@example.com', '[EMAIL]')
            : v,
        ]),
      );
    const { events, security } = setup([deny('input', 'INPUT_INVALID', 400, details)], { redact });
    await security.protect(request());
    expect(events[0]!.details).toEqual({ email: '[EMAIL]', note: 'card [CARD ****1111]' });
    expect(details.email).toBe('alice@example.com');
  });

  it('logs { redaction: "failed" } rather than unredacted details when the redactor throws', async () => {
    const { events, security } = setup([deny('input', 'INPUT_INVALID', 400, { email: 'a@b.c' })], {
      redact: () => {
        throw new Error('boom');
      },
    });
    await security.protect(request());
    expect(events[0]!.details).toEqual({ redaction: 'failed' });
  });

  it('neutralises what the redactor returns too', async () => {
    const { events, security } = setup([deny('input', 'INPUT_INVALID', 400, { a: 1 })], {
      redact: () => ({ a: 'x\ny' }),
    });
    await security.protect(request());
    expect(events[0]!.details).toEqual({ a: 'x\\u000ay' });
  });
});

describe('createAuditLog: client address, sampling, levels', () => {
  it('truncates client addresses to their network', async () => {
    const { events, security } = setup([authenticated], { clientAddress: 'truncate' });
    await security.protect(request());
    await security.protect(request({ ip: '2001:db8:1:2::9' }));
    expect(events.map((e) => e.client)).toEqual(['203.0.113.0/24', '2001:db8:1::/48']);
  });

  it('omits client addresses when asked', async () => {
    const { events, security } = setup([authenticated], { clientAddress: 'omit' });
    await security.protect(request());
    expect(events[0]!.client).toBeNull();
  });

  it('pseudonymizes with a keyed HMAC: stable per address, mapped IPv4 equal to IPv4', async () => {
    const key = new Uint8Array(32).fill(7);
    const { events, security } = setup([authenticated], {
      clientAddress: createClientAddressPseudonymizer(key),
    });
    await security.protect(request());
    await security.protect(request({ ip: '::ffff:203.0.113.77' }));
    await security.protect(request({ ip: '203.0.113.78' }));
    const [a, b, c] = events.map((e) => e.client);
    expect(a).toMatch(/^anon:[A-Za-z0-9_-]{16}$/);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(() => createClientAddressPseudonymizer(new Uint8Array(16))).toThrow(/32 random bytes/);
  });

  it('takes the client from resolveClientIp (the shield resolver behind a proxy)', async () => {
    const { events, security } = setup([deny('shield', 'SHIELD_BANNED', 403)], {
      resolveClientIp: (req) => {
        const forwarded = req.headers.get('x-forwarded-for');
        return forwarded ? { ip: forwarded, key: forwarded } : undefined;
      },
    });
    await security.protect(
      request({ headers: new Headers({ 'x-forwarded-for': '198.51.100.9' }) }),
    );
    await security.protect(request());
    expect(events.map((e) => e.client)).toEqual(['198.51.100.9', null]);
  });

  it('logs the canonical form of the socket address', async () => {
    const { events, security } = setup([authenticated]);
    await security.protect(request({ ip: '::ffff:203.0.113.77' }));
    await security.protect(request({ ip: '2001:DB8:0:0::1' }));
    expect(events.map((e) => e.client)).toEqual(['203.0.113.77', '2001:db8::1']);
  });

  it('samples high-volume types with the injected random source and counts what it left out', async () => {
    const draws = [0.5, 0.05, 0.2, 0.01];
    let i = 0;
    const { events, audit, security } = setup(
      [authenticated, deny('x', 'PERMISSION_DENIED', 403)],
      {
        sample: { authn_login_success: 0.1 },
        random: () => draws[i++ % draws.length]!,
      },
    );
    for (let n = 0; n < 4; n++) await security.protect(request());
    expect(events.filter((e) => e.type === 'authn_login_success')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'authz_fail')).toHaveLength(4);
    expect(audit.stats.sampledOut).toBe(2);
    expect(() => createAuditLog({ sink: () => {}, sample: { x: 2 } })).toThrow(/from 0 to 1/);
  });

  it('drops events below minLevel', async () => {
    const { events, security } = setup([authenticated, deny('s', 'NONCE_REPLAYED', 401)], {
      minLevel: 'critical',
    });
    await security.protect(request());
    expect(events.map((e) => e.type)).toEqual(['malicious_replay']);
  });

  it('records application events with defaults from the vocabulary', () => {
    const events: SecurityEvent[] = [];
    const audit = createAuditLog({ sink: (e) => events.push(e), clock });
    const event = audit.record('authn_login_fail', {
      request: request(),
      account: 'alice',
      details: { method: 'password' },
    });
    expect(event).toMatchObject({
      type: 'authn_login_fail',
      level: 'warn',
      outcome: 'deny',
      principal: null,
      client: '203.0.113.77',
      path: '/chat/send',
      details: { method: 'password' },
    });
    expect(audit.record('user_created', { principal: 'admin' })).toMatchObject({
      level: 'info',
      outcome: 'allow',
      method: null,
    });
    expect(events).toHaveLength(2);
  });

  it('refuses bad options with a fix-it message', () => {
    expect(() => createAuditLog({} as never)).toThrow(/pass \{ sink \}/);
    expect(() => createAuditLog({ sink: {} as never })).toThrow(/write\(event\)/);
    expect(() => createAuditLog({ sink: () => {}, clientAddress: 'hash' as never })).toThrow(
      /truncate/,
    );
    expect(() => createAuditLog({ sink: () => {}, minLevel: 'debug' as never })).toThrow(
      /minLevel/,
    );
    expect(() => createAuditLog({ sink: () => {}, bruteForce: {} as never })).toThrow(
      /recordFailure/,
    );
  });
});

describe('createAuditLog: brute-force feeding', () => {
  function tracker() {
    const calls: string[] = [];
    return {
      calls,
      recordFailure: (key: string, now: number) => {
        calls.push(`fail ${key} ${now}`);
      },
      recordSuccess: (key: string) => {
        calls.push(`ok ${key}`);
      },
    };
  }

  it('feeds each authentication failure per account and per client, and successes as resets', async () => {
    const t = tracker();
    const { security, audit } = setup(
      [deny('authenticate', 'API_KEY_NOT_FOUND', 401, { account: 'key_live_abc' })],
      { bruteForce: t },
    );
    await security.protect(request());
    audit.record('authn_login_fail', { account: 'alice', client: '198.51.100.1' });
    audit.record('authn_login_success', { principal: 'alice', client: '198.51.100.1' });
    expect(t.calls).toEqual([
      `fail account:key_live_abc ${NOW}`,
      `fail ip:203.0.113.77 ${NOW}`,
      `fail account:alice ${NOW}`,
      `fail ip:198.51.100.1 ${NOW}`,
      'ok account:alice',
      'ok ip:198.51.100.1',
    ]);
  });

  it('feeds per client only when the failure names no account, and ignores dry-run and non-auth denials', async () => {
    const t = tracker();
    const { security } = setup(
      [
        rule(
          'authenticate',
          { conclusion: 'deny', status: 401, code: 'TOKEN_EXPIRED', message: '' },
          true,
        ),
        deny('requirePermission', 'PERMISSION_DENIED', 403),
      ],
      { bruteForce: t },
    );
    await security.protect(request());
    expect(t.calls).toEqual([]);
    const { security: s2 } = setup([deny('authenticate', 'TOKEN_SIGNATURE_INVALID', 401)], {
      bruteForce: t,
    });
    await s2.protect(request());
    expect(t.calls).toEqual([`fail ip:203.0.113.77 ${NOW}`]);
  });

  it('feeds the full address even when the log truncates it, and survives a failing tracker', async () => {
    const seen: string[] = [];
    const { security, events } = setup([deny('authenticate', 'TOKEN_MALFORMED', 401)], {
      clientAddress: 'truncate',
      bruteForce: {
        recordFailure: (key) => {
          seen.push(key);
          throw new Error('store down');
        },
      },
    });
    const decision = await security.protect(request());
    expect(decision.status).toBe(401);
    expect(seen).toEqual(['ip:203.0.113.77']);
    expect(events[0]!.client).toBe('203.0.113.0/24');
  });
});
