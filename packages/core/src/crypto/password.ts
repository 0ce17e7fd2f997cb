import { importAesGcmKey } from '#cipher';
import { scrypt } from '#kdf';
import { decodeBase64Url, encodeBase64Url, utf8 } from '../internal/bytes.js';
import { numberOption } from '../internal/options.js';
import { type RandomSource, randomBytes } from '../internal/random.js';
import { fail, ok, type Result } from '../internal/result.js';
import type { EnvelopeData, EnvelopeErrorCode, EnvelopeOptions } from './keyring.js';
import { pbkdf2Sha256 } from './web-crypto.js';

/** Password hashing functions for deriving encryption keys. */
export type PasswordKdf = 'pbkdf2-sha256' | 'scrypt';

/**
 * Everything needed to derive the same key again from the same password: store it next
 * to the data (it is not secret). JSON-serializable; the salt is base64url.
 */
export type PasswordKeyParams =
  | { readonly kdf: 'pbkdf2-sha256'; readonly iterations: number; readonly salt: string }
  | {
      readonly kdf: 'scrypt';
      readonly N: number;
      readonly r: number;
      readonly p: number;
      readonly salt: string;
    };

/** Cost and salt choices for {@link deriveKeyFromPassword} and {@link encryptWithPassword}. */
export interface PasswordKdfOptions {
  /** Default `pbkdf2-sha256`. */
  readonly kdf?: PasswordKdf | undefined;
  /** PBKDF2 iterations. Default and minimum 600,000 (OWASP 2023 for HMAC-SHA256). */
  readonly iterations?: number | undefined;
  /** scrypt cost, a power of two. Default 2^17 (OWASP). */
  readonly N?: number | undefined;
  /** scrypt block size. Default 8. */
  readonly r?: number | undefined;
  /** scrypt parallelism. Default 1. */
  readonly p?: number | undefined;
  /**
   * Salt: bytes or base64url (as stored in {@link PasswordKeyParams}), 16-64 bytes.
   * Default: 16 fresh random bytes.
   */
  readonly salt?: Uint8Array | string | undefined;
  /** Source of the salt and nonce; injectable for tests. */
  readonly random?: RandomSource | undefined;
}

/** A key derived from a password, with the parameters to derive it again. */
export interface PasswordKey {
  /** 32 bytes, usable as a keyring key. */
  readonly key: Uint8Array;
  readonly params: PasswordKeyParams;
}

/** Limits on the cost an envelope may ask for, so a crafted header cannot exhaust the host. */
export interface PasswordDecryptOptions extends EnvelopeOptions {
  /** Highest PBKDF2 iteration count accepted. Default 10,000,000. */
  readonly maxIterations?: number | undefined;
  /** Highest scrypt memory (128 * N * r bytes) accepted. Default 256 MiB. */
  readonly maxScryptMemory?: number | undefined;
  /** Highest scrypt work (N * r * p) accepted. Default 2^24. */
  readonly maxScryptWork?: number | undefined;
}

/**
 * Why a password envelope was refused: the keyring codes, plus
 * - `ENVELOPE_KDF_UNSUPPORTED`: the header names an unknown key-derivation function.
 * - `ENVELOPE_KDF_TOO_COSTLY`: the header asks for more work or memory than the limits allow
 *   (or than this platform can run).
 * - `ENVELOPE_KDF_TOO_WEAK`: the header asks for less than {@link encryptWithPassword} ever
 *   writes (PBKDF2 below 600,000 iterations; scrypt off OWASP 2023's table: r != 8, N < 2^13, or p
 *   below the table's p for N).
 */
export type PasswordEnvelopeErrorCode =
  | Exclude<EnvelopeErrorCode, 'ENVELOPE_KEY_UNKNOWN' | 'ENVELOPE_NOT_TEXT'>
  | 'ENVELOPE_KDF_UNSUPPORTED'
  | 'ENVELOPE_KDF_TOO_WEAK'
  | 'ENVELOPE_KDF_TOO_COSTLY';

/** Format byte of password envelopes: key derived from a password, AES-256-GCM. */
export const PASSWORD_ENVELOPE_VERSION = 2;
const KDF_PBKDF2 = 1;
const KDF_SCRYPT = 2;
const MIN_ITERATIONS = 600_000;
const MAX_ITERATIONS = 0xffffffff;
// OWASP's scrypt table (2023) trades memory for passes at r = 8: (2^17,8,1), (2^16,8,2),
// (2^15,8,3), (2^14,8,5), (2^13,8,10). The rule enforced, for new keys and for envelope
// headers alike, is exactly that table read as a floor: r = 8, N at least 2^13 (8 MiB of
// memory: below that scrypt is no longer memory-hard), and p at least the table's p for N
// (N >= 2^17: 1; 2^16: 2; 2^15: 3; 2^14: 5; 2^13: 10). A large p cannot buy back a small N.
const SCRYPT_R = 8;
const MIN_SCRYPT_LOG2_N = 13;
const MAX_SCRYPT_LOG2_N = 30;
const OWASP_MIN_P: Readonly<Record<number, number>> = { 13: 10, 14: 5, 15: 3, 16: 2 };
const MAX_SCRYPT_P = 255;
const DEFAULT_MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;

/** The smallest p OWASP's table pairs with N = 2^log2N (log2N >= 13). */
const minScryptP = (log2N: number): number => OWASP_MIN_P[log2N] ?? 1;

/** Why scrypt parameters fall short of the floor, or undefined when they meet it. */
function scryptFloorProblem(N: number, r: number, p: number): string | undefined {
  const exact = Number.isInteger(Math.log2(N));
  if (r === SCRYPT_R && exact && N >= 2 ** MIN_SCRYPT_LOG2_N && p >= minScryptP(Math.log2(N))) {
    return undefined;
  }
  // The closest compliant setting: r = 8, the same N (raised to 2^13 if needed), and the
  // caller's p raised to the table's p for that N.
  const log2N = Math.min(Math.max(Math.round(Math.log2(N)), MIN_SCRYPT_LOG2_N), MAX_SCRYPT_LOG2_N);
  const closestP = Math.max(p, minScryptP(log2N));
  return (
    `scrypt N=2^${Math.log2(N)}, r=${r}, p=${p} is below the floor (OWASP 2023: r = 8 and ` +
    `one of N=2^17 p>=1, N=2^16 p>=2, N=2^15 p>=3, N=2^14 p>=5, N=2^13 p>=10); the closest compliant setting is ` +
    `N=2^${log2N}, r=8, p=${Math.min(closestP, MAX_SCRYPT_P)} (the default is N=2^17, r=8, p=1)`
  );
}

const passwordBytes = (password: string | Uint8Array, where: string): Uint8Array => {
  if (typeof password === 'string') return utf8(password);
  if (password instanceof Uint8Array) return password;
  throw new TypeError(`${where}: password must be a string or bytes`);
};

interface ResolvedParams {
  readonly kdf: PasswordKdf;
  readonly iterations: number;
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Uint8Array;
}

function resolveOptions(options: PasswordKdfOptions | undefined): ResolvedParams {
  const kdf = options?.kdf ?? 'pbkdf2-sha256';
  if (kdf !== 'pbkdf2-sha256' && kdf !== 'scrypt') {
    throw new TypeError(`kdf must be 'pbkdf2-sha256' or 'scrypt', got ${String(kdf)}`);
  }
  const iterations = options?.iterations ?? MIN_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
    throw new RangeError(
      `iterations must be an integer of at least ${MIN_ITERATIONS} (OWASP for PBKDF2-HMAC-SHA256)`,
    );
  }
  const N = options?.N ?? 2 ** 17;
  const r = options?.r ?? 8;
  const p = options?.p ?? 1;
  if (!Number.isInteger(N) || N < 2 || N > 2 ** MAX_SCRYPT_LOG2_N || (N & (N - 1)) !== 0) {
    throw new RangeError('scrypt N must be a power of two between 2 and 2^30');
  }
  if (
    !Number.isInteger(r) ||
    r < 1 ||
    r > 255 ||
    !Number.isInteger(p) ||
    p < 1 ||
    p > MAX_SCRYPT_P
  ) {
    throw new RangeError('scrypt r and p must be integers from 1 to 255');
  }
  const floor = kdf === 'scrypt' ? scryptFloorProblem(N, r, p) : undefined;
  if (floor !== undefined) throw new RangeError(floor);
  let salt: Uint8Array | undefined;
  if (options?.salt === undefined) salt = (options?.random ?? randomBytes)(16);
  else if (typeof options.salt === 'string') salt = decodeBase64Url(options.salt);
  else salt = options.salt;
  if (!(salt instanceof Uint8Array) || salt.length < 16 || salt.length > 64) {
    throw new TypeError('salt must be 16-64 bytes (or their base64url)');
  }
  return { kdf, iterations, N, r, p, salt };
}

function runKdf(password: Uint8Array, params: ResolvedParams): Promise<Uint8Array> {
  return params.kdf === 'scrypt'
    ? scrypt(password, params.salt, { N: params.N, r: params.r, p: params.p, dkLen: 32 })
    : pbkdf2Sha256(password, params.salt, params.iterations, 32);
}

/**
 * Derives a 256-bit key from a password with PBKDF2-HMAC-SHA256 (Web Crypto, native on
 * every runtime) or scrypt (node:crypto on Node, @noble/hashes elsewhere). Store the
 * returned `params` (salt included) to derive the same key later: pass them back as options.
 *
 * @param password - The password (UTF-8, not normalized, as Python's `password.encode()`).
 * @param options - KDF, cost and salt; defaults to PBKDF2 with 600,000 iterations and a random salt.
 * @returns The key and its parameters.
 * @throws TypeError/RangeError for a cost below the OWASP floor or a salt not 16-64 bytes.
 * @example
 * ```ts
 * const { key, params } = await deriveKeyFromPassword(password);
 * await db.save('kdf-params', JSON.stringify(params));
 * // later, in another process:
 * const again = await deriveKeyFromPassword(password, JSON.parse(stored));
 * ```
 */
export async function deriveKeyFromPassword(
  password: string | Uint8Array,
  options?: PasswordKdfOptions,
): Promise<PasswordKey> {
  const params = resolveOptions(options);
  const key = await runKdf(passwordBytes(password, 'deriveKeyFromPassword'), params);
  const salt = encodeBase64Url(params.salt);
  return {
    key,
    params:
      params.kdf === 'scrypt'
        ? { kdf: 'scrypt', N: params.N, r: params.r, p: params.p, salt }
        : { kdf: 'pbkdf2-sha256', iterations: params.iterations, salt },
  };
}

function encodeHeader(params: ResolvedParams): Uint8Array {
  const kdfBytes = params.kdf === 'scrypt' ? 3 : 4;
  const header = new Uint8Array(2 + kdfBytes + 1 + params.salt.length);
  header[0] = PASSWORD_ENVELOPE_VERSION;
  if (params.kdf === 'scrypt') {
    header[1] = KDF_SCRYPT;
    header[2] = Math.log2(params.N);
    header[3] = params.r;
    header[4] = params.p;
  } else {
    header[1] = KDF_PBKDF2;
    new DataView(header.buffer).setUint32(2, params.iterations);
  }
  header[2 + kdfBytes] = params.salt.length;
  header.set(params.salt, 3 + kdfBytes);
  return header;
}

const concatAad = (header: Uint8Array, aad: EnvelopeData | undefined): Uint8Array => {
  if (aad === undefined) return header;
  const extra = typeof aad === 'string' ? utf8(aad) : aad;
  const out = new Uint8Array(header.length + extra.length);
  out.set(header, 0);
  out.set(extra, header.length);
  return out;
};

/**
 * Encrypts with a key derived from a password. The output carries the KDF, its cost and
 * the salt (`0x02 | kdf | cost | salt length | salt | nonce | ciphertext | tag`, all of the
 * header authenticated), so any process that knows the password can decrypt it.
 *
 * Each call runs the KDF (about a quarter of a second at the defaults). For many records,
 * derive once with {@link deriveKeyFromPassword} and use a keyring.
 *
 * @param plaintext - Bytes or UTF-8 text.
 * @param password - The password.
 * @param options - KDF choices (see {@link PasswordKdfOptions}) and associated data.
 * @returns The envelope bytes.
 * @throws TypeError/RangeError for options below the OWASP floor.
 * @example
 * ```ts
 * const sealed = await encryptWithPassword('backup', password, { kdf: 'scrypt' });
 * const opened = await decryptWithPassword(sealed, password);
 * ```
 */
export async function encryptWithPassword(
  plaintext: EnvelopeData,
  password: string | Uint8Array,
  options?: PasswordKdfOptions & EnvelopeOptions,
): Promise<Uint8Array> {
  const params = resolveOptions(options);
  const header = encodeHeader(params);
  const key = await runKdf(passwordBytes(password, 'encryptWithPassword'), params);
  const nonce = (options?.random ?? randomBytes)(12);
  const prefix = new Uint8Array(header.length + 12);
  prefix.set(header, 0);
  prefix.set(nonce, header.length);
  const cipher = importAesGcmKey(key);
  key.fill(0);
  const data = typeof plaintext === 'string' ? utf8(plaintext) : plaintext;
  return cipher.seal(nonce, data, concatAad(header, options?.aad), prefix);
}

/**
 * Decrypts an envelope made by {@link encryptWithPassword}, re-running the KDF with the
 * parameters in its header (bounded by `maxIterations` / `maxScryptMemory` / `maxScryptWork`).
 *
 * @param envelope - The envelope bytes (untrusted).
 * @param password - The password.
 * @param options - Associated data and cost limits.
 * @returns The plaintext, or a {@link PasswordEnvelopeErrorCode}: `ENVELOPE_MALFORMED`,
 *   `ENVELOPE_VERSION_UNSUPPORTED`, `ENVELOPE_KDF_UNSUPPORTED`, `ENVELOPE_KDF_TOO_WEAK`,
 *   `ENVELOPE_KDF_TOO_COSTLY`, `ENVELOPE_AUTH_FAILED` (wrong password, tampering or other
 *   associated data). Never throws on a bad envelope; every header field is checked before
 *   the KDF runs, so a refused envelope costs no key derivation, and an accepted one at most
 *   the limits (default 10,000,000 PBKDF2 iterations, or scrypt N * r * p <= 2^24 within
 *   256 MiB).
 * @throws (rejects) TypeError/RangeError for a limit that is not a positive finite number,
 *   or a password that is neither text nor bytes.
 * @example
 * ```ts
 * const opened = await decryptWithPassword(sealed, password, { aad: 'backup/2026-11' });
 * if (!opened.ok) throw new Error(opened.error.code);
 * ```
 */
export async function decryptWithPassword(
  envelope: Uint8Array,
  password: string | Uint8Array,
  options?: PasswordDecryptOptions,
): Promise<Result<Uint8Array, PasswordEnvelopeErrorCode>> {
  // The limits are the developer's; a NaN would make every comparison false and lift them.
  const where = 'decryptWithPassword';
  const maxIterations = numberOption(where, 'maxIterations', options?.maxIterations, 10_000_000, {
    min: 1,
    integer: true,
  });
  const maxScryptMemory = numberOption(
    where,
    'maxScryptMemory',
    options?.maxScryptMemory,
    DEFAULT_MAX_SCRYPT_MEMORY,
    { min: 1, unit: 'bytes' },
  );
  const maxScryptWork = numberOption(where, 'maxScryptWork', options?.maxScryptWork, 2 ** 24, {
    min: 1,
  });
  const pw = passwordBytes(password, 'decryptWithPassword');
  // Everything below reads the untrusted header, and all of it is checked before the KDF
  // runs: the only work spent on a refused envelope is reading a few bytes.
  if (!(envelope instanceof Uint8Array) || envelope.length < 2) {
    return fail('ENVELOPE_MALFORMED', 'The envelope is too short.');
  }
  if (envelope[0] !== PASSWORD_ENVELOPE_VERSION) {
    return fail('ENVELOPE_VERSION_UNSUPPORTED', 'The envelope format is not supported.');
  }
  const kdfId = envelope[1];
  if (kdfId !== KDF_PBKDF2 && kdfId !== KDF_SCRYPT) {
    return fail('ENVELOPE_KDF_UNSUPPORTED', 'The envelope names an unknown key derivation.');
  }
  const kdfBytes = kdfId === KDF_SCRYPT ? 3 : 4;
  if (envelope.length < 3 + kdfBytes)
    return fail('ENVELOPE_MALFORMED', 'The envelope is too short.');
  const saltLength = envelope[2 + kdfBytes]!;
  const headerLength = 3 + kdfBytes + saltLength;
  if (saltLength < 16 || saltLength > 64 || envelope.length < headerLength + 12 + 16) {
    return fail('ENVELOPE_MALFORMED', 'The envelope is too short or its header is invalid.');
  }
  const salt = envelope.subarray(3 + kdfBytes, headerLength);
  let derive: () => Promise<Uint8Array>;
  if (kdfId === KDF_SCRYPT) {
    const log2N = envelope[2]!;
    const r = envelope[3]!;
    const p = envelope[4]!;
    if (log2N < 1 || log2N > MAX_SCRYPT_LOG2_N || r < 1 || p < 1) {
      return fail('ENVELOPE_MALFORMED', 'The envelope scrypt parameters are invalid.');
    }
    const N = 2 ** log2N;
    // Only what encryptWithPassword can write is accepted: the floor applies to headers too.
    if (scryptFloorProblem(N, r, p) !== undefined) {
      return fail(
        'ENVELOPE_KDF_TOO_WEAK',
        "The envelope scrypt parameters are below the floor (OWASP 2023: r = 8, N >= 2^13 with the table's p).",
      );
    }
    if (128 * N * r > maxScryptMemory || N * r * p > maxScryptWork) {
      return fail(
        'ENVELOPE_KDF_TOO_COSTLY',
        'The envelope asks for more scrypt work than allowed.',
      );
    }
    derive = () => scrypt(pw, salt, { N, r, p, dkLen: 32 });
  } else {
    const iterations = new DataView(envelope.buffer, envelope.byteOffset).getUint32(2);
    if (iterations < 1)
      return fail('ENVELOPE_MALFORMED', 'The envelope iteration count is invalid.');
    if (iterations < MIN_ITERATIONS) {
      return fail(
        'ENVELOPE_KDF_TOO_WEAK',
        `The envelope iteration count is below the floor of ${MIN_ITERATIONS}.`,
      );
    }
    if (iterations > maxIterations) {
      return fail('ENVELOPE_KDF_TOO_COSTLY', 'The envelope asks for more iterations than allowed.');
    }
    derive = () => pbkdf2Sha256(pw, salt, iterations, 32);
  }
  let key: Uint8Array;
  try {
    key = await derive();
  } catch {
    // The platform refused parameters within the caller's limits (e.g. raised limits beyond
    // what this runtime can allocate): a refusal, never an exception.
    return fail('ENVELOPE_KDF_TOO_COSTLY', 'This platform cannot run the envelope key derivation.');
  }
  const cipher = importAesGcmKey(key);
  key.fill(0);
  const header = envelope.subarray(0, headerLength);
  const plain = await cipher.open(
    envelope.subarray(headerLength, headerLength + 12),
    envelope.subarray(headerLength + 12),
    concatAad(header, options?.aad),
  );
  return plain ? ok(plain) : fail('ENVELOPE_AUTH_FAILED', 'The envelope failed authentication.');
}
