import { describe, expect, it } from 'vitest';
import { encodeBase64Url, utf8 } from '../internal/bytes.js';
import { createTokenIssuer } from '../tokens/create-token-issuer.js';
import { createKeyPair, NOW, SECRET_32 } from '../tokens/test-utils/token-fixtures.js';
import { type CapabilityCallStore, createMemoryCallStore } from './call-store.js';
import { createCapabilityIssuer, createCapabilityVerifier } from './capability-tokens.js';
import type { CapabilityGrant } from './capability-types.js';

const key = { alg: 'HS256', kid: 'cap-1', secret: SECRET_32 } as const;
const common = { issuer: 'https://auth.example', audience: 'tools' };
const grant: CapabilityGrant = {
  tools: {
    read_file: { args: { path: { prefix: '/srv/reports/', pattern: '*.txt' } }, maxCalls: 3 },
    search: { args: { limit: { max: 20 } } },
  },
  agents: ['researcher', 'summarizer'],
  maxDepth: 2,
};
const read = (path: string, agent = 'researcher') => ({
  tool: 'read_file',
  args: { path },
  agent,
});
const codeOf = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'OK' : r.error!.code);

function setup(calls: CapabilityCallStore | null = createMemoryCallStore()) {
  const issuer = createCapabilityIssuer({ key, ...common, clock: () => NOW });
  const verifier = createCapabilityVerifier({
    keys: [key],
    ...common,
    calls: calls ?? undefined,
    clock: () => NOW,
  });
  return { issuer, verifier };
}

describe('capability tokens', () => {
  it('issues a short-lived cap+jwt that permits calls within the grant', async () => {
    const { issuer, verifier } = setup();
    const token = await issuer.issue(grant, { subject: 'user-42' });
    const header = JSON.parse(atob(token.split('.')[0]!.replace(/-/g, '+').replace(/_/g, '/')));
    expect(header).toMatchObject({ alg: 'HS256', typ: 'cap+jwt', kid: 'cap-1' });
    const v = await verifier.verify(token);
    expect(v.ok && v.value.subject).toBe('user-42');
    expect(v.ok && v.value.exp).toBe(NOW / 1000 + 300); // default lifetime 300 s
    const r = await verifier.check(token, read('/srv/reports/q1.txt'));
    expect(codeOf(r)).toBe('OK');
    expect(r.ok && r.value.tool).toBe('read_file');
  });

  it('answers every refusal with its code', async () => {
    const { issuer, verifier } = setup();
    const token = await issuer.issue(grant);
    expect(codeOf(await verifier.check(undefined, read('/srv/reports/a.txt')))).toBe(
      'CAPABILITY_MISSING',
    );
    expect(codeOf(await verifier.check('', read('/srv/reports/a.txt')))).toBe('CAPABILITY_MISSING');
    expect(codeOf(await verifier.check('a.b.c', read('/srv/reports/a.txt')))).toBe(
      'CAPABILITY_INVALID',
    );
    expect(codeOf(await verifier.check(token, { tool: 'delete', agent: 'researcher' }))).toBe(
      'TOOL_NOT_GRANTED',
    );
    expect(codeOf(await verifier.check(token, read('/etc/passwd')))).toBe('ARGUMENT_NOT_GRANTED');
    expect(codeOf(await verifier.check(token, read('/srv/reports/a.sh')))).toBe(
      'ARGUMENT_NOT_GRANTED',
    );
    expect(codeOf(await verifier.check(token, read('/srv/reports/a.txt', 'intruder')))).toBe(
      'AGENT_NOT_GRANTED',
    );
    const later = { now: NOW + 301_000 };
    expect(codeOf(await verifier.check(token, read('/srv/reports/a.txt'), later))).toBe(
      'CAPABILITY_EXPIRED',
    );
  });

  it('counts calls against maxCalls and refuses the next with CALLS_EXHAUSTED', async () => {
    const { issuer, verifier } = setup();
    const token = await issuer.issue(grant);
    for (let i = 0; i < 3; i++) {
      expect(codeOf(await verifier.check(token, read('/srv/reports/a.txt')))).toBe('OK');
    }
    expect(codeOf(await verifier.check(token, read('/srv/reports/a.txt')))).toBe('CALLS_EXHAUSTED');
    // A refused call is not counted, and other tools have their own (no) budget.
    expect(
      codeOf(
        await verifier.check(token, { tool: 'search', args: { limit: 5 }, agent: 'researcher' }),
      ),
    ).toBe('OK');
  });

  it('never lets concurrent calls overspend a budget', async () => {
    const { issuer, verifier } = setup();
    const token = await issuer.issue(grant);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => verifier.check(token, read('/srv/reports/a.txt'))),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(new Set(results.filter((r) => !r.ok).map(codeOf))).toEqual(new Set(['CALLS_EXHAUSTED']));
  });

  it('fails closed when a budget cannot be counted', async () => {
    const { issuer, verifier } = setup(null); // no store
    const token = await issuer.issue(grant);
    expect(codeOf(await verifier.check(token, read('/srv/reports/a.txt')))).toBe(
      'CAPABILITY_STORE_UNAVAILABLE',
    );
    const broken = setup({ consume: () => Promise.reject(new Error('redis down')) });
    const t2 = await broken.issuer.issue(grant);
    expect(codeOf(await broken.verifier.check(t2, read('/srv/reports/a.txt')))).toBe(
      'CAPABILITY_STORE_UNAVAILABLE',
    );
    // A tool with no budget needs no store.
    expect(
      codeOf(
        await verifier.check(token, { tool: 'search', args: { limit: 1 }, agent: 'researcher' }),
      ),
    ).toBe('OK');
  });

  it('refuses a login JWT signed with the same key (explicit typing), and other audiences', async () => {
    const { verifier } = setup();
    const login = createTokenIssuer({ key, ...common, clock: () => NOW });
    const forged = await login.issue({
      cap: { v: 1, tools: { read_file: {} }, depth: 0, maxDepth: 0 },
    });
    expect(codeOf(await verifier.check(forged, read('/anything')))).toBe('CAPABILITY_INVALID');
    const other = createCapabilityIssuer({
      key,
      issuer: common.issuer,
      audience: 'billing',
      clock: () => NOW,
    });
    expect(codeOf(await verifier.check(await other.issue(grant), read('/srv/reports/a.txt')))).toBe(
      'CAPABILITY_INVALID',
    );
  });

  it('refuses a tampered grant', async () => {
    const { issuer, verifier } = setup();
    const [h, p, s] = (await issuer.issue(grant)).split('.');
    const claims = JSON.parse(
      new TextDecoder().decode(
        Uint8Array.from(atob(p!.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)),
      ),
    );
    claims.cap.tools.delete = {};
    const tampered = `${h}.${encodeBase64Url(utf8(JSON.stringify(claims)))}.${s}`;
    expect(codeOf(await verifier.check(tampered, { tool: 'delete', agent: 'researcher' }))).toBe(
      'CAPABILITY_INVALID',
    );
  });

  it('throws at issue on a malformed grant, naming the fix', async () => {
    const { issuer } = setup();
    await expect(issuer.issue({ tools: { t: { maxCalls: 1.5 } } })).rejects.toThrow(/maxCalls/);
    await expect(issuer.issue({ tools: { t: { args: { a: { pattern: '' } } } } })).rejects.toThrow(
      /glob/,
    );
    expect(() => createCapabilityIssuer({ key, expiresIn: 0 })).toThrow(/expiresIn/);
    expect(() => createCapabilityIssuer({} as never)).toThrow(/needs a key/);
    expect(() => createCapabilityVerifier({} as never)).toThrow(/needs keys/);
  });
});

describe('narrow', () => {
  it('issues a child within the parent, recording the actor chain (RFC 8693 act)', async () => {
    const { issuer, verifier } = setup();
    const parent = await issuer.issue(grant, { subject: 'user-42', expiresIn: 600 });
    const child = await issuer.narrow(
      parent,
      {
        tools: { read_file: { args: { path: { prefix: '/srv/reports/2026/' } }, maxCalls: 1 } },
        agents: ['summarizer', 'writer'],
        actor: 'summarizer',
        expiresIn: 3600,
      },
      { agent: 'researcher' },
    );
    expect(child.ok).toBe(true);
    if (!child.ok) return;
    const v = await verifier.verify(child.value);
    expect(v.ok).toBe(true);
    if (!v.ok) return;
    expect(v.value.subject).toBe('user-42');
    expect(v.value.exp).toBe(NOW / 1000 + 600); // clamped to the parent's expiry
    expect(v.value.act).toEqual({ sub: 'summarizer' });
    expect(v.value.grant).toMatchObject({ depth: 1, maxDepth: 2, agents: ['summarizer'] });
    expect(Object.keys(v.value.grant.tools)).toEqual(['read_file']);

    const ok2026 = read('/srv/reports/2026/a.txt', 'summarizer');
    expect(
      codeOf(await verifier.check(child.value, read('/srv/reports/2025/a.txt', 'summarizer'))),
    ).toBe('ARGUMENT_NOT_GRANTED');
    expect(
      codeOf(await verifier.check(child.value, read('/srv/reports/2026/a.txt', 'researcher'))),
    ).toBe('AGENT_NOT_GRANTED');
    expect(
      codeOf(
        await verifier.check(child.value, {
          tool: 'search',
          args: { limit: 1 },
          agent: 'summarizer',
        }),
      ),
    ).toBe('TOOL_NOT_GRANTED');
    expect(codeOf(await verifier.check(child.value, ok2026))).toBe('OK');
    expect(codeOf(await verifier.check(child.value, ok2026))).toBe('CALLS_EXHAUSTED');

    // A grandchild nests the previous actor.
    const grandchild = await issuer.narrow(
      child.value,
      { actor: 'tool-runner' },
      { agent: 'summarizer' },
    );
    expect(grandchild.ok).toBe(true);
    if (!grandchild.ok) return;
    const g = await verifier.verify(grandchild.value);
    expect(g.ok && g.value.act).toEqual({ sub: 'tool-runner', act: { sub: 'summarizer' } });
    // depth 2 = maxDepth: no further delegation.
    expect(codeOf(await issuer.narrow(grandchild.value, {}))).toBe('DELEGATION_TOO_DEEP');
    // The grandchild still shares its ancestors' budgets.
    expect(codeOf(await verifier.check(grandchild.value, ok2026))).toBe('CALLS_EXHAUSTED');
  });

  it('children share the parent budget: siblings together never exceed it', async () => {
    const { issuer, verifier } = setup();
    const parent = await issuer.issue(grant);
    const a = await issuer.narrow(parent, {});
    const b = await issuer.narrow(parent, { tools: { read_file: { maxCalls: 10 } } });
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    const tokens = [a.value, b.value, parent, a.value, b.value];
    const codes = [];
    for (const t of tokens) codes.push(codeOf(await verifier.check(t, read('/srv/reports/x.txt'))));
    expect(codes).toEqual(['OK', 'OK', 'OK', 'CALLS_EXHAUSTED', 'CALLS_EXHAUSTED']);
  });

  it('refuses to widen or to delegate from an agent not in the grant', async () => {
    const { issuer } = setup();
    const parent = await issuer.issue(grant);
    expect(codeOf(await issuer.narrow(parent, { tools: { delete: {} } }))).toBe('TOOL_NOT_GRANTED');
    expect(
      codeOf(
        await issuer.narrow(parent, {
          tools: { read_file: { args: { path: { prefix: '/etc/' } } } },
        }),
      ),
    ).toBe('ARGUMENT_NOT_GRANTED');
    expect(codeOf(await issuer.narrow(parent, {}, { agent: 'intruder' }))).toBe(
      'AGENT_NOT_GRANTED',
    );
    expect(codeOf(await issuer.narrow(parent, { expiresIn: -5 }))).toBe('NARROWING_INVALID');
    expect(codeOf(await issuer.narrow(parent, { actor: '' }))).toBe('NARROWING_INVALID');
    expect(codeOf(await issuer.narrow(undefined, {}))).toBe('CAPABILITY_MISSING');
    expect(codeOf(await issuer.narrow('x.y.z', {}))).toBe('CAPABILITY_INVALID');
    expect(codeOf(await issuer.narrow(parent, {}, { now: NOW + 10_000_000 }))).toBe(
      'CAPABILITY_EXPIRED',
    );
  });
});

describe('EdDSA capability tokens', () => {
  it('issue and narrow with an Ed25519 key, verify with its public key', async () => {
    const pair = await createKeyPair('EdDSA');
    const pub = { alg: 'EdDSA', publicKey: pair.publicPem } as const;
    expect(() =>
      createCapabilityIssuer({ key: { alg: 'EdDSA', privateKey: pair.privatePem } }),
    ).toThrow(/verificationKeys/);
    const issuer = createCapabilityIssuer({
      key: { alg: 'EdDSA', privateKey: pair.privatePem },
      verificationKeys: [pub],
      clock: () => NOW,
    });
    const verifier = createCapabilityVerifier({ keys: [pub], clock: () => NOW });
    const token = await issuer.issue({ tools: { ping: {} }, maxDepth: 1 });
    const child = await issuer.narrow(token, { actor: 'b' });
    expect(child.ok).toBe(true);
    if (!child.ok) return;
    expect(codeOf(await verifier.check(child.value, { tool: 'ping' }))).toBe('OK');
    expect(codeOf(await verifier.check(child.value, { tool: 'pong' }))).toBe('TOOL_NOT_GRANTED');
  });
});
