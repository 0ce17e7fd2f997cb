// Runtime-agnostic variant of the key-derivation primitive: scrypt from @noble/hashes (its
// async form yields to the event loop between blocks). The package's `imports` map selects
// kdf.node.ts instead under the `node` condition, where node:crypto runs scrypt natively
// on the thread pool. PBKDF2 needs no variant: Web Crypto's deriveBits is native everywhere.
import { scryptAsync } from '@noble/hashes/scrypt.js';
import type { ScryptParams } from './kdf-types.js';

/** Which implementation is in use, for benchmarks and diagnostics. */
export const KDF_BACKEND = 'noble' as const;

/** scrypt (RFC 7914) of `password` and `salt`; the caller bounds N, r and p beforehand. */
export function scrypt(
  password: Uint8Array,
  salt: Uint8Array,
  params: ScryptParams,
): Promise<Uint8Array> {
  return scryptAsync(password, salt, {
    N: params.N,
    r: params.r,
    p: params.p,
    dkLen: params.dkLen,
    maxmem: 128 * params.N * params.r * (params.p + 1) + 1024 * 1024,
  });
}
