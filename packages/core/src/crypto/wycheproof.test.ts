// Wycheproof (C2SP) AES-256-GCM and HMAC-SHA256 subsets: see test-vectors/SOURCE.md.
import { describe, expect, it } from 'vitest';
import { importAesGcmKey } from '#cipher';
import { importHmacKey } from '#hash';
import { decodeHex, encodeHex } from '../internal/bytes.js';
import { timingSafeEqual } from '../internal/constant-time.js';
import { deriveSubkey } from './derive-subkey.js';
import { createKeyring } from './keyring.js';
import gcm from './test-vectors/wycheproof-aes-gcm-256.json';
import hkdf from './test-vectors/wycheproof-hkdf-sha256.json';
import mac from './test-vectors/wycheproof-hmac-sha256.json';
import pbkdf2 from './test-vectors/wycheproof-pbkdf2-hmacsha256.json';
import { pbkdf2Sha256 } from './web-crypto.js';

const hex = (s: string): Uint8Array => decodeHex(s)!;

describe('Wycheproof AES-256-GCM (96-bit IV, 128-bit tag)', () => {
  const tests = gcm.testGroups.flatMap((g) => g.tests);

  it('covers valid and invalid cases', () => {
    expect(tests.filter((t) => t.result === 'valid').length).toBeGreaterThan(15);
    expect(tests.filter((t) => t.result === 'invalid').length).toBeGreaterThan(20);
  });

  for (const t of tests) {
    it(`tcId ${t.tcId} (${t.result}${t.comment ? `: ${t.comment}` : ''})`, async () => {
      const key = importAesGcmKey(hex(t.key));
      const opened = await key.open(hex(t.iv), hex(t.ct + t.tag), hex(t.aad));
      if (t.result === 'valid') {
        expect(opened && encodeHex(opened)).toBe(t.msg);
        const sealed = await key.seal(hex(t.iv), hex(t.msg), hex(t.aad), new Uint8Array(0));
        expect(encodeHex(sealed)).toBe(t.ct + t.tag);
      } else {
        expect(opened).toBeUndefined();
      }
    });
  }

  it('rejects every bit flip of nonce, ciphertext, tag and associated data, and every truncation', async () => {
    // tcId 102: a valid case with both a message and associated data.
    const t = tests.find((x) => x.tcId === 102)!;
    const key = importAesGcmKey(hex(t.key));
    const iv = hex(t.iv);
    const sealed = hex(t.ct + t.tag);
    const aad = hex(t.aad);
    const opened = await key.open(iv, sealed, aad);
    expect(opened && encodeHex(opened)).toBe(t.msg);
    const flips = (bytes: Uint8Array) =>
      Array.from({ length: bytes.length * 8 }, (_, bit) => {
        const copy = bytes.slice();
        copy[bit >> 3]! ^= 1 << (bit & 7);
        return copy;
      });
    for (const bad of flips(iv)) expect(await key.open(bad, sealed, aad)).toBeUndefined();
    for (const bad of flips(sealed)) expect(await key.open(iv, bad, aad)).toBeUndefined();
    for (const bad of flips(aad)) expect(await key.open(iv, sealed, bad)).toBeUndefined();
    for (let n = 0; n < sealed.length; n++) {
      expect(await key.open(iv, sealed.subarray(0, n), aad)).toBeUndefined();
    }
  });

  it('opens the Wycheproof ciphertexts through the keyring envelope format too', async () => {
    const t = tests.find((x) => x.tcId === 101)!;
    const keyring = createKeyring({ keys: [{ id: 'w', key: hex(t.key) }] });
    // header (version, id length, id) + nonce + ciphertext + tag; the header joins the AAD,
    // so the keyring seals the same message to a different tag; it must round-trip.
    const sealed = await keyring.encrypt(hex(t.msg), { aad: hex(t.aad) });
    const opened = await keyring.decrypt(sealed, { aad: hex(t.aad) });
    expect(opened.ok && encodeHex(opened.value)).toBe(t.msg);
  });
});

describe('Wycheproof HMAC-SHA256 (full 256-bit tags)', () => {
  const tests = mac.testGroups.flatMap((g) => g.tests);
  for (const t of tests) {
    it(`tcId ${t.tcId} (${t.result}${t.comment ? `: ${t.comment}` : ''})`, () => {
      const computed = importHmacKey('sha256', hex(t.key)).sign(hex(t.msg));
      expect(timingSafeEqual(computed, hex(t.tag))).toBe(t.result === 'valid');
    });
  }
});

describe('Wycheproof HKDF-SHA256 (deriveSubkey)', () => {
  const tests = hkdf.testGroups.flatMap((g) => g.tests);
  for (const t of tests) {
    it(`tcId ${t.tcId} (${t.flags.join(', ') || t.comment})`, () => {
      const okm = deriveSubkey(hex(t.ikm), hex(t.info), { salt: hex(t.salt), length: t.size });
      expect(encodeHex(okm)).toBe(t.okm);
    });
  }

  it('refuses an output longer than 255 blocks (Wycheproof SizeTooLarge)', () => {
    expect(() =>
      deriveSubkey(hex(tests[0]!.ikm), new Uint8Array(0), { length: 255 * 32 + 1 }),
    ).toThrow(/length/);
    expect(deriveSubkey(hex(tests[0]!.ikm), new Uint8Array(0), { length: 255 * 32 }).length).toBe(
      8160,
    );
  });
});

describe('Wycheproof PBKDF2-HMAC-SHA256 (Web Crypto deriveBits)', () => {
  for (const t of pbkdf2.testGroups.flatMap((g) => g.tests)) {
    it(`tcId ${t.tcId} (${t.flags.join(', ')}, ${t.iterationCount} iterations)`, async () => {
      const dk = await pbkdf2Sha256(hex(t.password), hex(t.salt), t.iterationCount, t.dkLen);
      expect(encodeHex(dk)).toBe(t.dk);
    });
  }
});
