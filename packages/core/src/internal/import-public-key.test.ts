// The asymmetric verification primitive, run on both variants: node:crypto under the
// `node` project and Web Crypto under the `edge` project.
import { exportJWK, exportSPKI, generateKeyPair, type KeyObject } from 'jose';
import { describe, expect, it } from 'vitest';
import { HASH_BACKEND, importPublicKey } from '#hash';
import { decodeBase64, utf8 } from './bytes.js';

const SIGN_PARAMS = {
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  EdDSA: { name: 'Ed25519' },
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
} as const;

const spkiOf = (pem: string) => decodeBase64(pem.replace(/-----[A-Z ]+-----|\s/g, ''))!;

describe(`importPublicKey (${HASH_BACKEND})`, () => {
  for (const alg of ['ES256', 'EdDSA', 'RS256'] as const) {
    it(`verifies ${alg} signatures from SPKI, JWK and CryptoKey, and rejects tampered ones`, async () => {
      const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
      const data = utf8('header.payload');
      const signature = new Uint8Array(
        await crypto.subtle.sign(
          SIGN_PARAMS[alg],
          privateKey as CryptoKey,
          data as Uint8Array<ArrayBuffer>,
        ),
      );
      const jwk = await exportJWK(publicKey as KeyObject);
      const sources = [
        { spki: spkiOf(await exportSPKI(publicKey as KeyObject)) },
        { jwk: jwk as JsonWebKey },
        { cryptoKey: publicKey as CryptoKey },
      ];
      for (const source of sources) {
        const key = importPublicKey(alg, source);
        await key.ready();
        expect(key.algorithm).toBe(alg);
        expect(await key.verify(data, signature)).toBe(true);
        expect(await key.verify('header.payload', signature)).toBe(true);
        expect(await key.verify(utf8('header.payloaD'), signature)).toBe(false);
        const flipped = signature.slice();
        flipped[5]! ^= 1;
        expect(await key.verify(data, flipped)).toBe(false);
        expect(await key.verify(data, signature.subarray(1))).toBe(false);
        expect(await key.verify(data, new Uint8Array(0))).toBe(false);
      }
    });
  }

  it('refuses a key that does not fit the algorithm, at import or through ready()', async () => {
    const { publicKey } = await generateKeyPair('RS256', { extractable: true });
    const spki = spkiOf(await exportSPKI(publicKey as KeyObject));
    for (const alg of ['ES256', 'EdDSA'] as const) {
      let problem: unknown;
      try {
        await importPublicKey(alg, { spki }).ready();
      } catch (error) {
        problem = error;
      }
      const message = String(problem);
      expect(message.includes(`${alg} needs`) || message.includes('cannot be imported')).toBe(true);
    }
    let garbage: unknown;
    try {
      await importPublicKey('ES256', { spki: new Uint8Array([1, 2, 3]) }).ready();
    } catch (error) {
      garbage = error;
    }
    expect(String(garbage)).toMatch(/cannot be imported/);
  });
});
