// Content-Digest (RFC 9530): a digest of the message content, carried as a Structured Field
// Dictionary of Byte Sequences. Hashing goes through `#hash` (node:crypto on Node), so large
// bodies run at native speed.
import { createHasher, hash } from '#hash';
import { encodeBase64 } from '../internal/bytes.js';
import { timingSafeEqual } from '../internal/constant-time.js';
import type { BinaryLike, HashAlgorithm, Hasher } from '../internal/hash-types.js';
import { fail, ok, type Result } from '../internal/result.js';
import { isSfInnerList, parseSfDictionary } from './structured-fields.js';

/** Digest algorithms from the IANA registry that jaf-sec creates and verifies. */
export type ContentDigestAlgorithm = 'sha-256' | 'sha-512';

/**
 * Why a Content-Digest check failed:
 * - `DIGEST_MISSING`: no Content-Digest field, or none with an algorithm the policy accepts
 *   (e.g. only `md5`, RFC 9530 section 6.6), or none among the members a signature covers.
 * - `DIGEST_MALFORMED`: the field is not a Dictionary of Byte Sequences, a digest has the
 *   wrong length, or an algorithm appears twice.
 * - `DIGEST_MISMATCH`: the content does not hash to the value sent.
 */
export type DigestErrorCode = 'DIGEST_MISSING' | 'DIGEST_MALFORMED' | 'DIGEST_MISMATCH';

/** Options of {@link verifyContentDigest}. */
export interface ContentDigestVerifyOptions {
  /**
   * Algorithms accepted, strongest used first. Default `['sha-512', 'sha-256']`. Every
   * accepted digest the field carries is checked, so one cannot hide a wrong one. Only
   * `sha-256` and `sha-512` can be listed: weak or unknown algorithms (`md5`, `sha`,
   * `unixsum`...) are never evidence, whatever the options.
   */
  readonly algorithms?: readonly ContentDigestAlgorithm[] | undefined;
  /**
   * The members a signature covers, when it covers single members
   * (`"content-digest";key="sha-256"`) rather than the whole field. Only these members
   * count: at least one must have an accepted algorithm, and each covered member with a
   * known algorithm is checked against the content even when `algorithms` leaves it out,
   * so an uncovered digest added beside it never stands in for it. Default: the whole
   * field is covered.
   */
  readonly covered?: readonly string[] | undefined;
}

/** What a successful check tells: which algorithms matched. */
export interface ContentDigestCheck {
  readonly algorithms: readonly ContentDigestAlgorithm[];
}

const TO_HASH: Readonly<Record<ContentDigestAlgorithm, HashAlgorithm>> = {
  'sha-256': 'sha256',
  'sha-512': 'sha512',
};
const LENGTH: Readonly<Record<ContentDigestAlgorithm, number>> = { 'sha-256': 32, 'sha-512': 64 };
const DEFAULT_VERIFY: readonly ContentDigestAlgorithm[] = ['sha-512', 'sha-256'];
const DEFAULT_CREATE: readonly ContentDigestAlgorithm[] = ['sha-256'];

function checkAlgorithms(
  algorithms: readonly ContentDigestAlgorithm[] | undefined,
  fallback: readonly ContentDigestAlgorithm[],
  where: string,
): readonly ContentDigestAlgorithm[] {
  if (algorithms === undefined) return fallback;
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw new TypeError(`${where}: algorithms must be a non-empty array of 'sha-256' / 'sha-512'.`);
  }
  for (const a of algorithms) {
    if (a !== 'sha-256' && a !== 'sha-512') {
      throw new TypeError(`${where}: unsupported digest algorithm; use 'sha-256' or 'sha-512'.`);
    }
  }
  return algorithms;
}

/**
 * Computes a Content-Digest field value for a body.
 *
 * @param body - the exact content bytes (a string is taken as its UTF-8 encoding).
 * @param algorithms - default `['sha-256']`; several give several members.
 * @returns e.g. `sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:`.
 * @throws TypeError on an unsupported algorithm (configuration error).
 * @example
 * ```ts
 * headers.set('content-digest', createContentDigest('{"hello": "world"}'));
 * ```
 */
export function createContentDigest(
  body: BinaryLike,
  algorithms?: readonly ContentDigestAlgorithm[],
): string {
  const algs = checkAlgorithms(algorithms, DEFAULT_CREATE, 'createContentDigest');
  let out = '';
  for (const a of algs) {
    out += `${out ? ', ' : ''}${a}=:${encodeBase64(hash(TO_HASH[a], body))}:`;
  }
  return out;
}

const isStrong = (key: string): key is ContentDigestAlgorithm =>
  key === 'sha-256' || key === 'sha-512';

/**
 * Parses the field and checks it against the content. `digestOf` gives the content's digest
 * for an algorithm, or undefined when it is not available (an incremental hasher computes
 * only its own algorithms). Evidence is a matching member of an accepted algorithm that is
 * covered (every member when `covered` is undefined); every other sha-256 / sha-512 member
 * that is accepted or covered must match too.
 */
function checkDigests(
  field: string | null | undefined,
  accepted: readonly ContentDigestAlgorithm[],
  covered: readonly string[] | undefined,
  digestOf: (alg: ContentDigestAlgorithm) => Uint8Array | undefined,
): Result<ContentDigestCheck, DigestErrorCode> {
  if (field === null || field === undefined || field === '') {
    return fail('DIGEST_MISSING', 'Content-Digest is required.');
  }
  // A repeated member is ambiguous (RFC 8941 keeps the last, other parsers the first): a
  // signer and an intermediary could read two different digests from one field.
  const parsed = parseSfDictionary(field, { rejectDuplicateKeys: true });
  if (!parsed.ok) {
    return parsed.error.code === 'SF_DUPLICATE_KEY'
      ? fail('DIGEST_MALFORMED', 'Content-Digest lists an algorithm twice.')
      : fail('DIGEST_MALFORMED', 'Content-Digest is malformed.');
  }
  const evidence: ContentDigestAlgorithm[] = [];
  for (const [key, member] of parsed.value) {
    if (isSfInnerList(member) || member.value.type !== 'binary') {
      return fail('DIGEST_MALFORMED', 'Content-Digest values must be byte sequences.');
    }
    // Weak and unknown algorithms (md5, sha, unixsum, crc32c...) are never checked nor counted.
    if (!isStrong(key)) continue;
    const isAccepted = accepted.includes(key);
    const signedMember = covered?.includes(key) === true;
    if (!isAccepted && !signedMember) continue;
    if (member.value.value.length !== LENGTH[key]) {
      return fail('DIGEST_MALFORMED', 'Content-Digest has a digest of the wrong length.');
    }
    const actual = digestOf(key);
    if (actual === undefined) continue;
    if (!timingSafeEqual(actual, member.value.value)) {
      return fail('DIGEST_MISMATCH', 'Content-Digest does not match the content.');
    }
    if (isAccepted && (covered === undefined || signedMember)) evidence.push(key);
  }
  if (evidence.length === 0) {
    return fail(
      'DIGEST_MISSING',
      covered === undefined
        ? 'Content-Digest has no digest with an accepted algorithm.'
        : 'The signed Content-Digest members have no digest with an accepted algorithm.',
    );
  }
  return ok({ algorithms: evidence });
}

function checkCovered(covered: readonly string[] | undefined, where: string): void {
  if (covered === undefined) return;
  if (!Array.isArray(covered) || covered.some((k) => typeof k !== 'string')) {
    throw new TypeError(`${where}: covered must be an array of member names such as 'sha-256'.`);
  }
}

/**
 * Checks a Content-Digest field against the content. Never throws on untrusted input.
 *
 * @param field - the Content-Digest field value (null when absent).
 * @param body - the exact content bytes received.
 * @param options - accepted algorithms; the members a signature covers.
 * @returns the matching algorithms, or `DIGEST_MISSING` / `DIGEST_MALFORMED` / `DIGEST_MISMATCH`.
 * @example
 * ```ts
 * const r = verifyContentDigest(req.headers.get('content-digest'), rawBody);
 * if (!r.ok) return new Response(r.error.message, { status: 400 });
 * ```
 */
export function verifyContentDigest(
  field: string | null | undefined,
  body: BinaryLike,
  options?: ContentDigestVerifyOptions,
): Result<ContentDigestCheck, DigestErrorCode> {
  const accepted = checkAlgorithms(options?.algorithms, DEFAULT_VERIFY, 'verifyContentDigest');
  checkCovered(options?.covered, 'verifyContentDigest');
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
    throw new TypeError(
      'verifyContentDigest: body must be the received bytes, as a Uint8Array or a string.',
    );
  }
  return checkDigests(field, accepted, options?.covered, (alg) => hash(TO_HASH[alg], body));
}

/** An incremental Content-Digest over a body that arrives in chunks. */
export interface ContentDigestHasher {
  /** Adds a chunk. */
  update(chunk: BinaryLike): ContentDigestHasher;
  /** The field value for everything added (call once). */
  digest(): string;
  /**
   * Checks a received field against everything added (call once instead of `digest`).
   * `covered` as for {@link verifyContentDigest}; a covered member of an algorithm this
   * hasher does not compute is not evidence.
   */
  verify(
    field: string | null | undefined,
    options?: { readonly covered?: readonly string[] | undefined },
  ): Result<ContentDigestCheck, DigestErrorCode>;
}

/**
 * Starts an incremental Content-Digest, for bodies streamed in chunks.
 *
 * @param algorithms - the algorithms to compute (default `['sha-256']`); `verify` checks
 * the ones the field carries among these.
 * @throws TypeError on an unsupported algorithm.
 * @example
 * ```ts
 * const h = createContentDigestHasher(['sha-256']);
 * for await (const chunk of stream) h.update(chunk);
 * const field = h.digest();
 * ```
 */
export function createContentDigestHasher(
  algorithms?: readonly ContentDigestAlgorithm[],
): ContentDigestHasher {
  const algs = checkAlgorithms(algorithms, DEFAULT_CREATE, 'createContentDigestHasher');
  const states = algs.map((a) => [a, createHasher(TO_HASH[a])] as [ContentDigestAlgorithm, Hasher]);
  let finished: Map<ContentDigestAlgorithm, Uint8Array> | undefined;
  const finish = (): Map<ContentDigestAlgorithm, Uint8Array> => {
    if (!finished) finished = new Map(states.map(([a, h]) => [a, h.digest()]));
    return finished;
  };
  const hasher: ContentDigestHasher = {
    update(chunk) {
      if (finished) throw new TypeError('ContentDigestHasher: update() after digest().');
      for (const [, h] of states) h.update(chunk);
      return hasher;
    },
    digest() {
      let out = '';
      for (const [a, d] of finish()) out += `${out ? ', ' : ''}${a}=:${encodeBase64(d)}:`;
      return out;
    },
    verify(field, options) {
      checkCovered(options?.covered, 'ContentDigestHasher.verify');
      const computed = finish();
      return checkDigests(field, algs, options?.covered, (alg) => computed.get(alg));
    },
  };
  return hasher;
}
