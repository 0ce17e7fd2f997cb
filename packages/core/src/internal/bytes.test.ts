import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeBase64,
  decodeBase64Url,
  decodeHex,
  encodeBase64,
  encodeBase64Url,
  encodeHex,
} from './bytes.js';

describe('strict encodings', () => {
  it('round-trips any bytes through base64url, base64 and hex', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(decodeBase64Url(encodeBase64Url(bytes))).toEqual(bytes);
        expect(decodeBase64(encodeBase64(bytes))).toEqual(bytes);
        expect(decodeHex(encodeHex(bytes))).toEqual(bytes);
      }),
    );
  });

  it('gives every byte string exactly one accepted base64url spelling', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (text) => {
        const bytes = decodeBase64Url(text);
        if (bytes) expect(encodeBase64Url(bytes)).toBe(text);
      }),
    );
  });

  it('rejects padding, whitespace, non-zero spare bits and foreign alphabets', () => {
    expect(decodeBase64Url('YQ')).toEqual(new Uint8Array([97]));
    expect(decodeBase64Url('YQ==')).toBeUndefined();
    expect(decodeBase64Url('YR')).toBeUndefined(); // spare bits set: a second spelling of "a"
    expect(decodeBase64Url('Y Q')).toBeUndefined();
    expect(decodeBase64Url('a+b/')).toBeUndefined();
    expect(decodeBase64Url('A')).toBeUndefined();
    expect(decodeBase64('YQ')).toBeUndefined();
    expect(decodeBase64('YQ==')).toEqual(new Uint8Array([97]));
    expect(decodeBase64('YR==')).toBeUndefined();
    expect(decodeBase64('YQ=a')).toBeUndefined();
    expect(decodeHex('0g')).toBeUndefined();
  });
});
