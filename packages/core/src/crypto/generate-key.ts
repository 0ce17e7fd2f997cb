import { type RandomSource, randomBytes } from '../internal/random.js';

/**
 * Generates a random 256-bit key for AES-256-GCM envelopes, HKDF or pseudonyms.
 *
 * @param random - Source of random bytes; defaults to the runtime's Web Crypto.
 * @returns 32 fresh random bytes. Store them in a secret manager; never log them.
 * @example
 * ```ts
 * const key = generateKey();
 * const keyring = createKeyring({ keys: [{ id: '2026-01', key }] });
 * ```
 */
export function generateKey(random: RandomSource = randomBytes): Uint8Array {
  const key = random(32);
  if (!(key instanceof Uint8Array) || key.length !== 32) {
    throw new TypeError('generateKey: the random source must return exactly 32 bytes');
  }
  return key;
}
