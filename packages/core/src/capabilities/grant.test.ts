import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  ArgumentConstraint,
  CapabilityClaim,
  CapabilityGrant,
  EnumValue,
  ToolGrant,
} from './capability-types.js';
import {
  type CapabilityNarrowing,
  checkCall,
  narrowClaim,
  normalizeGrant,
  parseClaim,
  satisfies,
} from './grant.js';

const EXP = 2_000_000_000;
const claimOf = (grant: CapabilityGrant, jti = 'root'): CapabilityClaim => {
  const c = normalizeGrant(grant, jti, EXP);
  if (typeof c === 'string') throw new Error(c);
  return c;
};
const narrow = (parent: CapabilityClaim, n: CapabilityNarrowing, jti = 'child') =>
  narrowClaim(parent, n, jti, EXP - 10);
const normalized = (c: ArgumentConstraint) => {
  const claim = claimOf({ tools: { t: { args: { x: c } } } });
  return claim.tools.t!.args!.x!;
};
const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'OK' : r.error!.code);

const files: CapabilityGrant = {
  tools: {
    read_file: { args: { path: { prefix: '/srv/' }, mode: { enum: ['r', 'rb'] } }, maxCalls: 10 },
    search: { args: { limit: { max: 50 }, q: { pattern: '*' } } },
    ping: {},
  },
  agents: ['researcher', 'writer'],
  maxDepth: 2,
};

describe('checkCall', () => {
  const claim = claimOf(files);

  it('permits a call inside every constraint and lists its budgets', () => {
    const r = checkCall(claim, {
      tool: 'read_file',
      args: { path: '/srv/a.txt', mode: 'r', extra: 1 },
      agent: 'researcher',
    });
    expect(r).toEqual({ ok: true, value: { tool: 'read_file', limits: [['root', 10, EXP]] } });
  });

  it('refuses each way out of the grant with its code', () => {
    const call = (tool: string, args: unknown, agent: string | undefined = 'writer') =>
      code(checkCall(claim, { tool, args: args as Record<string, unknown>, agent }));
    expect(call('delete_file', {})).toBe('TOOL_NOT_GRANTED');
    expect(call('toString', {})).toBe('TOOL_NOT_GRANTED'); // no prototype lookups
    expect(call('ping', {}, 'intruder')).toBe('AGENT_NOT_GRANTED');
    expect(code(checkCall(claim, { tool: 'ping' }))).toBe('AGENT_NOT_GRANTED'); // no agent named
    expect(call('read_file', { path: '/etc/passwd', mode: 'r' })).toBe('ARGUMENT_NOT_GRANTED');
    expect(call('read_file', { path: '/srv/a', mode: 'w' })).toBe('ARGUMENT_NOT_GRANTED');
    expect(call('read_file', { mode: 'r' })).toBe('ARGUMENT_NOT_GRANTED'); // absent
    expect(call('read_file', { path: ['/srv/a'], mode: 'r' })).toBe('ARGUMENT_NOT_GRANTED');
    expect(call('search', { limit: 51, q: 'x' })).toBe('ARGUMENT_NOT_GRANTED');
    expect(call('search', { limit: '5', q: 'x' })).toBe('ARGUMENT_NOT_GRANTED');
    expect(call('search', { limit: Number.NaN, q: 'x' })).toBe('ARGUMENT_NOT_GRANTED');
    expect(call('search', { limit: 50, q: 'x' })).toBe('OK');
    expect(call('ping', '{"a":1}')).toBe('OK'); // JSON text, as OpenAI sends arguments
    expect(call('ping', '{"a":')).toBe('ARGUMENTS_MALFORMED');
    expect(call('ping', '[1]')).toBe('ARGUMENTS_MALFORMED');
    // Duplicate names could be read as two different calls: refused.
    expect(call('read_file', '{"path":"/srv/a","mode":"r","path":"/etc/passwd"}')).toBe(
      'ARGUMENTS_MALFORMED',
    );
    expect(call('read_file', '{"path":"/srv/a","mode":"r"}')).toBe('OK');
    expect(call('ping', null)).toBe('OK'); // no arguments at all: treated as {}
  });

  it('does not read an inherited property as an argument', () => {
    const c = claimOf({ tools: { t: { args: { constructor: { enum: ['x'] } } } } });
    expect(code(checkCall(c, { tool: 't', args: {} }))).toBe('ARGUMENT_NOT_GRANTED');
  });

  it('refuses a claim deeper than its maxDepth', () => {
    expect(code(checkCall({ ...claim, depth: 3 }, { tool: 'ping', agent: 'writer' }))).toBe(
      'DELEGATION_TOO_DEEP',
    );
  });
});

describe('normalizeGrant', () => {
  it('names the problem of a malformed grant without echoing values', () => {
    const bad = (g: unknown) => normalizeGrant(g as CapabilityGrant, 'j', EXP);
    expect(bad({ tools: { 'a b': {} } })).toMatch(/tool names/);
    expect(bad({ tools: { __proto__: {} } })).toEqual({ v: 1, tools: {}, depth: 0, maxDepth: 0 });
    expect(bad({ tools: JSON.parse('{"__proto__":{}}') })).toMatch(/tool names/);
    expect(bad({ tools: { t: { maxCalls: 0 } } })).toMatch(/maxCalls/);
    expect(bad({ tools: { t: { args: { a: { pattern: 'abc\\' } } } } })).toMatch(/pattern/);
    expect(bad({ tools: { t: { args: { a: { regex: '.*' } } } } })).toMatch(/enum, max/);
    expect(bad({ tools: { t: { args: { a: { max: Infinity } } } } })).toMatch(/finite/);
    expect(bad({ tools: {}, maxDepth: 17 })).toMatch(/maxDepth/);
    expect(bad({ tools: {}, agents: 'all' })).toMatch(/agent names/);
    expect(bad({ tools: {}, extra: 1 })).toMatch(/tools, agents/);
  });

  it('round-trips through parseClaim, and parseClaim refuses other shapes', () => {
    const c = claimOf(files);
    expect(parseClaim(JSON.parse(JSON.stringify(c)))).toEqual(c);
    expect(parseClaim({ ...c, v: 2 })).toBeUndefined();
    expect(parseClaim({ ...c, tools: { t: { limits: [['j', 0, 1]] } } })).toBeUndefined();
    expect(parseClaim({ ...c, tools: { t: { args: { a: { pattern: 'x' } } } } })).toBeUndefined();
    expect(parseClaim({ ...c, extra: true })).toBeUndefined();
    expect(parseClaim('cap')).toBeUndefined();
  });
});

describe('narrowClaim', () => {
  const parent = claimOf(files);

  it('meets the parent: subset of tools, lowered maxima, extended prefixes, intersected sets', () => {
    const r = narrow(parent, {
      tools: {
        read_file: {
          args: { path: { prefix: '/srv/reports/' }, mode: { enum: ['rb', 'w'] } },
          maxCalls: 3,
        },
        search: { args: { limit: { max: 500 } } },
      },
      agents: ['writer', 'other'],
      maxDepth: 5,
    });
    expect(r.ok && r.value).toEqual({
      v: 1,
      tools: {
        read_file: {
          args: { path: { prefix: '/srv/reports/' }, mode: { enum: ['rb'] } },
          limits: [
            ['root', 10, EXP],
            ['child', 3, EXP - 10],
          ],
        },
        search: { args: { limit: { max: 50 }, q: { pattern: ['*'] } } },
      },
      agents: ['writer'],
      depth: 1,
      maxDepth: 2,
    });
  });

  it('keeps the parent tools unchanged when no tools are given, and a parent budget is not raised', () => {
    const r = narrow(parent, { tools: { read_file: { maxCalls: 99 } } });
    expect(r.ok && r.value.tools.read_file?.limits).toEqual([['root', 10, EXP]]);
    const all = narrow(parent, {});
    expect(all.ok && all.value.tools).toEqual(parent.tools);
  });

  it('refuses what it cannot narrow, with a code', () => {
    expect(code(narrow(parent, { tools: { delete_file: {} } }))).toBe('TOOL_NOT_GRANTED');
    expect(code(narrow(parent, { tools: { toString: {} } }))).toBe('TOOL_NOT_GRANTED');
    expect(
      code(narrow(parent, { tools: { read_file: { args: { path: { prefix: '/etc/' } } } } })),
    ).toBe('ARGUMENT_NOT_GRANTED');
    expect(code(narrow(parent, { tools: { ping: { maxCalls: -1 } } }))).toBe('NARROWING_INVALID');
    expect(code(narrow(parent, { widen: true } as CapabilityNarrowing))).toBe('NARROWING_INVALID');
    expect(code(narrow(parent, null as unknown as CapabilityNarrowing))).toBe('NARROWING_INVALID');
    const leaf = narrow(parent, { maxDepth: 1 });
    expect(leaf.ok).toBe(true);
    if (leaf.ok) expect(code(narrow(leaf.value, {}))).toBe('DELEGATION_TOO_DEEP');
    const root = claimOf({ tools: { ping: {} } }); // maxDepth 0: no delegation
    expect(code(narrow(root, {}))).toBe('DELEGATION_TOO_DEEP');
  });

  // ---- property: narrowing never widens ----

  const word = fc.stringMatching(/^[ab/]{0,3}$/);
  const value = fc.oneof(
    word,
    word,
    fc.integer({ min: -2, max: 6 }),
    fc.constant(null),
    fc.boolean(),
  );
  const fields = {
    enum: fc.array(value, { maxLength: 8 }),
    max: fc.integer({ min: -2, max: 6 }),
    prefix: word,
    pattern: fc.array(fc.stringMatching(/^[ab/*?]{1,4}$/), { minLength: 1, maxLength: 2 }),
  };
  // One or two kinds per constraint (a max and a prefix together admit nothing), any mix
  // sometimes.
  const someConstraint: fc.Arbitrary<ArgumentConstraint> = fc.oneof(
    fc.record({ enum: fields.enum }),
    fc.record({ max: fields.max }),
    fc.record({ prefix: fields.prefix }),
    fc.record({ pattern: fields.pattern }),
    fc.record({ enum: fields.enum, max: fields.max }),
    fc.record({ prefix: fields.prefix, pattern: fields.pattern }),
    fc.record({ enum: fields.enum, prefix: fields.prefix }),
    fc.record(fields, { requiredKeys: [] }),
  );
  // Mostly light constraints, so that random calls often pass and the property bites.
  const constraint = fc.oneof(
    { weight: 2, arbitrary: fc.constant({}) },
    { weight: 3, arbitrary: someConstraint },
  );
  const argNames = fc.constantFrom('x', 'y', 'z');
  const toolNames = fc.constantFrom('t1', 't2', 't3');
  const toolGrant: fc.Arbitrary<ToolGrant> = fc.record(
    {
      args: fc.dictionary(argNames, constraint, { maxKeys: 3 }),
      maxCalls: fc.integer({ min: 1, max: 5 }),
    },
    { requiredKeys: [] },
  );
  const agents = fc.array(fc.constantFrom('a1', 'a2', 'a3'), { minLength: 1, maxLength: 3 });
  const grant: fc.Arbitrary<CapabilityGrant> = fc.record(
    {
      tools: fc.dictionary(toolNames, toolGrant, { minKeys: 2, maxKeys: 3 }),
      agents,
      maxDepth: fc.integer({ min: 1, max: 4 }),
    },
    { requiredKeys: ['tools', 'maxDepth'] },
  );
  const narrowing: fc.Arbitrary<CapabilityNarrowing> = fc.record(
    {
      tools: fc.dictionary(toolNames, toolGrant, { maxKeys: 3 }),
      agents,
      maxDepth: fc.integer({ min: 0, max: 6 }),
    },
    { requiredKeys: [] },
  );
  // Calls are aimed at the child: each constrained argument takes a value (from a small
  // domain) that the child's constraint accepts, so the property is tested where it bites.
  const DOMAIN: EnumValue[] = [null, true, false];
  for (let n = -2; n <= 6; n++) DOMAIN.push(n);
  for (const w of ['', 'a', 'b', '/']) {
    DOMAIN.push(w);
    for (const x of ['a', 'b', '/']) {
      DOMAIN.push(w + x);
      for (const y of ['a', 'b', '/']) DOMAIN.push(w + x + y);
    }
  }
  const aim = fc.record({
    tool: toolNames,
    picks: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
    omit: fc.oneof({ weight: 6, arbitrary: fc.constant('') }, fc.constantFrom('x', 'y', 'z')),
  });
  function aimAt(claim: CapabilityClaim, a: { tool: string; picks: number[]; omit: string }) {
    const args: Record<string, unknown> = {};
    // Mostly one of the child's tools; sometimes any.
    const own = Object.keys(claim.tools);
    const tool = own.length > 0 && a.picks[0]! % 4 !== 0 ? own[a.picks[0]! % own.length]! : a.tool;
    ['x', 'y', 'z'].forEach((name, i) => {
      if (name === a.omit) return;
      const c = claim.tools[tool]?.args?.[name];
      const fits = c === undefined ? DOMAIN : DOMAIN.filter((v) => satisfies(c, v));
      if (fits.length > 0) args[name] = fits[a.picks[i]! % fits.length];
    });
    const agents = claim.agents?.length ? claim.agents : ['a1', 'a2', 'a3'];
    return { tool, args, agent: agents[a.picks[3]! % agents.length] };
  }

  it('never widens: every call the child permits, the parent permits; budgets only tighten', {
    timeout: 60_000,
  }, () => {
    let narrowed = 0;
    let permitted = 0;
    fc.assert(
      fc.property(
        grant,
        fc.array(narrowing, { minLength: 1, maxLength: 3 }),
        fc.array(aim, { minLength: 10, maxLength: 20 }),
        (g, chain, calls) => {
          let parent = claimOf(g);
          for (const [i, asked] of chain.entries()) {
            // Only tools the parent has (asking for another is refused, tested above).
            const n: CapabilityNarrowing =
              asked.tools === undefined
                ? asked
                : {
                    ...asked,
                    tools: Object.fromEntries(
                      Object.entries(asked.tools).filter(([t]) => Object.hasOwn(parent.tools, t)),
                    ),
                  };
            const r = narrow(parent, n, `c${i}`);
            if (!r.ok) return; // a refused narrowing issues nothing
            narrowed++;
            const child = r.value;
            expect(child.depth).toBe(parent.depth + 1);
            expect(child.depth).toBeLessThanOrEqual(child.maxDepth);
            expect(child.maxDepth).toBeLessThanOrEqual(parent.maxDepth);
            if (parent.agents !== undefined) {
              expect(child.agents?.every((a) => parent.agents!.includes(a))).toBe(true);
            }
            for (const [name, t] of Object.entries(child.tools)) {
              const from = parent.tools[name];
              expect(from).toBeDefined();
              // Every parent budget is still charged, and the tightest is no looser.
              for (const l of from!.limits ?? []) expect(t.limits).toContainEqual(l);
            }
            for (const a of calls) {
              const c = aimAt(child, a);
              if (checkCall(child, c).ok) {
                permitted++;
                expect(checkCall(parent, c).ok).toBe(true);
              }
            }
            parent = child;
          }
        },
      ),
      { numRuns: 1500 },
    );
    // The property was exercised, not vacuously true.
    expect(narrowed).toBeGreaterThan(1000);
    expect(permitted).toBeGreaterThan(300);
  });

  it('never widens one constraint: every value the met constraint accepts, the parent accepts', {
    timeout: 60_000,
  }, () => {
    let accepted = 0;
    fc.assert(
      fc.property(someConstraint, someConstraint, (pc, cc) => {
        const parent = claimOf({ tools: { t: { args: { x: pc } } }, maxDepth: 1 });
        const r = narrow(parent, { tools: { t: { args: { x: cc } } } });
        if (!r.ok) {
          // Refused only when two prefixes cannot both hold.
          expect(r.error.code).toBe('ARGUMENT_NOT_GRANTED');
          expect(pc.prefix !== undefined && cc.prefix !== undefined).toBe(true);
          return;
        }
        const asked = normalized(cc);
        for (const v of DOMAIN) {
          const call = { tool: 't', args: { x: v } };
          const child = checkCall(r.value, call).ok;
          // The meet is exactly both constraints at once: no wider, and no narrower.
          expect(child).toBe(checkCall(parent, call).ok && satisfies(asked, v));
          if (child) {
            accepted++;
            expect(checkCall(parent, call).ok).toBe(true);
            expect(satisfies(asked, v)).toBe(true);
          }
        }
      }),
      { numRuns: 1500 },
    );
    expect(accepted).toBeGreaterThan(300);
  });

  it('the property catches a widening meet (self-check on a planted bug)', () => {
    // A "narrowing" that drops the parent's constraint is a widening the property must see.
    const p = claimOf({ tools: { t1: { args: { x: { max: 1 } } } }, maxDepth: 1 });
    const widened: CapabilityClaim = { ...p, depth: 1, tools: { t1: {} } };
    const c = { tool: 't1', args: { x: 5 } };
    expect(checkCall(widened, c).ok).toBe(true);
    expect(checkCall(p, c).ok).toBe(false);
  });
});
