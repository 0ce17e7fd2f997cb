import type { HeaderReader } from '../protect/types.js';
import type { DigestErrorCode } from './content-digest.js';

/**
 * Why a request signature was refused (stable codes, asserted in tests):
 * - `SIGNATURE_MISSING`: no Signature / Signature-Input, or none with the required label or tag.
 * - `SIGNATURE_MALFORMED`: the fields are not valid structured fields, a label appears in one
 *   field and not the other, a parameter has the wrong type, a component repeats, or there
 *   are more signatures than `maxSignatures`.
 * - `SIGNATURE_DUPLICATE_LABEL`: a label appears twice in Signature-Input or Signature.
 * - `SIGNATURE_MISMATCH`: the signature does not verify under the key.
 * - `SIGNATURE_EXPIRED`: older than `maxAge`, or past its `expires`.
 * - `SIGNATURE_NOT_YET_VALID`: `created` is in the future beyond the allowed clock skew.
 * - `SIGNATURE_PARAMETER_MISSING`: `created`, `keyid` or `nonce` is required and absent.
 * - `SIGNATURE_ALG_MISMATCH`: the `alg` parameter names another algorithm than the key's.
 * - `KEY_UNKNOWN`: no key with the signature's `keyid`.
 * - `KEY_UNAVAILABLE`: the `keys` function threw or rejected (e.g. its key store is down).
 * - `COMPONENT_NOT_COVERED`: the policy requires a component (e.g. `@method`, or
 *   `content-digest` for a request with a body) that the signature does not cover.
 * - `COMPONENT_MISSING`: a covered component is absent from the request.
 * - `COMPONENT_UNSUPPORTED`: a covered component or parameter is not supported (`bs`, `req`,
 *   `tr`, `@status`, an unknown derived component).
 * - `COMPONENT_INVALID`: a covered component's value cannot be derived (e.g. `sf` on a
 *   malformed header, a repeated `@query-param`).
 * - `NONCE_REPLAYED`: the nonce was already used inside the replay window.
 * - `NONCE_STORE_UNAVAILABLE`: the nonce store could not answer (Redis down, a memory store
 *   full of live nonces), so replay protection fails closed.
 * - `BODY_UNAVAILABLE`: the body reader failed (too large for the adapter, already consumed).
 * - `DIGEST_MISSING` / `DIGEST_MALFORMED` / `DIGEST_MISMATCH`: the Content-Digest check failed.
 */
export type SignatureErrorCode =
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_MALFORMED'
  | 'SIGNATURE_DUPLICATE_LABEL'
  | 'SIGNATURE_MISMATCH'
  | 'SIGNATURE_EXPIRED'
  | 'SIGNATURE_NOT_YET_VALID'
  | 'SIGNATURE_PARAMETER_MISSING'
  | 'SIGNATURE_ALG_MISMATCH'
  | 'KEY_UNKNOWN'
  | 'KEY_UNAVAILABLE'
  | 'COMPONENT_NOT_COVERED'
  | 'COMPONENT_MISSING'
  | 'COMPONENT_UNSUPPORTED'
  | 'COMPONENT_INVALID'
  | 'NONCE_REPLAYED'
  | 'NONCE_STORE_UNAVAILABLE'
  | 'BODY_UNAVAILABLE'
  | DigestErrorCode;

/** Request headers: anything with a case-insensitive `get` (Web `Headers`), or a plain record. */
export type HeadersInput =
  | HeaderReader
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** A request body: bytes, text (taken as UTF-8), or a lazy reader such as `SecurityRequest.body`. */
export type BodyInput = Uint8Array | string | (() => Promise<Uint8Array>);

/** The request a signature is made or checked over. */
export interface SignatureRequestInput {
  /** The method, e.g. `POST` (compared as given). */
  readonly method: string;
  /** The absolute target URL, e.g. `https://api.example.com/chat?x=1`. */
  readonly url: string | URL;
  readonly headers: HeadersInput;
  /** The exact body bytes; absent for a request without a body. */
  readonly body?: BodyInput | undefined;
}

/** Turns a plain header record into a HeaderReader once; passes a reader through. */
export function toHeaderReader(headers: HeadersInput | null | undefined): HeaderReader {
  // Headers are untrusted: anything that is not a reader or a record reads as no headers,
  // and values that are neither text nor a list of text are skipped, never thrown on.
  if (typeof headers !== 'object' || headers === null) return { get: () => null };
  if (typeof (headers as HeaderReader).get === 'function') return headers as HeaderReader;
  const map = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    let joined: string;
    if (typeof value === 'string') joined = value;
    else if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
      joined = value.join(', ');
    } else continue;
    const key = name.toLowerCase();
    const prev = map.get(key);
    map.set(key, prev === undefined ? joined : `${prev}, ${joined}`);
  }
  return { get: (name) => map.get(name.toLowerCase()) ?? null };
}

const EMPTY = new Uint8Array(0);

/** Reads a body input to bytes or text; undefined body is empty. */
export async function readBody(body: BodyInput | undefined): Promise<Uint8Array | string> {
  if (body === undefined) return EMPTY;
  if (typeof body === 'function') return body();
  return body;
}

/** Byte length of a body read by {@link readBody} (text counted as UTF-8 only when needed). */
export function isEmptyBody(body: Uint8Array | string): boolean {
  return body.length === 0;
}

/** Parses a URL without throwing. */
export function parseUrl(url: string | URL): URL | undefined {
  if (url instanceof URL) return url;
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** Checks a `now` option / clock result once. */
export function checkSeconds(value: unknown, name: string, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`${where}: ${name} must be a non-negative number of seconds.`);
  }
  return value;
}
