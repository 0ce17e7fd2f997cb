// Runtime-agnostic variant of the block-cipher primitive: Web Crypto (`crypto.subtle`),
// native on every runtime. The package's `imports` map selects cipher.node.ts under the
// `node` condition: Node's Web Crypto copies the input and hops to the thread pool on every
// call, which made a 1 KiB AES-GCM decrypt tens of times slower than node:crypto itself here
// (and a 1 MiB one up to 2.7x, depending on load).
import type { AesCbcKey, AesGcmKey } from './cipher-types.js';

/** Which implementation is in use, for benchmarks and diagnostics. */
export const CIPHER_BACKEND = 'webcrypto' as const;

// Web Crypto's types want views over a plain ArrayBuffer; every array handled here is one.
const source = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => bytes as Uint8Array<ArrayBuffer>;

function lazy(raw: Uint8Array, name: 'AES-GCM' | 'AES-CBC'): () => Promise<CryptoKey> {
  const copy = raw.slice();
  let pending: Promise<CryptoKey> | undefined;
  return () => {
    if (!pending) {
      pending = globalThis.crypto.subtle.importKey('raw', source(copy), { name }, false, [
        'encrypt',
        'decrypt',
      ]);
      pending.catch(() => {
        pending = undefined;
      });
    }
    return pending;
  };
}

function checkKey(raw: Uint8Array, lengths: readonly number[]): void {
  if (!(raw instanceof Uint8Array) || !lengths.includes(raw.length)) {
    throw new TypeError(`AES key must be ${lengths.join(' or ')} bytes`);
  }
}

/** Prepares an AES-GCM key (16 or 32 bytes); imported into Web Crypto on first use. */
export function importAesGcmKey(raw: Uint8Array): AesGcmKey {
  checkKey(raw, [16, 32]);
  const key = lazy(raw, 'AES-GCM');
  return {
    async seal(nonce, plaintext, aad, prefix) {
      const sealed = await globalThis.crypto.subtle.encrypt(
        { name: 'AES-GCM', iv: source(nonce), additionalData: source(aad), tagLength: 128 },
        await key(),
        source(plaintext),
      );
      const out = new Uint8Array(prefix.length + sealed.byteLength);
      out.set(prefix, 0);
      out.set(new Uint8Array(sealed), prefix.length);
      return out;
    },
    async open(nonce, sealed, aad) {
      if (nonce.length !== 12 || sealed.length < 16) return undefined;
      try {
        const plain = await globalThis.crypto.subtle.decrypt(
          { name: 'AES-GCM', iv: source(nonce), additionalData: source(aad), tagLength: 128 },
          await key(),
          source(sealed),
        );
        return new Uint8Array(plain);
      } catch {
        return undefined;
      }
    },
  };
}

/** Prepares an AES-CBC key (16 or 32 bytes) with PKCS#7 padding. */
export function importAesCbcKey(raw: Uint8Array): AesCbcKey {
  checkKey(raw, [16, 32]);
  const key = lazy(raw, 'AES-CBC');
  return {
    async encrypt(iv, plaintext) {
      const out = await globalThis.crypto.subtle.encrypt(
        { name: 'AES-CBC', iv: source(iv) },
        await key(),
        source(plaintext),
      );
      return new Uint8Array(out);
    },
    async decrypt(iv, ciphertext) {
      if (iv.length !== 16 || ciphertext.length === 0 || ciphertext.length % 16 !== 0) {
        return undefined;
      }
      try {
        const out = await globalThis.crypto.subtle.decrypt(
          { name: 'AES-CBC', iv: source(iv) },
          await key(),
          source(ciphertext),
        );
        return new Uint8Array(out);
      } catch {
        return undefined;
      }
    },
  };
}
