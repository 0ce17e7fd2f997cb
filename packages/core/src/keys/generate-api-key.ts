import { type RandomSource, randomBytes } from '../internal/random.js';
import { encodeUint32Base62, randomBase62 } from './base62.js';
import { crc32Ascii } from './crc32.js';
import { type ApiKeyHasher, createApiKeyHasher } from './hash-api-key.js';
import { API_KEY_SECRET_LENGTH, assertLabel, DEFAULT_API_KEY_PREFIX } from './parse-api-key.js';

/** Options of {@link generateApiKey}. */
export interface GenerateApiKeyOptions {
  /** Lower-case letters and digits, starting with a letter. Default `jaf`. */
  readonly prefix?: string | undefined;
  /** Environment label, e.g. `live` or `test`. Default `live`. */
  readonly environment?: string | undefined;
  /** Hasher for the returned `hash` (must be the one verification uses). Default: plain SHA-256. */
  readonly hasher?: ApiKeyHasher | undefined;
  /** Random source, for reproducible tests. Default: Web Crypto. */
  readonly random?: RandomSource | undefined;
}

/** A freshly generated key. Show `key` once to its owner; store `hash`; display `hint`. */
export interface GeneratedApiKey {
  /** The secret. Never stored, never logged. */
  readonly key: string;
  /** Public identifier (`key_` + 20 base62 characters), independent of the secret. */
  readonly id: string;
  /** Storage hash (64 hex characters). */
  readonly hash: string;
  /** Safe to display: `jaf_live_...Ab3d` (prefix, environment, last 4 characters). */
  readonly hint: string;
}

/** Characters of the public id after `key_` (about 119 bits). */
const ID_LENGTH = 20;

/** A key's display hint: prefix and environment plus the last 4 characters, never enough to use. */
export function describeApiKeyHint(prefix: string, environment: string, key: string): string {
  return `${prefix}_${environment}_...${key.slice(-4)}`;
}

/**
 * Generates an API key `<prefix>_<environment>_<43 base62 random characters><6-character
 * base62 CRC-32>`: 256 bits of randomness, a checksum that lets `parseApiKey` refuse typos
 * offline, and a fixed shape secret scanners can match
 * (`\b<prefix>_[a-z][a-z0-9]{0,15}_[0-9A-Za-z]{49}\b`).
 *
 * @param options - `prefix` (default `jaf`), `environment` (default `live`), `hasher`, `random`.
 * @returns `{ key, id, hash, hint }`.
 * @throws TypeError when the prefix or environment is not a valid label.
 * @example
 * ```ts
 * const { key, id, hash, hint } = generateApiKey({ environment: 'test' });
 * // key:  jaf_test_4hT...Qz0kP2a9
 * // hint: jaf_test_...P2a9
 * ```
 */
export function generateApiKey(options?: GenerateApiKeyOptions): GeneratedApiKey {
  const prefix = options?.prefix ?? DEFAULT_API_KEY_PREFIX;
  const environment = options?.environment ?? 'live';
  assertLabel('prefix', prefix);
  assertLabel('environment', environment);
  const random = options?.random ?? randomBytes;
  const hasher = options?.hasher ?? createApiKeyHasher();
  const body = `${prefix}_${environment}_${randomBase62(API_KEY_SECRET_LENGTH, random)}`;
  const key = body + encodeUint32Base62(crc32Ascii(body, body.length));
  return {
    key,
    id: `key_${randomBase62(ID_LENGTH, random)}`,
    hash: hasher.hash(key),
    hint: describeApiKeyHint(prefix, environment, key),
  };
}
