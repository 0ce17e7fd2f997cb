import { fail, ok, type Result } from '../internal/result.js';
import { API_KEY_MESSAGES } from './api-key-errors.js';
import { BASE62_VALUE, decodeUint32Base62 } from './base62.js';
import { CRC32_INIT, finishCrc32, stepCrc32, updateCrc32Ascii } from './crc32.js';

/** Default key prefix: keys read `jaf_live_...`. */
export const DEFAULT_API_KEY_PREFIX = 'jaf';
/** Base62 characters of randomness in a key: 43 x log2(62) = 256.03 bits. */
export const API_KEY_SECRET_LENGTH = 43;
/** Base62 characters of the CRC-32 checksum at the end of a key. */
export const API_KEY_CHECKSUM_LENGTH = 6;
/** Longest accepted prefix or environment label. */
const MAX_LABEL = 16;
/** Longest string `parseApiKey` looks at; anything longer is refused before any work. */
export const MAX_API_KEY_LENGTH =
  2 * MAX_LABEL + 2 + API_KEY_SECRET_LENGTH + API_KEY_CHECKSUM_LENGTH;

const TAIL = API_KEY_SECRET_LENGTH + API_KEY_CHECKSUM_LENGTH;
const UNDERSCORE = 95;

/** What must match for a key to parse. */
export interface ApiKeyFormatOptions {
  /** Expected prefix (lower-case letters and digits, starting with a letter). Default `jaf`. */
  readonly prefix?: string | undefined;
  /** Accepted environments (e.g. `['live']` in production). Default: any well-formed label. */
  readonly environments?: readonly string[] | undefined;
}

/** A key that passed the offline checks. */
export interface ParsedApiKey {
  readonly key: string;
  readonly prefix: string;
  readonly environment: string;
}

function isLabelChar(c: number, first: boolean): boolean {
  return (c >= 97 && c <= 122) || (!first && c >= 48 && c <= 57);
}

/** Throws a fix-it message when a prefix or environment label is unusable. */
export function assertLabel(kind: 'prefix' | 'environment', label: unknown): void {
  const ok =
    typeof label === 'string' &&
    label.length >= 1 &&
    label.length <= MAX_LABEL &&
    [...label].every((ch, i) => isLabelChar(ch.charCodeAt(0), i === 0));
  if (!ok) {
    throw new TypeError(
      `API key ${kind} must be 1 to ${MAX_LABEL} lower-case letters or digits starting with a letter (e.g. ${kind === 'prefix' ? "'jaf'" : "'live' or 'test'"}), got ${JSON.stringify(String(label)).slice(0, 40)}.`,
    );
  }
}

/** Options checked once, for the verifier factory and the one-shot functions. */
export interface CheckedFormat {
  readonly prefix: string;
  /** Running CRC-32 state after `<prefix>_`. */
  readonly prefixCrc: number;
  readonly environments: ReadonlySet<string> | undefined;
}

/** Validates format options (throws on developer error). */
export function checkFormatOptions(options: ApiKeyFormatOptions | undefined): CheckedFormat {
  const prefix = options?.prefix ?? DEFAULT_API_KEY_PREFIX;
  assertLabel('prefix', prefix);
  const p = prefix.length;
  let environments: Set<string> | undefined;
  if (options?.environments !== undefined) {
    if (!Array.isArray(options.environments) || options.environments.length === 0) {
      throw new TypeError(
        "API key environments must be a non-empty array, e.g. ['live'], or left out to accept any.",
      );
    }
    for (const env of options.environments) assertLabel('environment', env);
    environments = new Set(options.environments);
  }
  return { prefix, prefixCrc: updateCrc32Ascii(CRC32_INIT, `${prefix}_`, 0, p + 1), environments };
}

const DEFAULT_FORMAT: CheckedFormat = /* @__PURE__ */ checkFormatOptions(undefined);

/** The parse itself, with options already checked. Never throws. */
export function parseWithFormat(
  key: unknown,
  format: CheckedFormat,
): Result<ParsedApiKey, 'API_KEY_MALFORMED'> {
  if (typeof key !== 'string' || key.length > MAX_API_KEY_LENGTH) return MALFORMED;
  const prefix = format.prefix;
  const p = prefix.length;
  const n = key.length;
  if (n <= p + TAIL + 2 || !key.startsWith(prefix) || key.charCodeAt(p) !== UNDERSCORE) {
    return MALFORMED;
  }
  // Environment label: from after the prefix's underscore to the next underscore, which must
  // sit exactly TAIL characters before the end.
  const envStart = p + 1;
  const envEnd = n - TAIL - 1;
  if (envEnd - envStart < 1 || envEnd - envStart > MAX_LABEL) return MALFORMED;
  if (key.charCodeAt(envEnd) !== UNDERSCORE) return MALFORMED;
  // One pass validates and checksums; the CRC state of `<prefix>_` was computed once.
  let crc = format.prefixCrc;
  for (let i = envStart; i < envEnd; i++) {
    const c = key.charCodeAt(i);
    if (!isLabelChar(c, i === envStart)) return MALFORMED;
    crc = stepCrc32(crc, c);
  }
  crc = stepCrc32(crc, UNDERSCORE);
  const bodyEnd = n - API_KEY_CHECKSUM_LENGTH;
  for (let i = envEnd + 1; i < bodyEnd; i++) {
    const c = key.charCodeAt(i);
    if (c >= 128 || BASE62_VALUE[c]! < 0) return MALFORMED;
    crc = stepCrc32(crc, c);
  }
  const expected = decodeUint32Base62(key, bodyEnd);
  if (expected < 0 || expected !== finishCrc32(crc)) return CHECKSUM_MISMATCH;
  const environment = key.slice(envStart, envEnd);
  if (format.environments && !format.environments.has(environment)) return MALFORMED;
  return ok({ key, prefix, environment });
}

// Shared, frozen failures: refusing a flood of bad keys allocates nothing.
const MALFORMED = /* @__PURE__ */ freezeFailure(API_KEY_MESSAGES.API_KEY_MALFORMED);
const CHECKSUM_MISMATCH = /* @__PURE__ */ freezeFailure(
  'The API key checksum does not match: it was mistyped or truncated.',
);

function freezeFailure(message: string) {
  const f = fail('API_KEY_MALFORMED' as const, message);
  Object.freeze(f.error);
  return Object.freeze(f);
}

/**
 * Checks an API key offline, with no store lookup: shape
 * `<prefix>_<environment>_<43 base62 characters of randomness><6-character base62 CRC-32>`,
 * the expected prefix and environment, and the checksum (computed over everything before
 * it, so a key edited from `test` to `live` fails too). Never throws.
 *
 * @param key - The presented key (any value; non-strings are malformed).
 * @param options - Expected prefix (default `jaf`) and accepted environments.
 * @returns `ok({ key, prefix, environment })`, or `fail('API_KEY_MALFORMED', message)`.
 * @throws TypeError only when `options` are invalid (a developer error).
 * @example
 * ```ts
 * const { key } = generateApiKey({ environment: 'test' });
 * parseApiKey(key).ok; // true
 * parseApiKey(key.slice(0, -1) + 'x').ok; // false: API_KEY_MALFORMED (checksum)
 * ```
 */
export function parseApiKey(
  key: unknown,
  options?: ApiKeyFormatOptions,
): Result<ParsedApiKey, 'API_KEY_MALFORMED'> {
  return parseWithFormat(key, options ? checkFormatOptions(options) : DEFAULT_FORMAT);
}
