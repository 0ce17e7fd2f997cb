// Node variant of the key-derivation primitive: node:crypto's scrypt runs natively on the
// libuv thread pool, several times faster than pure JavaScript and off the main thread.
// Selected by the `node` import condition; exports exactly what kdf.ts exports.
import { scrypt as nodeScrypt } from 'node:crypto';
import type { ScryptParams } from './kdf-types.js';

/** Which implementation is in use, for benchmarks and diagnostics. */
export const KDF_BACKEND = 'node' as const;

/** scrypt (RFC 7914) of `password` and `salt`; the caller bounds N, r and p beforehand. */
export function scrypt(
  password: Uint8Array,
  salt: Uint8Array,
  params: ScryptParams,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    nodeScrypt(
      password,
      salt,
      params.dkLen,
      {
        N: params.N,
        r: params.r,
        p: params.p,
        // node:crypto refuses anything above 32 MiB by default; the caller already capped
        // the cost, so allow exactly what these parameters need.
        maxmem: 128 * params.N * params.r * (params.p + 1) + 1024 * 1024,
      },
      (error, key) => {
        if (error) reject(error);
        else resolve(new Uint8Array(key.buffer, key.byteOffset, key.byteLength));
      },
    );
  });
}
