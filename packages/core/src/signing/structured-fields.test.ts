import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseSfDictionary,
  parseSfInnerList,
  parseSfItem,
  parseSfList,
  type SfBareItem,
  type SfInnerList,
  type SfItem,
  type SfMember,
  serializeSfBareItem,
  serializeSfDictionary,
  serializeSfList,
  serializeSfMember,
} from './structured-fields.js';

const lcalpha = 'abcdefghijklmnopqrstuvwxyz';
const keyArb = fc
  .tuple(
    fc.constantFrom(...`${lcalpha}*`),
    fc.string({ unit: fc.constantFrom(...`${lcalpha}0123456789_-.*`), maxLength: 6 }),
  )
  .map(([a, b]) => a + b);
const tokenArb = fc
  .tuple(
    fc.constantFrom(...'abcXYZ*'),
    fc.string({
      unit: fc.constantFrom(...`${lcalpha}ABC0123456789!#$%&'*+-.^_\`|~:/`),
      maxLength: 6,
    }),
  )
  .map(([a, b]) => a + b);
const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 12,
});

const bareArb: fc.Arbitrary<SfBareItem> = fc.oneof(
  fc
    .integer({ min: -999_999_999_999_999, max: 999_999_999_999_999 })
    .map((value) => ({ type: 'integer' as const, value })),
  fc
    .integer({ min: -999_999_999_999, max: 999_999_999_999 })
    .chain((i) =>
      // Parsed from its decimal text, so the value is the double a parser yields for it
      // (2 + 478 / 1000 is 2.4779999999999998, which no field text denotes).
      fc
        .integer({ min: 0, max: 999 })
        .map((f) => Number(`${i < 0 ? '-' : ''}${Math.abs(i)}.${String(f).padStart(3, '0')}`)),
    )
    .map((value) => ({ type: 'decimal' as const, value: value === 0 ? 0 : value })),
  printable.map((value) => ({ type: 'string' as const, value })),
  tokenArb.map((value) => ({ type: 'token' as const, value })),
  fc.uint8Array({ maxLength: 20 }).map((value) => ({ type: 'binary' as const, value })),
  fc.boolean().map((value) => ({ type: 'boolean' as const, value })),
  fc.integer({ min: -1e12, max: 1e12 }).map((value) => ({ type: 'date' as const, value })),
  fc
    .string({ maxLength: 8 })
    .filter((s) => !/[\uD800-\uDFFF]/.test(s))
    .map((value) => ({ type: 'displaystring' as const, value })),
);
const paramsArb = fc
  .uniqueArray(fc.tuple(keyArb, bareArb), { selector: ([k]) => k, maxLength: 3 })
  .map((e) => new Map(e));
const itemArb: fc.Arbitrary<SfItem> = fc.record({ value: bareArb, params: paramsArb });
const innerArb: fc.Arbitrary<SfInnerList> = fc.record({
  items: fc.array(itemArb, { maxLength: 3 }),
  params: paramsArb,
});
const memberArb: fc.Arbitrary<SfMember> = fc.oneof(itemArb, innerArb);

describe('structured fields (RFC 8941 / RFC 9651)', () => {
  it('round-trips any list: parse(serialize(x)) equals x', () => {
    fc.assert(
      fc.property(fc.array(memberArb, { minLength: 1, maxLength: 4 }), (list) => {
        const r = parseSfList(serializeSfList(list));
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.value).toEqual(list);
      }),
    );
  });

  it('round-trips any dictionary', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(keyArb, memberArb), {
          selector: ([k]) => k,
          minLength: 1,
          maxLength: 4,
        }),
        (entries) => {
          const dict = new Map(entries);
          const r = parseSfDictionary(serializeSfDictionary(dict));
          expect(r.ok).toBe(true);
          if (r.ok) expect(r.value).toEqual(dict);
        },
      ),
    );
  });

  it('never throws on arbitrary text, and what it accepts re-serializes to a fixed point', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.string({ unit: fc.constantFrom(...'abc019-.:;=,()"\\?*@% \t'), maxLength: 40 }),
    );
    fc.assert(
      fc.property(text, (t) => {
        for (const parse of [
          parseSfList,
          parseSfDictionary,
          parseSfItem,
          parseSfInnerList,
        ] as const) {
          const r = (parse as (s: string) => ReturnType<typeof parseSfList>)(t);
          expect(typeof r.ok).toBe('boolean');
        }
        const d = parseSfDictionary(t);
        if (d.ok) {
          const again = parseSfDictionary(serializeSfDictionary(d.value));
          expect(again.ok && again.value).toEqual(d.value);
        }
        const l = parseSfList(t);
        if (l.ok)
          expect(serializeSfList(parseSfList(serializeSfList(l.value)).ok ? l.value : [])).toBe(
            serializeSfList(l.value),
          );
      }),
      { numRuns: 2000 },
    );
  });

  it('parses the RFC examples', () => {
    const d = parseSfDictionary('en="Applepie", da=:w4ZibGV0w6ZydGU=:');
    expect(d.ok && d.value.get('da')).toEqual({
      value: {
        type: 'binary',
        value: new Uint8Array([0xc3, 0x86, 0x62, 0x6c, 0x65, 0x74, 0xc3, 0xa6, 0x72, 0x74, 0x65]),
      },
      params: new Map(),
    });
    const bools = parseSfDictionary('a=?0, b, c; foo=bar');
    expect(bools.ok && serializeSfDictionary(bools.value)).toBe('a=?0, b, c;foo=bar');
    const inner = parseSfList('("foo" "bar");lvl=5, ("baz");lvl=1');
    expect(inner.ok && serializeSfList(inner.value)).toBe('("foo" "bar");lvl=5, ("baz");lvl=1');
    expect(
      parseSfItem('4.5').ok && serializeSfMember((parseSfItem('4.5') as { value: SfItem }).value),
    ).toBe('4.5');
    const date = parseSfItem('@1659578233');
    expect(date.ok && date.value.value).toEqual({ type: 'date', value: 1659578233 });
    const ds = parseSfItem('%"f%c3%bc%c3%bc"');
    expect(ds.ok && ds.value.value).toEqual({ type: 'displaystring', value: 'füü' });
  });

  it('keeps the last value of a repeated key, or refuses it when asked', () => {
    const r = parseSfDictionary('a=1, b=2, a=3');
    expect(r.ok && serializeSfDictionary(r.value)).toBe('a=3, b=2');
    const strict = parseSfDictionary('a=1, b=2, a=3', { rejectDuplicateKeys: true });
    expect(strict.ok || strict.error.code).toBe('SF_DUPLICATE_KEY');
  });

  it('rejects malformed input with SF_MALFORMED', () => {
    const bad = [
      'a=1,', // trailing comma
      '1a=1',
      'A=1',
      'a=(1 2', // unterminated inner list
      'a=(1,2)',
      'a="unterminated',
      'a="bad \\x escape"',
      'a=1234567890123456', // 16-digit integer
      'a=1234567890123.1', // 13 integer digits in a decimal
      'a=1.1234',
      'a=1.',
      'a=?2',
      'a=:YQ:', // unpadded base64
      'a=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg==:', // one "=" too many (RFC 9530 erratum)
      'a=%"%C3%BC"', // upper-case hex in a display string
      'a=%"%ff"', // not UTF-8
      'a=1;',
      'a=1 b=2',
      'a=é',
    ];
    for (const text of bad) {
      const r = parseSfDictionary(text);
      expect(r.ok ? text : r.error.code).toBe('SF_MALFORMED');
    }
  });

  it('refuses to serialize values a field cannot carry', () => {
    expect(() => serializeSfBareItem({ type: 'string', value: 'é' })).toThrow(TypeError);
    expect(() => serializeSfBareItem({ type: 'integer', value: 1e16 })).toThrow(TypeError);
    expect(() => serializeSfBareItem({ type: 'token', value: '1abc' })).toThrow(TypeError);
    expect(serializeSfBareItem({ type: 'decimal', value: 1.0005 })).toBe('1.0');
    expect(serializeSfBareItem({ type: 'decimal', value: 2.5 })).toBe('2.5');
  });

  it('parses a 100 KiB field in linear time without throwing', () => {
    const long = `a=(${'"x" '.repeat(25_000)})`;
    const r = parseSfDictionary(long);
    expect(r.ok).toBe(true);
    const nested = '('.repeat(50_000);
    expect(parseSfList(nested).ok).toBe(false);
  });
});
