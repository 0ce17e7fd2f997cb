import rfc4231 from '@vectors/rfc4231-hmac-sha256.json';
import { describe, expect, it } from 'vitest';
import { createHasher, hash, hmac, importHmacKey } from '#hash';
import { decodeHex, encodeHex, utf8 } from './bytes.js';

describe('#hash primitive', () => {
  for (const v of rfc4231.vectors) {
    it(`matches RFC 4231 test case ${v.test_case} (one-shot and prepared key)`, () => {
      const key = decodeHex(v.key_hex)!;
      const data = decodeHex(v.data_hex)!;
      expect(encodeHex(hmac('sha256', key, data))).toBe(v.hmac_sha256_hex);
      const prepared = importHmacKey('sha256', key);
      expect(encodeHex(prepared.sign(data))).toBe(v.hmac_sha256_hex);
      // A prepared key gives the same answer every time (its state is cloned, not consumed).
      expect(encodeHex(prepared.sign(data))).toBe(v.hmac_sha256_hex);
      // Split into parts (bytes and text mixed): the same MAC as over the whole.
      const cut = data.length >> 1;
      expect(encodeHex(prepared.signParts([data.subarray(0, cut), data.subarray(cut)]))).toBe(
        v.hmac_sha256_hex,
      );
    });
  }

  it('accepts an empty HMAC key, which RFC 2104 allows', () => {
    expect(encodeHex(importHmacKey('sha256', new Uint8Array(0)).sign(''))).toBe(
      'b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad',
    );
  });

  it('hashes strings as UTF-8 and incrementally to the same digest', () => {
    const whole = hash('sha512', 'héllo wörld');
    const parts = createHasher('sha512').update('héllo ').update(utf8('wörld')).digest();
    expect(encodeHex(parts)).toBe(encodeHex(whole));
    expect(encodeHex(hash('sha256', 'abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(hash('sha384', '').length).toBe(48);
  });
});
