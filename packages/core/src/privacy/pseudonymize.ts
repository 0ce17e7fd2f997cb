import { importHmacKey } from '#hash';
import { encodeHex } from '../internal/bytes.js';
import type { HmacKey } from '../internal/hash-types.js';

/** A pseudonymization key prepared once (HMAC key schedule done). */
export interface PseudonymKey {
  readonly kind: 'pseudonym-key';
  /** @internal */
  readonly hmac: HmacKey;
}

/**
 * Output shapes:
 * - `token` (default): 22 base64url characters (132 bits of the MAC), optionally prefixed.
 * - `hex`: 32 lower-case hex characters (128 bits).
 * - `email`: `<26 base32 characters>@<domain>`, still a valid address for columns and validators
 *   that require one.
 * - `digits`: the same length and separators, every digit replaced (phone numbers, ids).
 */
export type PseudonymFormat = 'token' | 'hex' | 'email' | 'digits';

/** Options of {@link pseudonymize}. */
export interface PseudonymizeOptions {
  readonly format?: PseudonymFormat | undefined;
  /**
   * Domain separation: the same value gets unrelated pseudonyms in different contexts
   * (e.g. `'analytics'` vs `'support'`), so data sets cannot be joined on them.
   */
  readonly context?: string | undefined;
  /** Prefix for the `token` format, e.g. `'user_'`. */
  readonly prefix?: string | undefined;
  /** Domain of `email` pseudonyms. Default `pseudonym.invalid` (RFC 2606: never deliverable). */
  readonly emailDomain?: string | undefined;
  /** Keep the real domain of an email (leaks the organisation; off by default). */
  readonly keepEmailDomain?: boolean | undefined;
  /**
   * Normalize before hashing so equal values get equal pseudonyms: trims, and for `email`
   * lower-cases; for `digits` ignores separators. Default true.
   */
  readonly normalize?: boolean | undefined;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
// 22 base64url characters carry 132 bits of the MAC.
const TOKEN_CHARS = 22;

/**
 * Prepares a pseudonymization key. Use a dedicated secret (e.g. `deriveSubkey(master,
 * 'pseudonyms/v1')`): whoever holds it can test guesses, so keep it out of the data store.
 *
 * @param key - At least 16 bytes, ideally 32.
 * @returns A key for {@link pseudonymize} and {@link anonymizeRecord}.
 * @throws TypeError when the key is shorter than 16 bytes.
 * @example
 * ```ts
 * const key = createPseudonymKey(deriveSubkey(master, 'pseudonyms/v1'));
 * pseudonymize('ada@example.com', key, { format: 'email' }); // 'k3…@pseudonym.invalid'
 * ```
 */
export function createPseudonymKey(key: Uint8Array): PseudonymKey {
  if (!(key instanceof Uint8Array) || key.length < 16) {
    throw new TypeError('createPseudonymKey: the key must be at least 16 random bytes');
  }
  return Object.freeze({ kind: 'pseudonym-key' as const, hmac: importHmacKey('sha256', key) });
}

const toKey = (key: PseudonymKey | Uint8Array): PseudonymKey =>
  key instanceof Uint8Array ? createPseudonymKey(key) : key;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function normalizeValue(value: string, format: PseudonymFormat, normalize: boolean): string {
  if (!normalize) return value;
  const trimmed = value.trim();
  if (format === 'email') return trimmed.toLowerCase();
  if (format === 'digits') {
    let digits = '';
    for (let i = 0; i < trimmed.length; i++)
      if (isDigit(trimmed.charCodeAt(i))) digits += trimmed[i];
    return digits;
  }
  return trimmed;
}

function encodeBase32(bytes: Uint8Array, chars: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < bytes.length && out.length < chars; i++) {
    buffer = (buffer << 8) | bytes[i]!;
    bits += 8;
    while (bits >= 5 && out.length < chars) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}

/**
 * Replaces a personal value with a stable keyed pseudonym (HMAC-SHA256): the same value,
 * key and context always give the same pseudonym, so records stay joinable for analytics,
 * while without the key nobody can recompute it from a guessed value (unlike the bare
 * SHA-256 in the Python guide, which anyone can reverse for emails and phone numbers).
 *
 * A pseudonym is still personal data under the GDPR (the key holder can re-identify);
 * destroy the key to make the pseudonyms anonymous.
 *
 * @param value - The value, e.g. an email, phone number or user id.
 * @param key - From {@link createPseudonymKey} (or raw bytes, prepared on every call).
 * @param options - Output format, context, prefix and email domain.
 * @returns The pseudonym.
 * @example
 * ```ts
 * pseudonymize('ada@example.com', key, { format: 'email' });        // '…@pseudonym.invalid'
 * pseudonymize('+44 20 7946 0958', key, { format: 'digits' });      // same shape, other digits
 * pseudonymize('user-42', key, { prefix: 'u_', context: 'analytics' });
 * ```
 */
export function pseudonymize(
  value: string,
  key: PseudonymKey | Uint8Array,
  options?: PseudonymizeOptions,
): string {
  const prepared = toKey(key);
  const format = options?.format ?? 'token';
  const text = typeof value === 'string' ? value : String(value);
  const normalized = normalizeValue(text, format, options?.normalize ?? true);
  // The string goes to the primitive as is: node:crypto encodes it natively, no extra copy.
  const input = `${options?.context ?? ''}\u0000${normalized}`;
  if (format === 'token') {
    return (options?.prefix ?? '') + prepared.hmac.signBase64Url(input).slice(0, TOKEN_CHARS);
  }
  const mac = prepared.hmac.sign(input);
  switch (format) {
    case 'email': {
      const at = text.lastIndexOf('@');
      const domain =
        options?.keepEmailDomain && at > 0 && at < text.length - 1
          ? text
              .slice(at + 1)
              .trim()
              .toLowerCase()
          : (options?.emailDomain ?? 'pseudonym.invalid');
      return `${encodeBase32(mac, 26)}@${domain}`;
    }
    case 'digits':
      return replaceDigits(text, prepared, mac);
    default:
      return encodeHex(mac.subarray(0, 16));
  }
}

function replaceDigits(text: string, key: PseudonymKey, seed: Uint8Array): string {
  let out = '';
  let stream = seed;
  let used = 0;
  let block = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) {
      out += text[i];
      continue;
    }
    if (used === stream.length) {
      // More digits than one MAC holds: extend the stream, still keyed and deterministic.
      stream = key.hmac.sign(new Uint8Array([...seed, ++block]));
      used = 0;
    }
    out += String(stream[used++]! % 10);
  }
  return out;
}
