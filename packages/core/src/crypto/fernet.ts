import { importAesCbcKey } from '#cipher';
import { importHmacKey } from '#hash';
import { decodeBase64Url, decodeUtf8, encodeBase64Url, utf8 } from '../internal/bytes.js';
import type { AesCbcKey } from '../internal/cipher-types.js';
import { timingSafeEqual } from '../internal/constant-time.js';
import type { HmacKey } from '../internal/hash-types.js';
import { callTime, numberOption } from '../internal/options.js';
import { type RandomSource, randomBytes } from '../internal/random.js';
import { fail, ok, type Result } from '../internal/result.js';
import type { EnvelopeOptions, Keyring } from './keyring.js';
import { pbkdf2Sha256 } from './web-crypto.js';

/**
 * Why a Fernet token was refused. Stable codes:
 * - `FERNET_MALFORMED`: not canonical padded base64url, wrong version byte, or a length that
 *   cannot hold a token.
 * - `FERNET_EXPIRED`: older than the `ttl`.
 * - `FERNET_FROM_FUTURE`: stamped further in the future than the allowed clock skew.
 * - `FERNET_SIGNATURE_INVALID`: the HMAC does not match (tampered, or another key).
 * - `FERNET_DECRYPT_FAILED`: authentic but the padding is broken (a faulty writer).
 * - `FERNET_NOT_TEXT`: authentic, but not UTF-8 (text variant only).
 */
export type FernetErrorCode =
  | 'FERNET_MALFORMED'
  | 'FERNET_EXPIRED'
  | 'FERNET_FROM_FUTURE'
  | 'FERNET_SIGNATURE_INVALID'
  | 'FERNET_DECRYPT_FAILED'
  | 'FERNET_NOT_TEXT';

/** A Fernet key parsed once: HMAC key prepared, AES key imported on first use. */
export interface FernetKey {
  readonly kind: 'fernet-key';
  /** @internal */
  readonly signing: HmacKey;
  /** @internal */
  readonly encryption: AesCbcKey;
}

/** Options of {@link fernetEncrypt}. */
export interface FernetEncryptOptions {
  /** Token timestamp in ms since the epoch (stored in whole seconds). Default: the clock. */
  readonly now?: number | undefined;
  /** A fixed 16-byte IV, for reproducing test vectors only. Default: random. */
  readonly iv?: Uint8Array | undefined;
  /** Source of the IV; injectable for tests. */
  readonly random?: RandomSource | undefined;
}

/** Options of {@link fernetDecrypt}. */
export interface FernetDecryptOptions {
  /** Maximum token age in seconds; undefined accepts any age (as Python's default). */
  readonly ttl?: number | undefined;
  /** Current time in ms since the epoch. Default: the clock. */
  readonly now?: number | undefined;
  /**
   * Seconds a token may be stamped in the future when a `ttl` is given. Default 60, as
   * Python's cryptography (which, like this, checks time only when a ttl is given).
   */
  readonly clockSkew?: number | undefined;
}

const VERSION = 0x80;
// version (1) + timestamp (8) + IV (16) + at least one AES block (16) + HMAC (32)
const MIN_TOKEN = 1 + 8 + 16 + 16 + 32;
const MAX_TOKEN_CHARS = 64 * 1024 * 1024;
// ttl and clock skew: whole or fractional seconds, up to a century.
const SECONDS_RULE = { min: 0, max: 100 * 366 * 86_400, unit: 'seconds' } as const;

/**
 * Parses a Fernet key as Python's `Fernet(key)` takes it: url-safe base64 of 32 bytes
 * (signing key, then encryption key), with its `=` padding; or the 32 raw bytes.
 *
 * @param key - The key from `Fernet.generate_key()` or a migration.
 * @returns A prepared key, reusable across calls.
 * @throws TypeError when the key is not 32 bytes of url-safe base64.
 * @example
 * ```ts
 * const key = importFernetKey(env.FERNET_KEY!);
 * const token = await fernetEncrypt('hello', key);
 * ```
 */
export function importFernetKey(key: string | Uint8Array | FernetKey): FernetKey {
  if (typeof key === 'object' && key !== null && 'kind' in key && key.kind === 'fernet-key') {
    return key;
  }
  const raw = typeof key === 'string' ? decodePaddedBase64Url(key) : key;
  if (!(raw instanceof Uint8Array) || raw.length !== 32) {
    throw new TypeError(
      'Fernet key must be 32 url-safe base64-encoded bytes (44 characters with "=")',
    );
  }
  return Object.freeze({
    kind: 'fernet-key' as const,
    signing: importHmacKey('sha256', raw.subarray(0, 16)),
    encryption: importAesCbcKey(raw.subarray(16, 32)),
  });
}

/** Url-safe base64 with the `=` padding Python writes; one accepted spelling per value. */
function decodePaddedBase64Url(text: string): Uint8Array | undefined {
  if (typeof text !== 'string' || text.length % 4 !== 0) return undefined;
  let end = text.length;
  while (end > 0 && end > text.length - 2 && text.charCodeAt(end - 1) === 61) end--;
  // The unpadded length decides how many '=' there must be.
  const expectedPad = (4 - (end % 4)) % 4;
  if (text.length - end !== expectedPad) return undefined;
  return decodeBase64Url(end === text.length ? text : text.slice(0, end));
}

function encodePaddedBase64Url(bytes: Uint8Array): string {
  const text = encodeBase64Url(bytes);
  return text + '='.repeat((4 - (text.length % 4)) % 4);
}

/**
 * Encrypts like Python's `Fernet(key).encrypt(data)`: version 0x80, timestamp, IV,
 * AES-128-CBC ciphertext, HMAC-SHA256; url-safe base64 with padding. Python reads the result.
 * For new data prefer a keyring (AES-256-GCM); this is for systems that still speak Fernet.
 *
 * @param data - Bytes or UTF-8 text.
 * @param key - A Fernet key (see {@link importFernetKey}).
 * @param options - Timestamp and IV (tests only).
 * @returns The token.
 * @example
 * ```ts
 * const token = await fernetEncrypt('hello', 'cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=');
 * ```
 */
export async function fernetEncrypt(
  data: Uint8Array | string,
  key: string | Uint8Array | FernetKey,
  options?: FernetEncryptOptions,
): Promise<string> {
  const prepared = importFernetKey(key);
  const iv = options?.iv ?? (options?.random ?? randomBytes)(16);
  if (!(iv instanceof Uint8Array) || iv.length !== 16)
    throw new TypeError('Fernet IV must be 16 bytes');
  const seconds = Math.floor(callTime('fernetEncrypt', options?.now, Date.now) / 1000);
  const ciphertext = await prepared.encryption.encrypt(
    iv,
    typeof data === 'string' ? utf8(data) : data,
  );
  const token = new Uint8Array(25 + ciphertext.length + 32);
  token[0] = VERSION;
  new DataView(token.buffer).setBigUint64(1, BigInt(seconds));
  token.set(iv, 9);
  token.set(ciphertext, 25);
  token.set(
    prepared.signing.sign(token.subarray(0, 25 + ciphertext.length)),
    25 + ciphertext.length,
  );
  return encodePaddedBase64Url(token);
}

/**
 * Decrypts a Fernet token as Python's `Fernet(key).decrypt(token, ttl)` does: checks the
 * version, the age (`ttl`) and the clock skew, then the HMAC (constant-time), then
 * decrypts. Never throws on a bad token.
 *
 * @param token - The token (untrusted); Python writes it with `=` padding.
 * @param key - A Fernet key (see {@link importFernetKey}).
 * @param options - `ttl` in seconds, `now` in ms, `clockSkew` in seconds (default 60).
 * @returns The plaintext bytes, or a {@link FernetErrorCode}.
 * @throws (rejects) TypeError/RangeError when `ttl` or `clockSkew` is not a finite number of
 *   seconds from 0 to a century, or `now` is not a finite time: a misconfiguration, never
 *   the token's fault.
 * @example
 * ```ts
 * const opened = await fernetDecrypt(token, key, { ttl: 3600 });
 * if (!opened.ok && opened.error.code === 'FERNET_EXPIRED') askToSignInAgain();
 * ```
 */
export async function fernetDecrypt(
  token: string,
  key: string | Uint8Array | FernetKey,
  options?: FernetDecryptOptions,
): Promise<Result<Uint8Array, FernetErrorCode>> {
  const prepared = importFernetKey(key);
  // Options come from the developer: a NaN or a string would make every time comparison
  // below false and let expired or far-future tokens through, so they are refused loudly.
  const ttl = numberOption('fernetDecrypt', 'ttl', options?.ttl, undefined, SECONDS_RULE);
  const skew = numberOption('fernetDecrypt', 'clockSkew', options?.clockSkew, 60, SECONDS_RULE);
  const now = callTime('fernetDecrypt', options?.now, Date.now);
  if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS) {
    return fail('FERNET_MALFORMED', 'The token is not a Fernet token.');
  }
  const bytes = decodePaddedBase64Url(token);
  if (
    !bytes ||
    bytes.length < MIN_TOKEN ||
    (bytes.length - 57) % 16 !== 0 ||
    bytes[0] !== VERSION
  ) {
    return fail('FERNET_MALFORMED', 'The token is not a Fernet token.');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stamped = Number(view.getBigUint64(1));
  const nowSeconds = Math.floor(now / 1000);
  // As Python's cryptography: time is only checked when a ttl is given; without one, any
  // age is accepted (stored data), and so is any timestamp.
  if (ttl !== undefined) {
    if (stamped + ttl < nowSeconds) return fail('FERNET_EXPIRED', 'The token has expired.');
    if (nowSeconds + skew < stamped) {
      return fail('FERNET_FROM_FUTURE', 'The token is stamped too far in the future.');
    }
  }
  const macAt = bytes.length - 32;
  const expected = prepared.signing.sign(bytes.subarray(0, macAt));
  if (!timingSafeEqual(expected, bytes.subarray(macAt))) {
    return fail('FERNET_SIGNATURE_INVALID', 'The token signature is invalid.');
  }
  const plain = await prepared.encryption.decrypt(bytes.subarray(9, 25), bytes.subarray(25, macAt));
  return plain ? ok(plain) : fail('FERNET_DECRYPT_FAILED', 'The token could not be decrypted.');
}

/**
 * {@link fernetDecrypt} for text: also checks the plaintext is UTF-8 (`FERNET_NOT_TEXT`).
 *
 * @example
 * ```ts
 * const opened = await fernetDecryptText(token, key);
 * if (opened.ok) console.log(opened.value);
 * ```
 */
export async function fernetDecryptText(
  token: string,
  key: string | Uint8Array | FernetKey,
  options?: FernetDecryptOptions,
): Promise<Result<string, FernetErrorCode>> {
  const opened = await fernetDecrypt(token, key, options);
  if (!opened.ok) return opened;
  const text = decodeUtf8(opened.value);
  return text === undefined
    ? fail('FERNET_NOT_TEXT', 'The token plaintext is not UTF-8.')
    : ok(text);
}

/**
 * Rebuilds the Fernet key of the Python guide's `DataEncryption(password, salt)`:
 * `urlsafe_b64encode(PBKDF2HMAC(SHA256, length=32, salt, iterations=100000).derive(password))`.
 * The guide drew the salt at random and never stored it: it must be recovered from wherever
 * the Python service kept `encryption.salt`, or the data cannot be read.
 *
 * @param password - The guide's `ENCRYPTION_PASSWORD` (UTF-8 encoded, as `password.encode()`).
 * @param salt - The 16-byte salt the Python object used.
 * @param options - `iterations`, default 100,000 (the guide's value).
 * @returns The Fernet key, prepared.
 * @example
 * ```ts
 * const legacy = await deriveGuideFernetKey(password, saltBytes);
 * const text = await fernetDecryptText(tokenFromPython, legacy);
 * ```
 */
export async function deriveGuideFernetKey(
  password: string,
  salt: Uint8Array,
  options?: { readonly iterations?: number },
): Promise<FernetKey> {
  const iterations = options?.iterations ?? 100_000;
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new RangeError('deriveGuideFernetKey: iterations must be a positive integer');
  }
  if (!(salt instanceof Uint8Array) || salt.length === 0) {
    throw new TypeError('deriveGuideFernetKey: pass the salt the Python service used (bytes)');
  }
  const raw = await pbkdf2Sha256(utf8(password), salt, iterations, 32);
  const key = importFernetKey(raw);
  raw.fill(0);
  return key;
}

/** Options of {@link migrateFernetToken}. */
export interface MigrateFernetOptions extends FernetDecryptOptions, EnvelopeOptions {}

/**
 * Moves one Fernet-encrypted value to the keyring format: decrypts it with the Fernet key
 * and seals the plaintext with the keyring's primary key (AES-256-GCM, key id in the
 * header, optional associated data). Nothing is written on failure.
 *
 * @param token - The Fernet token.
 * @param fernetKey - The old key (e.g. from {@link deriveGuideFernetKey}).
 * @param keyring - The new keyring.
 * @param options - `ttl`/`now` for the Fernet check (usually none: old data has no age limit)
 *   and `aad` for the new envelope.
 * @returns The new envelope bytes, or the Fernet error code.
 * @example
 * ```ts
 * const moved = await migrateFernetToken(row.secret, legacyKey, keyring, { aad: `rows/${row.id}` });
 * if (moved.ok) await db.update(row.id, moved.value);
 * ```
 */
export async function migrateFernetToken(
  token: string,
  fernetKey: string | Uint8Array | FernetKey,
  keyring: Keyring,
  options?: MigrateFernetOptions,
): Promise<Result<Uint8Array, FernetErrorCode>> {
  const opened = await fernetDecrypt(token, fernetKey, options);
  if (!opened.ok) return opened;
  const sealed = await keyring.encrypt(opened.value, { aad: options?.aad });
  opened.value.fill(0);
  return ok(sealed);
}
