// The #hash base64url helpers must agree with the strict reference decoder in bytes.ts on
// both variants (node:crypto Buffer under `node`, pure JS under `edge`).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeBase64UrlStrict,
  decodeBase64UrlUtf8,
  encodeBase64UrlData,
  HASH_BACKEND,
  importHmacKey,
} from '#hash';
import { decodeBase64Url, decodeUtf8, encodeBase64Url, utf8 } from './bytes.js';

describe(`#hash base64url helpers (${HASH_BACKEND})`, () => {
  it('encode bytes and strings exactly like encodeBase64Url', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 80 }),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        (bytes, text) => {
          expect(encodeBase64UrlData(bytes)).toBe(encodeBase64Url(bytes));
          expect(encodeBase64UrlData(text)).toBe(encodeBase64Url(utf8(text)));
          const offset = bytes.subarray(Math.min(3, bytes.length));
          expect(encodeBase64UrlData(offset)).toBe(encodeBase64Url(offset));
        },
      ),
    );
  });

  it('accept exactly the spellings the strict reference decoder accepts', () => {
    const alphabet = fc.constantFrom(...'AQgwYZaz09-_+/= \n\t.é');
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: alphabet, maxLength: 16 }), fc.string({ maxLength: 16 })),
        (text) => {
          expect(decodeBase64UrlStrict(text)).toEqual(decodeBase64Url(text));
          const bytes = decodeBase64Url(text);
          expect(decodeBase64UrlUtf8(text)).toBe(
            bytes === undefined ? undefined : decodeUtf8(bytes),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuse padding, whitespace, spare bits and invalid UTF-8', () => {
    expect(decodeBase64UrlStrict('YQ')).toEqual(new Uint8Array([97]));
    for (const bad of ['YQ==', 'YR', 'Y Q', 'YQ\n', 'a+b/', 'A'])
      expect(decodeBase64UrlStrict(bad)).toBeUndefined();
    expect(decodeBase64UrlUtf8(encodeBase64Url(new Uint8Array([0x7b, 0xff])))).toBeUndefined();
    expect(decodeBase64UrlUtf8(encodeBase64Url(utf8('\uFEFF{}')))).toBe('\uFEFF{}');
  });
});

describe(`HmacKey.signBase64Url (${HASH_BACKEND})`, () => {
  it('is the base64url of sign() for every algorithm', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('sha256', 'sha384', 'sha512'),
        fc.uint8Array({ maxLength: 70 }),
        fc.string({ maxLength: 40 }),
        (algorithm, key, data) => {
          const prepared = importHmacKey(algorithm, key);
          expect(prepared.signBase64Url(data)).toBe(encodeBase64Url(prepared.sign(data)));
          expect(prepared.signBase64Url(utf8(data))).toBe(encodeBase64Url(prepared.sign(data)));
        },
      ),
      { numRuns: 100 },
    );
  });
});
