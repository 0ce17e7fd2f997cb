// Interop with services built from the Python guide's RequestSigner: base64(HMAC-SHA256(
// secret, f"{method}\n{uri}\n{body}\n{timestamp}")) in X-Signature, an ISO 8601 time in
// X-Timestamp. A migration path only: the scheme signs no headers and has no nonce, so this
// verifier adds replay protection by remembering each accepted signature for the window.
import { importHmacKey } from '#hash';
import { decodeBase64, utf8 } from '../internal/bytes.js';
import { timingSafeEqual } from '../internal/constant-time.js';
import type { BinaryLike } from '../internal/hash-types.js';
import { callTime } from '../internal/options.js';
import { fail, ok, type Result } from '../internal/result.js';
import {
  checkNonce,
  createMemoryNonceStore,
  NONCE_STORE_MESSAGE,
  type NonceStore,
} from './nonce-store.js';
import { type HeadersInput, toHeaderReader } from './signing-types.js';

/**
 * Why a legacy signature was refused:
 * `SIGNATURE_MISSING` (no X-Signature or X-Timestamp), `SIGNATURE_MALFORMED` (the timestamp
 * is not ISO 8601, or the signature is not base64 of 32 bytes), `SIGNATURE_EXPIRED` /
 * `SIGNATURE_NOT_YET_VALID` (outside the window), `SIGNATURE_MISMATCH`, `NONCE_REPLAYED`
 * (the same signed request was already accepted).
 */
export type LegacySignatureErrorCode =
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_MALFORMED'
  | 'SIGNATURE_EXPIRED'
  | 'SIGNATURE_NOT_YET_VALID'
  | 'SIGNATURE_MISMATCH'
  | 'NONCE_REPLAYED'
  | 'NONCE_STORE_UNAVAILABLE';

/** Options of {@link createLegacySignatureVerifier}. */
export interface LegacySignatureOptions {
  /** The shared secret as the Python side holds it (`secret_key.encode()`: its UTF-8 bytes). */
  readonly secret: string | Uint8Array;
  /** Accepted distance between X-Timestamp and now, both ways, seconds. Default 300 (the guide's). */
  readonly maxAge?: number | undefined;
  /** Remembers accepted signatures for the window. Default: a bounded in-memory store. */
  readonly nonceStore?: NonceStore | undefined;
  /** Header carrying the signature. Default `x-signature`. */
  readonly signatureHeader?: string | undefined;
  /** Header carrying the timestamp. Default `x-timestamp`. */
  readonly timestampHeader?: string | undefined;
  /** Clock in ms since the epoch. Default `Date.now`. */
  readonly clock?: (() => number) | undefined;
}

/** The request as the Python middleware saw it. */
export interface LegacySignatureInput {
  readonly method: string;
  /** The URI exactly as the client signed it; the guide uses the full URL (`str(request.url)`). */
  readonly url: string;
  readonly headers: HeadersInput;
  /** The raw body. */
  readonly body: BinaryLike;
}

/** A legacy signature that passed. */
export interface VerifiedLegacySignature {
  /** X-Timestamp as ms since the epoch. */
  readonly timestamp: number;
}

/** A prepared legacy verifier. */
export interface LegacySignatureVerifier {
  verify(
    input: LegacySignatureInput,
    options?: { now?: number },
  ): Promise<Result<VerifiedLegacySignature, LegacySignatureErrorCode>>;
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

function digits(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const c = text.charCodeAt(i);
    if (!isDigit(c)) return -1;
    value = value * 10 + (c - 0x30);
  }
  return value;
}

/**
 * Parses what Python's `datetime.fromisoformat` produced for the guide:
 * `YYYY-MM-DD[T ]HH:MM[:SS[.fff[fff]]][Z|±HH:MM]`. Without an offset the time is UTC (the
 * guide compares it with `datetime.utcnow()`). Returns ms since the epoch or undefined.
 */
export function parseLegacyTimestamp(text: string): number | undefined {
  if (typeof text !== 'string' || text.length < 16 || text.length > 40) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const sep = text.charCodeAt(10);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  if (text[4] !== '-' || text[7] !== '-' || (sep !== 0x54 && sep !== 0x20) || text[13] !== ':') {
    return undefined;
  }
  if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23)
    return undefined;
  if (minute < 0 || minute > 59) return undefined;
  let i = 16;
  let second = 0;
  let ms = 0;
  if (text[i] === ':') {
    second = digits(text, i + 1, 2);
    if (second < 0 || second > 59) return undefined;
    i += 3;
    if (text[i] === '.') {
      let n = 0;
      let frac = '';
      i++;
      while (i < text.length && isDigit(text.charCodeAt(i)) && n < 6) {
        frac += text[i];
        i++;
        n++;
      }
      if (n !== 3 && n !== 6) return undefined;
      ms = Number(frac.slice(0, 3));
    }
  }
  let offset = 0;
  if (i < text.length) {
    const c = text[i];
    if (c === 'Z' && i + 1 === text.length) {
      i++;
    } else if ((c === '+' || c === '-') && text.length === i + 6 && text[i + 3] === ':') {
      const oh = digits(text, i + 1, 2);
      const om = digits(text, i + 4, 2);
      if (oh < 0 || oh > 23 || om < 0 || om > 59) return undefined;
      offset = (c === '+' ? 1 : -1) * (oh * 60 + om) * 60_000;
      i += 6;
    } else return undefined;
  }
  if (i !== text.length) return undefined;
  const time = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  // Date.UTC rolls 31 February into March: refuse dates that do not exist.
  if (new Date(time).getUTCDate() !== day) return undefined;
  return time - offset;
}

/**
 * Creates a verifier for the Python guide's request signatures, with replay protection
 * added. Use it only while clients move to RFC 9421 (`createRequestSigner`).
 *
 * @param options - the shared secret, window, nonce store and header names.
 * @returns a verifier; `verify({ method, url, headers, body })` resolves to the timestamp
 *   or a {@link LegacySignatureErrorCode}.
 * @throws TypeError on an empty secret or a bad window.
 * @example
 * ```ts
 * const legacy = createLegacySignatureVerifier({ secret: env.API_SECRET_KEY! });
 * const r = await legacy.verify({ method: 'POST', url: request.url, headers: request.headers, body });
 * ```
 */
export function createLegacySignatureVerifier(
  options: LegacySignatureOptions,
): LegacySignatureVerifier {
  const where = 'createLegacySignatureVerifier';
  if (!options || typeof options !== 'object')
    throw new TypeError(`${where}: options are required.`);
  const secret = typeof options.secret === 'string' ? utf8(options.secret) : options.secret;
  if (!(secret instanceof Uint8Array) || secret.length === 0) {
    throw new TypeError(`${where}: secret must be a non-empty string or Uint8Array.`);
  }
  const key = importHmacKey('sha256', secret);
  const maxAge = options.maxAge ?? 300;
  if (typeof maxAge !== 'number' || !Number.isFinite(maxAge) || maxAge <= 0) {
    throw new TypeError(`${where}: maxAge must be a positive number of seconds.`);
  }
  const store = options.nonceStore ?? createMemoryNonceStore();
  const sigHeader = (options.signatureHeader ?? 'x-signature').toLowerCase();
  const tsHeader = (options.timestampHeader ?? 'x-timestamp').toLowerCase();
  const clock = options.clock ?? Date.now;

  async function verify(
    input: LegacySignatureInput,
    call?: { now?: number },
  ): Promise<Result<VerifiedLegacySignature, LegacySignatureErrorCode>> {
    // The input is untrusted: a missing or non-object input reads as unsigned.
    const headers = toHeaderReader(input?.headers);
    const now = callTime('verify', call?.now, clock);
    const signature = headers.get(sigHeader);
    const timestampText = headers.get(tsHeader);
    if (signature === null || timestampText === null || signature === '' || timestampText === '') {
      return fail('SIGNATURE_MISSING', 'Signature headers are missing.');
    }
    const timestamp = parseLegacyTimestamp(timestampText);
    if (timestamp === undefined)
      return fail('SIGNATURE_MALFORMED', 'The timestamp is not ISO 8601.');
    const received = decodeBase64(signature);
    if (received?.length !== 32) {
      return fail('SIGNATURE_MALFORMED', 'The signature is not base64 HMAC-SHA256.');
    }
    if (now - timestamp > maxAge * 1000)
      return fail('SIGNATURE_EXPIRED', 'The signature is too old.');
    if (timestamp - now > maxAge * 1000)
      return fail('SIGNATURE_NOT_YET_VALID', 'The timestamp is in the future.');
    // The guide's exact bytes: f"{method}\n{uri}\n{body}\n{timestamp}" encoded as UTF-8.
    const expected = key.signParts([
      `${input.method}\n${input.url}\n`,
      input.body,
      `\n${timestampText}`,
    ]);
    if (!timingSafeEqual(expected, received)) {
      return fail('SIGNATURE_MISMATCH', 'The signature does not match.');
    }
    // No nonce in this scheme: the signature itself identifies the request. Remembered until
    // the timestamp leaves the window, so a captured request cannot be replayed in it.
    const nonce = await checkNonce(
      store,
      `legacy:${signature}`,
      timestamp + maxAge * 1000 + 1,
      now,
    );
    if (nonce === 'replayed') {
      return fail('NONCE_REPLAYED', 'This signed request was already received.');
    }
    if (nonce === 'unavailable') return fail('NONCE_STORE_UNAVAILABLE', NONCE_STORE_MESSAGE);
    return ok({ timestamp });
  }

  return { verify };
}

/**
 * Verifies one request signed the Python guide's way (one-shot form of
 * {@link createLegacySignatureVerifier}; prefer the factory, which keeps its replay store).
 *
 * @param input - method, the signed URI, headers, raw body.
 * @param options - as for `createLegacySignatureVerifier`, plus `now` (ms).
 * @returns the timestamp, or a {@link LegacySignatureErrorCode}. Never throws on input.
 * @example
 * ```ts
 * const r = await verifyLegacySignature({ method, url, headers, body }, { secret, nonceStore });
 * ```
 */
export function verifyLegacySignature(
  input: LegacySignatureInput,
  options: LegacySignatureOptions & { now?: number },
): Promise<Result<VerifiedLegacySignature, LegacySignatureErrorCode>> {
  return createLegacySignatureVerifier(options).verify(input, { now: options.now });
}
