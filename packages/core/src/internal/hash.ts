// Runtime-agnostic variant of the hashing primitive (@noble/hashes, synchronous). The
// package's `imports` map selects hash.node.ts instead under the `node` condition; both
// export exactly the same functions and run the same tests.
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { decodeBase64Url, decodeUtf8, encodeBase64Url, encodeHex } from './bytes.js';
import type {
  BinaryLike,
  HashAlgorithm,
  Hasher,
  HmacKey,
  PublicKeySource,
  PublicKeyVerifier,
  SignatureAlgorithm,
} from './hash-types.js';

const FUNCTIONS = { sha256, sha384, sha512 } as const;
const encoder = new TextEncoder();

const toBytes = (data: BinaryLike): Uint8Array =>
  typeof data === 'string' ? encoder.encode(data) : data;

/** Which implementation is in use, for benchmarks and diagnostics. */
export const HASH_BACKEND = 'noble' as const;

/** One-shot digest of `data`. */
export function hash(algorithm: HashAlgorithm, data: BinaryLike): Uint8Array {
  return FUNCTIONS[algorithm](toBytes(data));
}

/** An incremental hash. */
export function createHasher(algorithm: HashAlgorithm): Hasher {
  const state = FUNCTIONS[algorithm].create();
  const hasher: Hasher = {
    update(data) {
      state.update(toBytes(data));
      return hasher;
    },
    digest: () => state.digest(),
  };
  return hasher;
}

/** Prepares an HMAC key once: the inner and outer pad states are computed here, not per call. */
export function importHmacKey(algorithm: HashAlgorithm, key: Uint8Array): HmacKey {
  const prepared = nobleHmac.create(FUNCTIONS[algorithm], key);
  return {
    algorithm,
    sign(data) {
      // Cloning the keyed state skips the key schedule on every message.
      return prepared.clone().update(toBytes(data)).digest();
    },
    signBase64Url(data) {
      return encodeBase64Url(prepared.clone().update(toBytes(data)).digest());
    },
    signParts(parts) {
      const mac = prepared.clone();
      for (const part of parts) mac.update(toBytes(part));
      return mac.digest();
    },
  };
}

/** One-shot HMAC. Prefer importHmacKey when the key is used more than once. */
export function hmac(algorithm: HashAlgorithm, key: Uint8Array, data: BinaryLike): Uint8Array {
  return nobleHmac(FUNCTIONS[algorithm], key, toBytes(data));
}

/** Lower-case hex digest of `data`. */
export function hashHex(algorithm: HashAlgorithm, data: BinaryLike): string {
  return encodeHex(FUNCTIONS[algorithm](toBytes(data)));
}

const WEB_CRYPTO = {
  ES256: {
    importParams: { name: 'ECDSA', namedCurve: 'P-256' },
    verifyParams: { name: 'ECDSA', hash: 'SHA-256' },
  },
  EdDSA: { importParams: { name: 'Ed25519' }, verifyParams: { name: 'Ed25519' } },
  RS256: {
    importParams: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    verifyParams: { name: 'RSASSA-PKCS1-v1_5' },
  },
} as const;

function describeKeyMismatch(algorithm: SignatureAlgorithm, key: CryptoKey): string | undefined {
  const alg = key.algorithm as { name: string; namedCurve?: string; modulusLength?: number };
  if (key.type !== 'public') return `${algorithm} verification needs a public key`;
  if (algorithm === 'ES256' && (alg.name !== 'ECDSA' || alg.namedCurve !== 'P-256')) {
    return 'ES256 needs a P-256 EC public key';
  }
  if (algorithm === 'EdDSA' && alg.name !== 'Ed25519') return 'EdDSA needs an Ed25519 public key';
  if (
    algorithm === 'RS256' &&
    (alg.name !== 'RSASSA-PKCS1-v1_5' || (alg.modulusLength ?? 0) < 2048)
  ) {
    return 'RS256 needs an RSA public key of at least 2048 bits';
  }
  return undefined;
}

/**
 * Imports a public key once as a Web Crypto key bound to `algorithm`. Web Crypto imports
 * are asynchronous, so the import starts here and `verify` waits for it on first use;
 * `ready()` reports an unusable key with a fix-it message.
 */
export function importPublicKey(
  algorithm: SignatureAlgorithm,
  source: PublicKeySource,
): PublicKeyVerifier {
  const params = WEB_CRYPTO[algorithm];
  let key: CryptoKey | undefined;
  let problem: string | undefined;
  const imported: Promise<CryptoKey> =
    'cryptoKey' in source
      ? Promise.resolve(source.cryptoKey)
      : 'jwk' in source
        ? crypto.subtle.importKey('jwk', source.jwk, params.importParams, false, ['verify'])
        : crypto.subtle.importKey(
            'spki',
            source.spki as Uint8Array<ArrayBuffer>,
            params.importParams,
            false,
            ['verify'],
          );
  // Settles without ever rejecting, so an unused broken key is no unhandled rejection.
  const settled = imported.then(
    (k) => {
      problem = describeKeyMismatch(algorithm, k);
      if (!problem) key = k;
    },
    () => {
      problem = `${algorithm} public key cannot be imported: pass a SPKI PEM or a public JWK`;
    },
  );
  const check = async (data: BinaryLike, signature: Uint8Array): Promise<boolean> => {
    if (!key) await settled;
    if (!key) return false;
    try {
      return await crypto.subtle.verify(
        params.verifyParams,
        key,
        signature as Uint8Array<ArrayBuffer>,
        toBytes(data) as Uint8Array<ArrayBuffer>,
      );
    } catch {
      return false;
    }
  };
  return {
    algorithm,
    verify: check,
    ready: () => settled.then(() => (problem ? Promise.reject(new TypeError(problem)) : undefined)),
  };
}

/** base64url (no padding) of bytes, or of a string's UTF-8. */
export function encodeBase64UrlData(data: BinaryLike): string {
  return encodeBase64Url(toBytes(data));
}

/** Strict base64url decoding (one spelling per byte string); undefined otherwise. */
export function decodeBase64UrlStrict(text: string): Uint8Array | undefined {
  return decodeBase64Url(text);
}

/** Strict base64url of valid UTF-8, decoded to text (a BOM is kept); undefined otherwise. */
export function decodeBase64UrlUtf8(text: string): string | undefined {
  const bytes = decodeBase64Url(text);
  return bytes === undefined ? undefined : decodeUtf8(bytes);
}
