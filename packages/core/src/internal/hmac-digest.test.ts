import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hmac } from '#hash';
import { encodeHex } from './bytes.js';
import { prepareDigestHmac } from './hmac-digest.js';

describe('prepareDigestHmac', () => {
  it('equals HMAC-SHA-256 of the #hash primitive for any key and 32-byte digest', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 150 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (key, digest) => {
          const mac = prepareDigestHmac(key);
          const expected = encodeHex(hmac('sha256', key, digest));
          expect(mac(encodeHex(digest))).toBe(expected);
          // The prepared state is reused: a second call gives the same answer.
          expect(mac(encodeHex(digest))).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a digest that is not 64 hex characters', () => {
    const mac = prepareDigestHmac(new Uint8Array(32));
    expect(() => mac('ab'.repeat(31))).toThrow(TypeError);
    expect(() => mac('zz'.repeat(32))).toThrow(TypeError);
  });
});

describe('prepareDigestHmac input', () => {
  it('refuses a non-ASCII character that masks to a hex digit', () => {
    const mac = prepareDigestHmac(new Uint8Array(32));
    // U+00E1 & 127 is 'a': refused, not read as 'a'.
    expect(() => mac(`${'0'.repeat(63)}\u00e1`)).toThrow(TypeError);
  });
});
