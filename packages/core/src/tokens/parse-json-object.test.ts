import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonObject } from './parse-json-object.js';

describe('parseJsonObject', () => {
  it('parses any JSON object exactly as JSON.parse does', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })), (obj) => {
        const text = JSON.stringify(obj);
        expect(parseJsonObject(text)).toEqual(JSON.parse(text));
      }),
    );
  });

  it('refuses any object with a repeated member name, at any depth and however escaped', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 8 }),
        fc.jsonValue({ maxDepth: 2 }),
        fc.nat(3),
        (key, value, depth) => {
          const raw = JSON.stringify(key);
          const escaped = `"${[...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`;
          let inner = `{${raw}:${JSON.stringify(value)},"_":[1,{"a":2}],${escaped}:0}`;
          for (let d = 0; d < depth; d++) inner = `{"w":[${inner}]}`;
          expect(parseJsonObject(inner)).toBeUndefined();
        },
      ),
    );
  });

  it('allows the same name in sibling and nested objects', () => {
    expect(parseJsonObject('{"a":{"a":1},"b":[{"a":2},{"a":3}],"c":"a"}')).toEqual({
      a: { a: 1 },
      b: [{ a: 2 }, { a: 3 }],
      c: 'a',
    });
    expect(parseJsonObject('{"k":"\\"a\\",\\"a\\"","a":1}')).toEqual({ k: '"a","a"', a: 1 });
  });

  it('refuses non-objects and garbage without throwing', () => {
    for (const text of [
      '',
      '[]',
      '"x"',
      '1',
      'null',
      'true',
      '{',
      '{"a":1,}',
      "{'a':1}",
      '{"a":1} x',
    ]) {
      expect(parseJsonObject(text)).toBeUndefined();
    }
    fc.assert(
      fc.property(fc.string(), (text) => {
        const out = parseJsonObject(text);
        if (out !== undefined) expect(typeof out).toBe('object');
      }),
    );
  });

  it('handles deep nesting without recursion limits in its own scan', () => {
    const deep = `{"a":${'['.repeat(3000)}${']'.repeat(3000)}}`;
    expect(parseJsonObject(deep)).toBeDefined();
  });
});
