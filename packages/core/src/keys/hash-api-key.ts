import { hashHex, importHmacKey } from '#hash';
import { encodeHex, utf8 } from '../internal/bytes.js';

/** Minimum pepper length: 32 bytes (256 bits), the size of the HMAC-SHA-256 output. */
export const MIN_API_KEY_PEPPER_BYTES = 32;

/** Options of {@link createApiKeyHasher} and {@link hashApiKey}. */
export interface ApiKeyHashOptions {
  /**
   * A server-side secret of at least 32 bytes. With it, stored hashes are HMAC-SHA-256
   * under the pepper, so a leaked key table cannot even confirm a guessed key without the
   * pepper. Without it, plain SHA-256 (sound for 256-bit random keys, which cannot be
   * brute-forced). Changing the pepper invalidates every stored hash.
   */
  readonly pepper?: Uint8Array | string | undefined;
}

/** Turns keys into the lower-case hex string the store is indexed by. */
export interface ApiKeyHasher {
  /** True when an HMAC pepper is in use. */
  readonly peppered: boolean;
  /** 64 lower-case hex characters. */
  hash(key: string): string;
}

const plainHasher: ApiKeyHasher = Object.freeze({
  peppered: false,
  hash: (key: string) => hashHex('sha256', key),
});

/**
 * Prepares an API key hasher once: with a pepper, the HMAC key schedule runs here, never
 * per call.
 *
 * @param options - `pepper`: optional server secret (>= 32 bytes).
 * @returns An {@link ApiKeyHasher}.
 * @throws TypeError when the pepper is shorter than 32 bytes.
 * @example
 * ```ts
 * const hasher = createApiKeyHasher({ pepper: secretBytes });
 * const stored = hasher.hash(key); // 64 hex characters
 * ```
 */
export function createApiKeyHasher(options?: ApiKeyHashOptions): ApiKeyHasher {
  const pepper = options?.pepper;
  if (pepper === undefined) return plainHasher;
  const bytes = typeof pepper === 'string' ? utf8(pepper) : pepper;
  if (!(bytes instanceof Uint8Array) || bytes.length < MIN_API_KEY_PEPPER_BYTES) {
    throw new TypeError(
      `API key pepper must be at least ${MIN_API_KEY_PEPPER_BYTES} bytes of secret material (e.g. 32 random bytes, kept in your secret manager).`,
    );
  }
  const key = importHmacKey('sha256', bytes);
  return Object.freeze({ peppered: true, hash: (apiKey: string) => encodeHex(key.sign(apiKey)) });
}

/**
 * The storage hash of an API key: SHA-256, or HMAC-SHA-256 under a pepper, as 64 lower-case
 * hex characters. Store this, never the key. For repeated use with a pepper, prepare a
 * hasher once with {@link createApiKeyHasher} instead.
 *
 * @param key - The full API key.
 * @param options - Optional `pepper`.
 * @returns The hex hash.
 * @throws TypeError when the pepper is too short.
 * @example
 * ```ts
 * hashApiKey('jaf_test_...'); // 'a3f1...' (64 hex characters)
 * ```
 */
export function hashApiKey(key: string, options?: ApiKeyHashOptions): string {
  return (options?.pepper === undefined ? plainHasher : createApiKeyHasher(options)).hash(key);
}
