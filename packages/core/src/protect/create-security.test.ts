import { describe, expect, it } from 'vitest';
import { createSecurity } from './create-security.js';
import type { Decision, Rule, SecurityRequest } from './types.js';

const request = (
  url = 'https://api.example.com/chat',
  headers: Record<string, string> = {},
): SecurityRequest => ({
  method: 'POST',
  url,
  headers: new Headers(headers),
  ip: '127.0.0.1',
});

const allow = (
  name: string,
  extra: Partial<Extract<ReturnType<Rule['evaluate']>, { conclusion: 'allow' }>> = {},
): Rule => ({
  name,
  evaluate: () => ({ conclusion: 'allow', ...extra }),
});

const deny = (
  name: string,
  code: string,
  options: { dryRun?: boolean; status?: number } = {},
): Rule => ({
  name,
  dryRun: options.dryRun,
  evaluate: () => ({
    conclusion: 'deny',
    status: options.status ?? 403,
    code,
    message: 'Forbidden.',
    headers: { 'x-denied-by': name },
  }),
});

describe('createSecurity', () => {
  it('allows when every rule allows, carrying the principal and merged headers', async () => {
    const security = createSecurity({
      rules: [
        allow('auth', {
          principal: { id: 'u1', kind: 'jwt', permissions: ['chat:basic'] },
          headers: { a: '1' },
        }),
        allow('limit', { headers: { b: '2' } }),
      ],
    });
    const decision = await security.protect(request());
    expect(decision).toMatchObject({
      allowed: true,
      status: 200,
      code: 'ALLOWED',
      headers: { a: '1', b: '2' },
    });
    expect(decision.principal?.id).toBe('u1');
    expect(decision.results.map((r) => [r.rule, r.conclusion])).toEqual([
      ['auth', 'allow'],
      ['limit', 'allow'],
    ]);
  });

  it('stops at the first denial, returning its status, code and headers', async () => {
    let ranAfter = false;
    const security = createSecurity({
      rules: [
        deny('perm', 'INSUFFICIENT_PERMISSIONS'),
        {
          name: 'after',
          evaluate: () => {
            ranAfter = true;
            return { conclusion: 'allow' };
          },
        },
      ],
    });
    const decision = await security.protect(request());
    expect(decision).toMatchObject({
      allowed: false,
      status: 403,
      code: 'INSUFFICIENT_PERMISSIONS',
      message: 'Forbidden.',
    });
    expect(decision.headers['x-denied-by']).toBe('perm');
    expect(ranAfter).toBe(false);
  });

  it('reports a dry-run denial without blocking', async () => {
    const security = createSecurity({
      rules: [deny('perm', 'INSUFFICIENT_PERMISSIONS', { dryRun: true })],
    });
    const decision = await security.protect(request());
    expect(decision.allowed).toBe(true);
    expect(decision.results[0]).toMatchObject({
      rule: 'perm',
      conclusion: 'deny',
      dryRun: true,
      code: 'INSUFFICIENT_PERMISSIONS',
      status: 403,
    });
  });

  it('turns a throwing rule into a 503 RULE_FAILED, or skips it when the rule fails open', async () => {
    const boom: Rule = {
      name: 'store',
      evaluate: () => Promise.reject(new Error('ECONNREFUSED secret-host')),
    };
    const closed = await createSecurity({ rules: [boom] }).protect(request());
    expect(closed).toMatchObject({ allowed: false, status: 503, code: 'RULE_FAILED' });
    expect(closed.message).not.toContain('secret-host');
    const open = await createSecurity({ rules: [{ ...boom, onError: 'allow' }] }).protect(
      request(),
    );
    expect(open.allowed).toBe(true);
    expect(open.results[0]).toMatchObject({ conclusion: 'error', code: 'RULE_FAILED' });
  });

  it('answers a "respond" outcome (e.g. a preflight) without calling it a denial message', async () => {
    const preflight: Rule = {
      name: 'cors',
      evaluate: () => ({
        conclusion: 'respond',
        status: 204,
        code: 'CORS_PREFLIGHT',
        headers: { 'access-control-allow-origin': 'https://a.example' },
      }),
    };
    const decision = await createSecurity({ rules: [preflight] }).protect(request());
    expect(decision).toMatchObject({
      allowed: false,
      status: 204,
      code: 'CORS_PREFLIGHT',
      message: '',
    });
    expect(decision.headers['access-control-allow-origin']).toBe('https://a.example');
  });

  it('answers 400 BAD_REQUEST_URL when a rule needs a URL that does not parse, instead of throwing', async () => {
    const pathRule: Rule = {
      name: 'path',
      evaluate: (ctx) => ({ conclusion: ctx.url.pathname === '/' ? 'allow' : 'skip' }),
    };
    const decision = await createSecurity({ rules: [pathRule] }).protect(request('not a url'));
    expect(decision).toMatchObject({ allowed: false, status: 400, code: 'BAD_REQUEST_URL' });
    // Rules that never look at the URL do not pay for parsing it.
    expect(
      (await createSecurity({ rules: [allow('a')] }).protect(request('not a url'))).allowed,
    ).toBe(true);
  });

  it('gives every rule the injected clock, the parsed URL, the principal so far and shared state', async () => {
    const seen: unknown[] = [];
    const security = createSecurity({
      clock: () => 1_700_000_000_000,
      rules: [
        allow('auth', { principal: { id: 'u9', kind: 'api_key', permissions: [] } }),
        {
          name: 'probe',
          evaluate: (ctx) => {
            seen.push(ctx.now, ctx.url.pathname, ctx.principal?.id);
            ctx.state.cspNonce = 'n1';
            return { conclusion: 'allow' };
          },
        },
      ],
    });
    const decision = await security.protect(request('https://x.example/a/b?q=1'));
    expect(seen).toEqual([1_700_000_000_000, '/a/b', 'u9']);
    expect(decision.state.cspNonce).toBe('n1');
  });

  it('appends route rules with with() and keeps the base pipeline unchanged', async () => {
    const base = createSecurity({ rules: [allow('auth')] });
    const admin = base.with(deny('admin', 'INSUFFICIENT_PERMISSIONS'));
    expect((await base.protect(request())).allowed).toBe(true);
    expect((await admin.protect(request())).code).toBe('INSUFFICIENT_PERMISSIONS');
    expect(admin.rules.map((r) => r.name)).toEqual(['auth', 'admin']);
  });

  it('calls onDecision with every decision and ignores errors it throws', async () => {
    const decisions: Decision[] = [];
    const security = createSecurity({
      rules: [deny('perm', 'NOPE')],
      onDecision: (d) => {
        decisions.push(d);
        throw new Error('sink down');
      },
    });
    const decision = await security.protect(request());
    expect(decision.code).toBe('NOPE');
    expect(decisions).toEqual([decision]);
  });

  it('refuses malformed options at construction with a fix-it message', () => {
    expect(() => createSecurity({} as never)).toThrow(/rules/);
    expect(() => createSecurity({ rules: [{} as Rule] })).toThrow(/evaluate/);
  });
});
