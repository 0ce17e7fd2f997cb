// Runtime-agnostic variant of the hashing primitive (@noble/hashes, synchronous). The
// package's `imports` map selects hash.node.ts instead under the `node` condition; both
// export exactly the same functions and run the same tests.
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { BinaryLike, HashAlgorithm, Hasher, HmacKey } from './hash-types.js';

import { encodeHex } from './bytes.js';

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
