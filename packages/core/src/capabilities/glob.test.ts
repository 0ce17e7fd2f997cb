import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob, matchGlob } from './glob.js';

/** Reference: the textbook dynamic-programming glob matcher, on the same compiled form. */
function reference(pattern: string, value: string): boolean {
  const g = compileGlob(pattern)!;
  // m[i][j]: g[i..] matches value[j..]
  const m: boolean[][] = Array.from({ length: g.length + 1 }, () =>
    new Array<boolean>(value.length + 1).fill(false),
  );
  m[g.length]![value.length] = true;
  for (let i = g.length - 1; i >= 0; i--) {
    for (let j = value.length; j >= 0; j--) {
      const t = g[i]!;
      if (t === -1) m[i]![j] = m[i + 1]![j]! || (j < value.length && m[i]![j + 1]!);
      else
        m[i]![j] = j < value.length && (t === -2 || t === value.charCodeAt(j)) && m[i + 1]![j + 1]!;
    }
  }
  return m[0]![0]!;
}

const match = (p: string, v: string) => matchGlob(compileGlob(p)!, v);

describe('glob', () => {
  it('matches the whole value with * ? and escapes', () => {
    expect(match('/srv/*.txt', '/srv/a/b.txt')).toBe(true);
    expect(match('/srv/*.txt', '/srv/a.txt.exe')).toBe(false);
    expect(match('a?c', 'abc')).toBe(true);
    expect(match('a?c', 'ac')).toBe(false);
    expect(match('a\\*', 'a*')).toBe(true);
    expect(match('a\\*', 'ab')).toBe(false);
    expect(match('*', '')).toBe(true);
    expect(match('abc', 'abcd')).toBe(false);
  });

  it('refuses empty, overlong and dangling-escape patterns', () => {
    expect(compileGlob('')).toBeUndefined();
    expect(compileGlob('a'.repeat(257))).toBeUndefined();
    expect(compileGlob('abc\\')).toBeUndefined();
    expect(compileGlob(5 as unknown as string)).toBeUndefined();
  });

  it('agrees with the reference matcher', () => {
    const pattern = fc
      .stringMatching(/^[ab*?\\]{1,8}$/)
      .filter((p) => compileGlob(p) !== undefined);
    fc.assert(
      fc.property(pattern, fc.stringMatching(/^[ab*?]{0,10}$/), (p, v) => {
        expect(match(p, v)).toBe(reference(p, v));
      }),
      { numRuns: 2000 },
    );
  });

  it('stays fast on a pattern built to backtrack', () => {
    const p = `${'*a'.repeat(100)}b`;
    const v = 'a'.repeat(100_000);
    const start = performance.now();
    expect(match(p, v)).toBe(false);
    // Quadratic in the pattern at worst, linear in the value: well under a second.
    expect(performance.now() - start).toBeLessThan(5_000);
  });
});
