import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BASE62 } from './base62.js';
import { crc32Ascii } from './crc32.js';
import { generateApiKey } from './generate-api-key.js';
import { parseApiKey } from './parse-api-key.js';
import { seededRandom } from './test-utils/counting-store.js';

const code = (r: ReturnType<typeof parseApiKey>) => (r.ok ? 'OK' : r.error.code);

describe('generateApiKey', () => {
  it('produces <prefix>_<env>_<43 base62><6 base62 checksum> with an independent id and a safe hint', () => {
    const g = generateApiKey({ environment: 'test' });
    expect(g.key).toMatch(/^jaf_test_[0-9A-Za-z]{49}$/);
    expect(g.id).toMatch(/^key_[0-9A-Za-z]{20}$/);
    expect(g.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(g.hint).toBe(`jaf_test_...${g.key.slice(-4)}`);
    expect(g.hint.length).toBeLessThan(20);
    expect(g.id).not.toContain(g.key.slice(9, 29));
  });

  it('carries at least 256 bits: 43 characters of 62 equally likely values', () => {
    expect(43 * Math.log2(62)).toBeGreaterThanOrEqual(256);
    // Every alphabet character shows up, roughly uniformly, over many keys.
    const counts = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      for (const ch of generateApiKey().key.slice(9, 52)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    expect(counts.size).toBe(62);
    const expected = (300 * 43) / 62;
    for (const n of counts.values()) expect(Math.abs(n - expected)).toBeLessThan(expected * 0.5);
  });

  it('uses a configurable prefix and refuses labels that would break the format', () => {
    expect(generateApiKey({ prefix: 'acme', environment: 'live' }).key).toMatch(/^acme_live_/);
    expect(() => generateApiKey({ prefix: 'Acme' })).toThrow(/lower-case letters or digits/);
    expect(() => generateApiKey({ prefix: 'a_b' })).toThrow(/lower-case/);
    expect(() => generateApiKey({ environment: '' })).toThrow(/environment/);
    expect(() => generateApiKey({ environment: '1live' })).toThrow(/starting with a letter/);
  });

  it('is reproducible with an injected random source', () => {
    expect(generateApiKey({ random: seededRandom(7) }).key).toBe(
      generateApiKey({ random: seededRandom(7) }).key,
    );
  });
});

describe('parseApiKey', () => {
  const { key } = generateApiKey({ environment: 'test', random: seededRandom(1) });

  it('accepts a generated key and reports its prefix and environment', () => {
    const r = parseApiKey(key);
    expect(r.ok && r.value).toEqual({ key, prefix: 'jaf', environment: 'test' });
  });

  it('rejects a bad checksum with API_KEY_MALFORMED and a checksum message', () => {
    const last = key.at(-1) === 'a' ? 'b' : 'a';
    const r = parseApiKey(key.slice(0, -1) + last);
    expect(code(r)).toBe('API_KEY_MALFORMED');
    expect(!r.ok && r.error.message).toMatch(/checksum/);
    expect(!r.ok && r.error.message).not.toContain(key.slice(9, 20));
  });

  it('rejects the wrong prefix, a refused environment, and an edited environment', () => {
    expect(code(parseApiKey(key, { prefix: 'acme' }))).toBe('API_KEY_MALFORMED');
    expect(code(parseApiKey(key, { environments: ['live'] }))).toBe('API_KEY_MALFORMED');
    expect(code(parseApiKey(key, { environments: ['live', 'test'] }))).toBe('OK');
    // The checksum covers the environment: a test key cannot be relabelled live.
    expect(code(parseApiKey(key.replace('_test_', '_live_')))).toBe('API_KEY_MALFORMED');
  });

  it('rejects malformed shapes without throwing', () => {
    for (const bad of [
      '',
      'jaf',
      'jaf_',
      'jaf_test_',
      key.slice(0, -1),
      `${key}0`,
      key.replace('jaf_', 'jaf__'),
      key.replace('_test_', '_TEST_'),
      ` ${key}`,
      `${key}\n`,
      key.replace(/.$/, 'é'),
      'x'.repeat(10_000),
      undefined,
      null,
      42,
      { toString: () => key },
    ]) {
      expect(code(parseApiKey(bad))).toBe('API_KEY_MALFORMED');
    }
  });

  it('refuses a checksum value that does not fit in 32 bits (one spelling per value)', () => {
    const body = key.slice(0, -6);
    const crc = crc32Ascii(body, body.length);
    // 62^6 - 1 ('zzzzzz') is above 2^32; a crafted key with it never parses.
    expect(crc).toBeLessThan(2 ** 32);
    expect(code(parseApiKey(`${body}zzzzzz`))).toBe('API_KEY_MALFORMED');
  });

  it('throws on invalid options (a developer error), once', () => {
    expect(() => parseApiKey(key, { prefix: 'JAF' })).toThrow(/prefix/);
    expect(() => parseApiKey(key, { environments: [] })).toThrow(/non-empty array/);
  });

  it('never throws, whatever the input (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 120 }), fc.anything()), (input) => {
        const r = parseApiKey(input);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('catches every single-character substitution, deletion and insertion (property)', () => {
    const alphabet = `${BASE62}_-. é`;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.nat(),
        fc.nat({ max: alphabet.length - 1 }),
        fc.constantFrom('substitute', 'delete', 'insert'),
        (seed, at, pick, op) => {
          const k = generateApiKey({ environment: 'live', random: seededRandom(seed) }).key;
          const i = at % k.length;
          const ch = alphabet[pick]!;
          let changed: string;
          if (op === 'substitute') {
            if (k[i] === ch) return;
            changed = k.slice(0, i) + ch + k.slice(i + 1);
          } else if (op === 'delete') changed = k.slice(0, i) + k.slice(i + 1);
          else changed = k.slice(0, i) + ch + k.slice(i);
          expect(code(parseApiKey(changed))).toBe('API_KEY_MALFORMED');
        },
      ),
      { numRuns: 3000 },
    );
  });
});
