// Node variant of the block-cipher primitive: node:crypto directly. Node's Web Crypto copies
// the input and hops to the thread pool on every call: tens of times the cost of this for a
// 1 KiB AES-GCM decrypt, up to 2.7x for 1 MiB. Selected by the `node` import condition; same
// exports as cipher.ts.
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject } from 'node:crypto';
import type { AesCbcKey, AesGcmKey } from './cipher-types.js';

/** Which implementation is in use, for benchmarks and diagnostics. */
export const CIPHER_BACKEND = 'node' as const;

const view = (b: Buffer): Uint8Array => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

function checkKey(raw: Uint8Array, lengths: readonly number[]): KeyObject {
  if (!(raw instanceof Uint8Array) || !lengths.includes(raw.length)) {
    throw new TypeError(`AES key must be ${lengths.join(' or ')} bytes`);
  }
  return createSecretKey(raw);
}

/** Prepares an AES-GCM key (16 or 32 bytes) as a KeyObject. */
export function importAesGcmKey(raw: Uint8Array): AesGcmKey {
  const key = checkKey(raw, [16, 32]);
  const algorithm = raw.length === 32 ? 'aes-256-gcm' : 'aes-128-gcm';
  return {
    seal(nonce, plaintext, aad, prefix) {
      const cipher = createCipheriv(algorithm, key, nonce, { authTagLength: 16 });
      if (aad.length > 0) cipher.setAAD(aad);
      const body = cipher.update(plaintext);
      const last = cipher.final();
      return Promise.resolve(view(Buffer.concat([prefix, body, last, cipher.getAuthTag()])));
    },
    open(nonce, sealed, aad) {
      if (nonce.length !== 12 || sealed.length < 16) return Promise.resolve(undefined);
      try {
        const decipher = createDecipheriv(algorithm, key, nonce, { authTagLength: 16 });
        if (aad.length > 0) decipher.setAAD(aad);
        decipher.setAuthTag(sealed.subarray(sealed.length - 16));
        const body = decipher.update(sealed.subarray(0, sealed.length - 16));
        // final() throws when the tag does not match; the unauthenticated output is dropped.
        const last = decipher.final();
        return Promise.resolve(view(last.length === 0 ? body : Buffer.concat([body, last])));
      } catch {
        return Promise.resolve(undefined);
      }
    },
  };
}

/** Prepares an AES-CBC key (16 or 32 bytes) with PKCS#7 padding. */
export function importAesCbcKey(raw: Uint8Array): AesCbcKey {
  const key = checkKey(raw, [16, 32]);
  const algorithm = raw.length === 32 ? 'aes-256-cbc' : 'aes-128-cbc';
  return {
    encrypt(iv, plaintext) {
      const cipher = createCipheriv(algorithm, key, iv);
      return Promise.resolve(view(Buffer.concat([cipher.update(plaintext), cipher.final()])));
    },
    decrypt(iv, ciphertext) {
      if (iv.length !== 16 || ciphertext.length === 0 || ciphertext.length % 16 !== 0) {
        return Promise.resolve(undefined);
      }
      try {
        const decipher = createDecipheriv(algorithm, key, iv);
        return Promise.resolve(
          view(Buffer.concat([decipher.update(ciphertext), decipher.final()])),
        );
      } catch {
        return Promise.resolve(undefined);
      }
    },
  };
}
