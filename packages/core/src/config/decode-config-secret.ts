import { decodeBase64, decodeBase64Url, decodeHex, utf8 } from '../internal/bytes.js';
import { fail, ok, type Result } from '../internal/result.js';

/** How a secret's text was turned into bytes. */
export type SecretEncoding = 'hex' | 'base64' | 'base64url' | 'raw';

/** A decoded secret. */
export interface DecodedSecret {
  readonly bytes: Uint8Array;
  readonly encoding: SecretEncoding;
}

/** Options of {@link decodeConfigSecret}. */
export interface DecodeConfigSecretOptions {
  /**
   * What text without a prefix means: `raw` (its UTF-8 bytes are the key, as JWT libraries
   * use a string secret) or `auto` (64 hex digits, or base64/base64url of 32 bytes).
   * Default `raw`.
   */
  readonly unprefixed?: 'raw' | 'auto' | undefined;
}

const PREFIXES: readonly [string, SecretEncoding][] = [
  ['hex:', 'hex'],
  ['base64url:', 'base64url'],
  ['base64:', 'base64'],
  ['raw:', 'raw'],
];

function decodeAs(text: string, encoding: SecretEncoding): Uint8Array | undefined {
  switch (encoding) {
    case 'hex':
      return decodeHex(text);
    case 'base64':
      return decodeBase64(text);
    case 'base64url': {
      // Python's urlsafe_b64encode (and Fernet keys) pad with '='; accept that spelling too.
      let end = text.length;
      if (end % 4 === 0 && text.charCodeAt(end - 1) === 61) end--;
      if (end % 4 === 3 && text.charCodeAt(end - 1) === 61) end--;
      return decodeBase64Url(text.slice(0, end));
    }
    case 'raw':
      return utf8(text);
  }
}

/**
 * Turns a secret from the environment into bytes. An explicit prefix says how it is
 * encoded: `hex:`, `base64:` (standard, padded), `base64url:` (padding optional) or
 * `raw:` (the UTF-8 bytes of the rest). Decoding is strict: a character outside the
 * alphabet, wrong padding or non-zero spare bits is `SECRET_MALFORMED`.
 *
 * @param text - The variable's value.
 * @param options - What unprefixed text means.
 * @returns The bytes and the encoding, or `SECRET_MALFORMED`.
 * @example
 * ```ts
 * const r = decodeConfigSecret('hex:' + 'ab'.repeat(32));
 * if (r.ok) r.value.bytes.length; // 32
 * ```
 */
export function decodeConfigSecret(
  text: string,
  options: DecodeConfigSecretOptions = {},
): Result<DecodedSecret, 'SECRET_MALFORMED'> {
  if (typeof text !== 'string') return fail('SECRET_MALFORMED', 'The secret is not text.');
  for (const [prefix, encoding] of PREFIXES) {
    if (text.startsWith(prefix)) {
      const bytes = decodeAs(text.slice(prefix.length), encoding);
      return bytes && bytes.length > 0
        ? ok({ bytes, encoding })
        : fail('SECRET_MALFORMED', `Not valid ${encoding} after the "${prefix}" prefix.`);
    }
  }
  if ((options.unprefixed ?? 'raw') === 'raw') return ok({ bytes: utf8(text), encoding: 'raw' });
  // Auto-detection is only for keys of an exact size (32 bytes), where the lengths of
  // the spellings cannot be confused: 64 hex digits, 43 base64url, 44 base64 (padded).
  const candidates: SecretEncoding[] =
    text.length === 64 ? ['hex'] : text.length === 43 ? ['base64url'] : ['base64', 'base64url'];
  for (const encoding of candidates) {
    const bytes = decodeAs(text, encoding);
    if (bytes && bytes.length > 0) return ok({ bytes, encoding });
  }
  return fail(
    'SECRET_MALFORMED',
    'Not hex, base64 or base64url; add a prefix (hex:, base64:, base64url:) to say which.',
  );
}

// Words that mark a value copied from an example rather than generated. Six letters or
// more, so a random key practically never contains one by chance.
const PLACEHOLDER_WORDS = [
  'changeme',
  'changethis',
  'replaceme',
  'placeholder',
  'yoursecret',
  'secretkey',
  'mysecret',
  'supersecret',
  'password',
  'example',
  'default',
  'insecure',
  'notasecret',
  'dontuse',
  'donotuse',
  'development',
];
// Short values that are placeholders when they make up the whole secret (ignoring digits).
const PLACEHOLDER_WHOLE = new Set([
  'secret',
  'test',
  'todo',
  'fixme',
  'dev',
  'key',
  'jwt',
  'admin',
  'xxx',
  'abc',
  'qwerty',
]);

function lettersOnly(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) | 32;
    if (c >= 97 && c <= 122) out += String.fromCharCode(c);
  }
  return out;
}

/** True when a secret's text (or its decoded bytes read as text) looks like a placeholder. */
export function isPlaceholderSecret(text: string): boolean {
  const letters = lettersOnly(text);
  for (const word of PLACEHOLDER_WORDS) if (letters.includes(word)) return true;
  if (PLACEHOLDER_WHOLE.has(letters)) return true;
  // A short word repeated ("secretsecretsecret...") is a placeholder too.
  for (const word of PLACEHOLDER_WHOLE) {
    if (
      letters.length >= word.length * 2 &&
      letters === word.repeat(letters.length / word.length)
    ) {
      return true;
    }
  }
  return false;
}

/**
 * True when the symbols repeat a short pattern (`aaaa…`, `abcabc…`) or mostly step by one
 * (`abcdef…`, `0123456…`): generated by a human, not by a random source.
 */
export function isPatternedSecret(symbols: ArrayLike<number>): boolean {
  const n = symbols.length;
  if (n < 2) return true;
  // Smallest period p with s[i] === s[i - p] for all i; a secret that is a short block
  // repeated four times or more carries the entropy of the block only.
  for (let p = 1; p <= n >> 2; p++) {
    let periodic = true;
    for (let i = p; i < n; i++) {
      if (symbols[i] !== symbols[i - p]) {
        periodic = false;
        break;
      }
    }
    if (periodic) return true;
  }
  let steps = 0;
  for (let i = 1; i < n; i++) {
    const d = symbols[i]! - symbols[i - 1]!;
    if (d === 1 || d === -1 || d === 0) steps++;
  }
  return steps * 2 > n - 1;
}

/**
 * An estimate of the entropy in bits: the empirical Shannon entropy of the symbol
 * frequencies times the length. It can only overestimate what a human chose, so it is a
 * floor check, not a proof of randomness.
 */
export function estimateEntropyBits(symbols: ArrayLike<number>): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < symbols.length; i++)
    counts.set(symbols[i]!, (counts.get(symbols[i]!) ?? 0) + 1);
  let perSymbol = 0;
  for (const c of counts.values()) {
    const p = c / symbols.length;
    perSymbol -= p * Math.log2(p);
  }
  return perSymbol * symbols.length;
}

/** Code units of a string, as numbers. */
export function codeUnits(text: string): number[] {
  const out: number[] = new Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
