import { describe, expect, it } from 'vitest';
import { importAesCbcKey, importAesGcmKey } from '#cipher';
import { decodeHex, encodeHex } from './bytes.js';

// The GCM specification's test case 16 (McGrew and Viega): AES-256, 96-bit IV, with AAD.
const TC16 = {
  key: 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308',
  iv: 'cafebabefacedbaddecaf888',
  pt: 'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39',
  aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
  ct: '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662',
  tag: '76fc6ece0f4e1768cddf8853bb2d551b',
};

describe('#cipher primitive', () => {
  it('reproduces GCM test case 16 and writes the prefix in front of it', async () => {
    const key = importAesGcmKey(decodeHex(TC16.key)!);
    const prefix = new Uint8Array([1, 2, 3]);
    const out = await key.seal(
      decodeHex(TC16.iv)!,
      decodeHex(TC16.pt)!,
      decodeHex(TC16.aad)!,
      prefix,
    );
    expect(encodeHex(out)).toBe(`010203${TC16.ct}${TC16.tag}`);
    const plain = await key.open(
      decodeHex(TC16.iv)!,
      decodeHex(TC16.ct + TC16.tag)!,
      decodeHex(TC16.aad)!,
    );
    expect(encodeHex(plain!)).toBe(TC16.pt);
  });

  it('returns undefined, never throws, for a wrong tag, a short input or a bad nonce length', async () => {
    const key = importAesGcmKey(decodeHex(TC16.key)!);
    const sealed = decodeHex(TC16.ct + TC16.tag)!;
    sealed[sealed.length - 1]! ^= 1;
    expect(await key.open(decodeHex(TC16.iv)!, sealed, decodeHex(TC16.aad)!)).toBeUndefined();
    expect(
      await key.open(decodeHex(TC16.iv)!, new Uint8Array(15), new Uint8Array(0)),
    ).toBeUndefined();
    expect(
      await key.open(new Uint8Array(8), decodeHex(TC16.ct + TC16.tag)!, new Uint8Array(0)),
    ).toBeUndefined();
  });

  it('round-trips AES-CBC with PKCS#7 padding and rejects broken padding', async () => {
    const key = importAesCbcKey(new Uint8Array(16).fill(7));
    const iv = new Uint8Array(16).fill(1);
    const ct = await key.encrypt(iv, new Uint8Array([104, 105]));
    expect(ct.length).toBe(16);
    expect(await key.decrypt(iv, ct)).toEqual(new Uint8Array([104, 105]));
    expect(await key.decrypt(iv, ct.subarray(0, 15))).toBeUndefined();
    const other = importAesCbcKey(new Uint8Array(16).fill(8));
    // A different key almost always leaves an invalid padding byte; over 64 IVs at least one must.
    let rejected = 0;
    for (let i = 0; i < 64; i++)
      if ((await other.decrypt(new Uint8Array(16).fill(i), ct)) === undefined) rejected++;
    expect(rejected).toBeGreaterThan(0);
  });

  it('refuses key lengths AES does not have', () => {
    expect(() => importAesGcmKey(new Uint8Array(24 + 1))).toThrow(/AES key/);
    expect(() => importAesCbcKey(new Uint8Array(8))).toThrow(/AES key/);
  });
});
