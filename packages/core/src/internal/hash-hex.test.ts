import { describe, expect, it } from 'vitest';
import { hash, hashHex } from '#hash';
import { encodeHex } from './bytes.js';

describe('#hash hashHex', () => {
  it('gives the lower-case hex of the digest (FIPS 180-2 "abc" vector)', () => {
    expect(hashHex('sha256', 'abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('agrees with hash() for strings and bytes of every algorithm', () => {
    for (const algorithm of ['sha256', 'sha384', 'sha512'] as const) {
      for (const data of ['', 'héllo', new Uint8Array([0, 255, 7])]) {
        expect(hashHex(algorithm, data)).toBe(encodeHex(hash(algorithm, data)));
      }
    }
  });
});
