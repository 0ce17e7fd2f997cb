import spec from '@vectors/fernet-spec.json';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeHex, decodeUtf8 } from '../internal/bytes.js';
import {
  deriveGuideFernetKey,
  fernetDecrypt,
  fernetDecryptText,
  fernetEncrypt,
  importFernetKey,
  migrateFernetToken,
} from './fernet.js';
import { createKeyring } from './keyring.js';
import python from './test-vectors/fernet-python.json';

const at = (rfc3339: string): number => Date.parse(rfc3339);

// What each invalid case of the reference suite must be refused as.
const EXPECTED_CODES: Record<string, string> = {
  'incorrect mac': 'FERNET_SIGNATURE_INVALID',
  'too short': 'FERNET_MALFORMED',
  'invalid base64': 'FERNET_MALFORMED',
  'payload size not multiple of block size': 'FERNET_MALFORMED',
  'payload padding error': 'FERNET_DECRYPT_FAILED',
  'far-future TS (unacceptable clock skew)': 'FERNET_FROM_FUTURE',
  'expired TTL': 'FERNET_EXPIRED',
  'incorrect IV (causes padding error)': 'FERNET_DECRYPT_FAILED',
};

describe('Fernet (reference spec vectors)', () => {
  for (const v of spec.generate) {
    it(`generates the reference token byte for byte (${v.src})`, async () => {
      const token = await fernetEncrypt(v.src, v.secret, {
        now: at(v.now),
        iv: new Uint8Array(v.iv),
      });
      expect(token).toBe(v.token);
    });
  }

  for (const v of spec.verify) {
    it(`verifies the reference token (${v.src})`, async () => {
      const opened = await fernetDecryptText(v.token, v.secret, { ttl: v.ttl_sec, now: at(v.now) });
      expect(opened).toEqual({ ok: true, value: v.src });
    });
  }

  for (const v of spec.invalid) {
    it(`refuses: ${v.desc}`, async () => {
      const opened = await fernetDecrypt(v.token, v.secret, { ttl: v.ttl_sec, now: at(v.now) });
      expect(opened.ok).toBe(false);
      const expected = EXPECTED_CODES[v.desc];
      if (expected !== undefined && !opened.ok) expect(opened.error.code).toBe(expected);
    });
  }

  // Any further group of cases in the shared file (e.g. tokens made by Python) must pass too:
  // cases with `src` decrypt to it, cases without are refused.
  const extra = Object.entries(spec as Record<string, unknown>).filter(
    ([name, value]) =>
      !['source', 'notes', 'generate', 'verify', 'invalid'].includes(name) && Array.isArray(value),
  ) as [string, Record<string, unknown>[]][];
  for (const [group, cases] of extra) {
    for (const [i, v] of cases.entries()) {
      if (typeof v?.token !== 'string' || typeof v.secret !== 'string') continue;
      it(`handles ${group} case ${i}${typeof v.desc === 'string' ? ` (${v.desc})` : ''}`, async () => {
        const options = {
          ttl: typeof v.ttl_sec === 'number' ? v.ttl_sec : undefined,
          now: typeof v.now === 'string' ? at(v.now) : undefined,
        };
        const opened = await fernetDecryptText(v.token as string, v.secret as string, options);
        if (typeof v.src === 'string') expect(opened).toEqual({ ok: true, value: v.src });
        else expect(opened.ok).toBe(false);
      });
    }
  }

  it('knows every invalid case of the suite by name', () => {
    for (const v of spec.invalid) expect(Object.keys(EXPECTED_CODES)).toContain(v.desc);
  });
});

describe('Fernet (tokens made by Python cryptography)', () => {
  for (const v of python.tokens) {
    it(`decrypts a Python token of ${v.plaintext.length} characters, with and without a ttl`, async () => {
      const now = python.now * 1000;
      expect(await fernetDecryptText(v.token, python.key)).toEqual({
        ok: true,
        value: v.plaintext,
      });
      expect(await fernetDecryptText(v.token, python.key, { ttl: 60, now: now + 60_000 })).toEqual({
        ok: true,
        value: v.plaintext,
      });
      expect(
        await fernetDecryptText(v.token, python.key, { ttl: 60, now: now + 61_000 }),
      ).toMatchObject({
        error: { code: 'FERNET_EXPIRED' },
      });
    });
  }

  it('writes what Python writes for the same key, time and IV', async () => {
    // A Python token carries its IV at bytes 9-25; re-encrypting with it must give the same token.
    const v = python.tokens[0]!;
    const raw = Uint8Array.from(atob(v.token.replace(/-/g, '+').replace(/_/g, '/')), (c) =>
      c.charCodeAt(0),
    );
    const token = await fernetEncrypt(v.plaintext, python.key, {
      now: python.now * 1000,
      iv: raw.subarray(9, 25),
    });
    expect(token).toBe(v.token);
  });

  it("rebuilds the guide's DataEncryption key from password, salt and 100,000 iterations", async () => {
    const g = python.guide;
    const key = await deriveGuideFernetKey(g.password, decodeHex(g.salt_hex)!, {
      iterations: g.iterations,
    });
    expect(await fernetDecryptText(g.text.token, key)).toEqual({
      ok: true,
      value: g.text.plaintext,
    });
    const dict = await fernetDecryptText(g.dict.token, key);
    expect(dict.ok && JSON.parse(dict.value)).toEqual(JSON.parse(g.dict.plaintext));
    // The same key, given as Python prints it.
    expect(await fernetDecryptText(g.text.token, g.fernet_key)).toEqual({
      ok: true,
      value: g.text.plaintext,
    });
    const wrongSalt = await deriveGuideFernetKey(g.password, new Uint8Array(16));
    expect(await fernetDecrypt(g.text.token, wrongSalt)).toMatchObject({
      error: { code: 'FERNET_SIGNATURE_INVALID' },
    });
  });

  it('migrates a Python token to a keyring envelope bound to its row', async () => {
    const keyring = createKeyring({ keys: [{ id: 'k1', key: new Uint8Array(32).fill(3) }] });
    const v = python.tokens[2]!;
    const moved = await migrateFernetToken(v.token, python.key, keyring, { aad: 'rows/7' });
    expect(moved.ok).toBe(true);
    if (!moved.ok) return;
    const opened = await keyring.decrypt(moved.value, { aad: 'rows/7' });
    expect(opened.ok && decodeUtf8(opened.value)).toBe(v.plaintext);
    expect(await migrateFernetToken('gAAAA', python.key, keyring)).toMatchObject({
      error: { code: 'FERNET_MALFORMED' },
    });
  });
});

describe('Fernet (behaviour)', () => {
  const key = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=';

  it('round-trips bytes and honours the clock skew only when a ttl is given (as Python)', async () => {
    const now = Date.UTC(2026, 0, 1);
    const token = await fernetEncrypt(new Uint8Array([0, 1, 2, 255]), key, { now: now + 120_000 });
    expect(await fernetDecrypt(token, key, { now })).toEqual({
      ok: true,
      value: new Uint8Array([0, 1, 2, 255]),
    });
    expect(await fernetDecrypt(token, key, { now, ttl: 600 })).toMatchObject({
      error: { code: 'FERNET_FROM_FUTURE' },
    });
    expect((await fernetDecrypt(token, key, { now, ttl: 600, clockSkew: 121 })).ok).toBe(true);
  });

  it('refuses unpadded, mis-padded and version-changed tokens', async () => {
    const token = await fernetEncrypt('x', key);
    expect(token.endsWith('=')).toBe(true);
    // Padding only ever sits at the end, so cutting at the first '=' removes exactly it.
    const unpadded = token.slice(0, token.indexOf('='));
    expect(await fernetDecrypt(unpadded, key)).toMatchObject({
      error: { code: 'FERNET_MALFORMED' },
    });
    expect(await fernetDecrypt(`${token}==`, key)).toMatchObject({
      error: { code: 'FERNET_MALFORMED' },
    });
    expect(await fernetDecrypt(`h${token.slice(1)}`, key)).toMatchObject({
      error: { code: 'FERNET_MALFORMED' },
    });
  });

  it('reports non-UTF-8 plaintext in the text variant', async () => {
    const token = await fernetEncrypt(new Uint8Array([0xc3]), key);
    expect(await fernetDecryptText(token, key)).toMatchObject({
      error: { code: 'FERNET_NOT_TEXT' },
    });
  });

  it('never throws on arbitrary strings', async () => {
    const prepared = importFernetKey(key);
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 200 }), async (text) => {
        expect((await fernetDecrypt(text, prepared)).ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('throws a fix-it message for a key that is not 32 bytes of url-safe base64', () => {
    expect(() => importFernetKey('short')).toThrow(/32 url-safe base64/);
    expect(() => importFernetKey(key.slice(0, -1))).toThrow(/32 url-safe base64/);
    expect(() => importFernetKey(new Uint8Array(16))).toThrow(/32 url-safe base64/);
  });
});

describe('Fernet time options (issue 19: non-finite options switched the checks off)', () => {
  const key = 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=';
  const stampedAt = Date.parse('2026-01-01T00:00:00Z');

  it('still refuses an expired and a far-future token at the defaults', async () => {
    const token = await fernetEncrypt('x', key, { now: stampedAt });
    const late = await fernetDecrypt(token, key, { ttl: 60, now: stampedAt + 3_600_000 });
    expect(!late.ok && late.error.code).toBe('FERNET_EXPIRED');
    const early = await fernetDecrypt(token, key, { ttl: 60, now: stampedAt - 3_600_000 });
    expect(!early.ok && early.error.code).toBe('FERNET_FROM_FUTURE');
  });

  for (const [name, bad] of [
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['a numeric string', '3600'],
    ['a negative number', -1],
    ['null', null],
  ] as const) {
    it(`refuses ttl, clockSkew and now given as ${name} (a misconfiguration, thrown)`, async () => {
      const token = await fernetEncrypt('x', key, { now: stampedAt });
      for (const option of ['ttl', 'clockSkew', 'now'] as const) {
        const options = { ttl: 60, now: stampedAt, [option]: bad } as never;
        await expect(fernetDecrypt(token, key, options)).rejects.toThrow(
          `fernetDecrypt: ${option} must be a finite number`,
        );
      }
    });
  }

  it('names the option and never echoes a string value', async () => {
    const token = await fernetEncrypt('x', key, { now: stampedAt });
    const err = await fernetDecrypt(token, key, { ttl: 'secret-ish-text' as never }).catch(
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toContain('got string');
    expect((err as Error).message).not.toContain('secret-ish-text');
  });

  it('property: an expired token is refused for every accepted ttl and skew', async () => {
    const token = await fernetEncrypt('x', key, { now: stampedAt });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 86_400 }),
        fc.integer({ min: 0, max: 86_400 }),
        async (ttl, clockSkew) => {
          const now = stampedAt + (ttl + 2) * 1000;
          const opened = await fernetDecrypt(token, key, { ttl, clockSkew, now });
          expect(!opened.ok && opened.error.code).toBe('FERNET_EXPIRED');
          const early = await fernetDecrypt(token, key, {
            ttl,
            clockSkew,
            now: stampedAt - (clockSkew + 2) * 1000,
          });
          expect(!early.ok && early.error.code).toBe('FERNET_FROM_FUTURE');
        },
      ),
      { numRuns: 50 },
    );
  });
});
