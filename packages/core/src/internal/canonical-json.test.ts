import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

const text = (v: unknown) => {
  const r = canonicalJson(v);
  if (!r.ok) throw new Error(r.problem);
  return r.text;
};

describe('canonicalJson (RFC 8785)', () => {
  it('matches the RFC 8785 section 3.2.2 example', () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    );
    expect(text(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts member names by UTF-16 code units (RFC 8785 section 3.2.3)', () => {
    const input = JSON.parse(
      '{"\\u20ac":1,"\\r":2,"\\ufb33":3,"1":4,"\\ud83d\\ude00":5,"\\u0080":6,"\\u00f6":7}',
    );
    expect(Object.values(JSON.parse(text(input)))).toEqual([4, 2, 6, 7, 1, 5, 3]);
    // Integer-like names are still ordered as strings, after JSON.parse reorders them.
    expect(text({ b: 1, a: { d: [1, { z: 0, y: -0 }], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[1,{"y":0,"z":0}]},"b":1}',
    );
  });

  it('refuses what is not JSON data, with a problem instead of a throw', () => {
    const problem = (v: unknown) => {
      const r = canonicalJson(v);
      return r.ok ? 'ok' : r.problem;
    };
    expect(problem(undefined)).toBe('not JSON data');
    expect(problem({ a: () => 1 })).toBe('not JSON data');
    expect(problem({ a: 1n })).toBe('not JSON data');
    expect(problem(new Date(0))).toBe('not JSON data');
    expect(problem([Number.NaN])).toBe('a number that is not finite');
    expect(problem('\ud800')).toBe('a string with a lone surrogate');
    expect(problem({ '\udc00': 1 })).toBe('a string with a lone surrogate');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(problem(cyclic)).toBe('nested too deeply');
    expect(problem('x'.repeat(1024 * 1024 + 1))).toBe('too large');
    expect(problem(Object.create(null))).toBe('ok');
  });

  it('is the same for any key order, and parses back to an equal value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const once = text(v);
        expect(JSON.parse(once)).toEqual(JSON.parse(JSON.stringify(v)));
        // Reversing every object's key order does not change the canonical text.
        const reversed = JSON.parse(JSON.stringify(v), (_k, x) =>
          x && typeof x === 'object' && !Array.isArray(x)
            ? Object.fromEntries(Object.entries(x).reverse())
            : x,
        );
        expect(text(reversed)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });
});
