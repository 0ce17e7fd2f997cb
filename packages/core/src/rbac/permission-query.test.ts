import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePermissionQuery, hasPermission } from './permission-query.js';

describe('hasPermission', () => {
  it('matches exact grants and wildcards', () => {
    expect(hasPermission(['chat:basic'], 'chat:basic')).toBe(true);
    expect(hasPermission(['chat:*'], 'chat:advanced')).toBe(true);
    expect(hasPermission(['*'], 'system:admin')).toBe(true);
    expect(hasPermission(['chat:*'], 'chatbot:run')).toBe(false);
    expect(hasPermission(['chat:basic'], 'chat:advanced')).toBe(false);
    expect(hasPermission(['agent:tools:*'], 'agent:tools:search')).toBe(true);
    expect(hasPermission(['agent:tools:*'], 'agent:manage')).toBe(false);
  });

  it('denies by default', () => {
    expect(hasPermission([], 'chat:basic')).toBe(false);
    expect(hasPermission([], { any: ['a:b', 'c:d'] })).toBe(false);
  });

  it('treats malformed untrusted grants as matching nothing but themselves', () => {
    const junk = ['', 'chat*', ':*', 'chat:**', 42, null] as unknown as string[];
    expect(hasPermission(junk, 'chat:basic')).toBe(false);
  });

  it('evaluates all/any', () => {
    expect(hasPermission(['a:x', 'b:y'], { all: ['a:x', 'b:y'] })).toBe(true);
    expect(hasPermission(['a:x'], { all: ['a:x', 'b:y'] })).toBe(false);
    expect(hasPermission(['b:y'], { any: ['a:x', 'b:y'] })).toBe(true);
  });

  it('refuses malformed queries at compile time with a fix-it message', () => {
    expect(() => compilePermissionQuery('chat:*')).toThrow(/concrete/);
    expect(() => compilePermissionQuery({ all: [] })).toThrow(/non-empty array/);
    expect(() => compilePermissionQuery({ any: [] })).toThrow(/non-empty array/);
    expect(() =>
      compilePermissionQuery({ all: ['a:b'], any: ['c:d'] } as unknown as { all: string[] }),
    ).toThrow(/use a permission string/);
    expect(() => compilePermissionQuery(42 as unknown as string)).toThrow(/use a permission/);
  });

  it('lists every permission a query mentions', () => {
    expect(compilePermissionQuery({ all: ['a:b', { any: ['c:d', 'a:b'] }] }).permissions).toEqual([
      'a:b',
      'c:d',
    ]);
  });

  it('agrees with a reference matcher on random grants (property)', () => {
    const seg = fc.constantFrom('a', 'b', 'chat', 'x1');
    const perm = fc.array(seg, { minLength: 1, maxLength: 3 }).map((s) => s.join(':'));
    const grant = fc.oneof(
      perm,
      perm.map((p) => `${p}:*`),
      fc.constant('*'),
    );
    fc.assert(
      fc.property(fc.array(grant, { maxLength: 5 }), perm, (grants, required) => {
        const reference = grants.some(
          (g) =>
            g === '*' ||
            g === required ||
            (g.endsWith(':*') && required.startsWith(g.slice(0, -1))),
        );
        expect(hasPermission(grants, required)).toBe(reference);
      }),
    );
  });
});
