import { type GenericSchema, safeParse } from 'valibot';
import { decodeBase64UrlStrict, decodeBase64UrlUtf8 } from '#hash';
import { timingSafeEqualString } from '../internal/constant-time.js';
import type { PublicKeyVerifier } from '../internal/hash-types.js';
import { callTime } from '../internal/options.js';
import { ok } from '../internal/result.js';
import { type ClaimPolicy, checkClaimTimes, checkStaticClaims } from './check-token-claims.js';
import { parseJsonObject } from './parse-json-object.js';
import { createJwksResolver, type JwksResolver, type RemoteJwksOptions } from './remote-jwks.js';
import type { RevocationStore } from './revocation-store.js';
import { settledTokenFailure, type TokenFailure, tokenFailure } from './token-failures.js';
import {
  isAsymmetricAlgorithm,
  type PreparedVerificationKey,
  prepareVerificationKey,
} from './token-keys.js';
import type {
  AsymmetricTokenAlgorithm,
  TokenClaims,
  TokenErrorCode,
  TokenHeader,
  TokenResult,
  TokenVerificationKey,
  VerifiedToken,
} from './token-types.js';

/** Options of {@link createTokenVerifier}. */
export interface TokenVerifierOptions<C extends TokenClaims = TokenClaims> {
  /**
   * Keys tokens may be signed with. Each carries its algorithm and is the only one it
   * accepts. Several keys with distinct `kid`s allow rotation. At least one of `keys` and
   * `jwks` is required.
   */
  keys?: readonly TokenVerificationKey[];
  /** A remote JWKS (asymmetric algorithms only), fetched and cached through jose. */
  jwks?: RemoteJwksOptions;
  /** Accepted `iss` value(s). When set, `iss` is required. */
  issuer?: string | readonly string[];
  /** Accepted `aud` value(s); a token is accepted when one of its audiences is listed. */
  audience?: string | readonly string[];
  /** Claims that must be present. Default `['exp']`: tokens that never expire are refused. */
  requiredClaims?: readonly string[];
  /** Greatest accepted age since `iat`, seconds. When set, `iat` is required. */
  maxAge?: number;
  /** Leeway for clock skew on exp, nbf, iat and maxAge, seconds. Default 0. */
  clockTolerance?: number;
  /** Longest accepted token, characters; longer ones are refused before parsing. Default 8192. */
  maxTokenLength?: number;
  /**
   * A valibot schema run on the claims after the registered-claim checks; its output is
   * the verified claims. Default: none (the built-in checks already require `permissions`
   * and `roles`, when present, to be string arrays; see `tokenClaimsSchema` to extend).
   */
  claims?: GenericSchema<unknown, C>;
  /** Revocation by `jti`: a token whose `jti` is revoked fails with TOKEN_REVOKED. */
  revocation?: RevocationStore;
  /**
   * Tokens without `kid` when several keys share their algorithm: `'try'` (default) checks
   * each such key in the order given; `'reject'` refuses them with TOKEN_KEY_UNKNOWN.
   */
  kidlessTokens?: 'try' | 'reject';
  /**
   * How many distinct payloads to keep parsed (a client sends the same token with many
   * requests). Only the decoding, JSON parsing and time-independent claim checks are
   * reused: the signature, times, schema and revocation are checked on every call (for an
   * HMAC key, the expected MAC of a header and payload that verified is kept, up to as many
   * entries, and the token's signature compared with it in constant time). The cached
   * claims are deep-frozen. Default 512; 0 disables the cache.
   */
  claimsCacheSize?: number;
  /** Clock, ms since the epoch. Default `Date.now`. */
  clock?: () => number;
}

/** Per-call options of {@link TokenVerifier.verify}. */
export interface VerifyTokenCallOptions {
  /**
   * The time to check against, ms since the epoch. Default: the verifier's clock. Not a
   * number (or NaN) is a programming error: the promise rejects with a TypeError.
   */
  now?: number;
}

/** A verifier with its keys imported once. */
export interface TokenVerifier<C extends TokenClaims = TokenClaims> {
  /**
   * Verifies a compact JWS token: size, canonical encoding, header, algorithm bound to the
   * key, signature, claims, schema, revocation. Never throws on any token; the promise only
   * rejects when the caller passes a `now` that is not a number.
   */
  verify(token: string, options?: VerifyTokenCallOptions): Promise<TokenResult<C>>;
  /**
   * The same verification without a promise, when the answer needs no asynchronous work:
   * the same result `verify` would resolve to, or `undefined` when it does need such work
   * (a key from the remote JWKS, a revocation store lookup for a token with a `jti`, a
   * signature checked by Web Crypto off Node). On `undefined` nothing was started: call
   * `verify`. HMAC tokens, and asymmetric ones on Node, are answered here when no
   * revocation store applies. Never throws on any token; throws a TypeError when the
   * caller passes a `now` that is not a number.
   *
   * Optional in this interface so that hand-written verifiers (test doubles, wrappers)
   * stay valid; `createTokenVerifier` always provides it.
   */
  verifySync?(token: string, options?: VerifyTokenCallOptions): TokenResult<C> | undefined;
  /**
   * Resolves once every asymmetric key is imported; rejects with a fix-it message when one
   * cannot be (only possible off Node, where key import is asynchronous).
   */
  ready(): Promise<void>;
}

/** What a header segment resolves to; cached per distinct segment. */
type HeaderEntry =
  | {
      readonly ok: true;
      readonly header: TokenHeader;
      readonly alg: string;
      readonly kid: string | undefined;
      /** Keys to try, or undefined to ask the JWKS. */
      readonly keys: readonly PreparedVerificationKey[] | undefined;
    }
  | TokenFailure;

/** A parsed payload and what the time-independent checks said of it; cached per segment. */
interface PayloadEntry {
  readonly claims: Record<string, unknown>;
  readonly code: TokenErrorCode | undefined;
  readonly exp: number | undefined;
  readonly nbf: number | undefined;
  readonly iat: number | undefined;
  /** The success result, built once per header it was seen with (no schema configured). */
  result: { readonly ok: true; readonly value: VerifiedToken } | undefined;
  /** `result` as a settled promise (frozen, shared by every call that returns it). */
  settled: Promise<{ readonly ok: true; readonly value: VerifiedToken }> | undefined;
  resultHeader: TokenHeader | undefined;
}

const HEADER_CACHE_SIZE = 64;
/** Longest span of calls the claims and MAC caches are bypassed for after missing throughout. */
const MAX_BYPASS_SPAN = 65_536;
const DEFAULT_MAX_TOKEN_LENGTH = 8192;

function toList(
  value: string | readonly string[] | undefined,
  name: string,
): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (
    !Array.isArray(list) ||
    list.length === 0 ||
    list.some((v) => typeof v !== 'string' || v === '')
  ) {
    throw new TypeError(`${name} must be a non-empty string or a non-empty array of strings`);
  }
  return Object.freeze([...list]);
}

function checkSeconds(value: number | undefined, name: string): void {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
    throw new TypeError(`${name} must be a non-negative number of seconds`);
  }
}

/**
 * Creates a JWT verifier. Keys are imported here, once; each call then does only
 * per-token work. HS256/384/512 are verified synchronously on the `#hash` primitive;
 * ES256, EdDSA and RS256 with the key imported once (natively on Node); remote JWKS via jose.
 *
 * Key selection: a token with a `kid` is checked only against the key with that `kid`
 * (then the JWKS); a token's `alg` must equal that key's `alg`. A token without `kid` is
 * checked against the keys whose `alg` equals its `alg` (see `kidlessTokens`). Header
 * fields `jku`, `x5u`, `jwk` and `x5c` are never used to find a key.
 *
 * @param options - keys and/or jwks, claim policy, revocation store, clock.
 * @returns A {@link TokenVerifier}.
 * @throws TypeError or RangeError on misconfiguration: no keys, unknown algorithm, HMAC
 *   secret shorter than the hash (RFC 7518 3.2), a PEM or JWK passed as an HMAC secret,
 *   a public key that does not fit its algorithm, duplicate `kid`s.
 * Error codes returned by `verify`: see {@link TokenErrorCode}.
 * @example
 * ```ts
 * const verifier = createTokenVerifier({
 *   keys: [{ alg: 'HS256', kid: '2026-01', secret: env.JWT_SECRET! }],
 *   issuer: 'https://auth.example.com',
 *   audience: 'agent-api',
 * });
 * const result = await verifier.verify(token);
 * if (!result.ok) return deny(401, result.error.code);
 * const { sub, permissions } = result.value.claims;
 * // Or without a promise when no asynchronous work is needed (HMAC, no revocation store):
 * const now = verifier.verifySync(token) ?? (await verifier.verify(token));
 * ```
 */
export function createTokenVerifier<C extends TokenClaims = TokenClaims>(
  options: TokenVerifierOptions<C>,
): Required<TokenVerifier<C>> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createTokenVerifier needs options with keys and/or jwks');
  }
  const keyList = options.keys ?? [];
  if (!Array.isArray(keyList)) throw new TypeError('keys must be an array of keys');
  if (keyList.length === 0 && options.jwks === undefined) {
    throw new TypeError(
      "createTokenVerifier needs at least one key (keys: [{ alg: 'HS256', secret }]) or a jwks",
    );
  }
  const prepared = keyList.map((key, i) => prepareVerificationKey(key, i));
  const byKid = new Map<string, readonly PreparedVerificationKey[]>();
  const byAlg = new Map<string, PreparedVerificationKey[]>();
  for (const key of prepared) {
    if (key.kid !== undefined) {
      if (byKid.has(key.kid))
        throw new TypeError(`two keys share kid "${key.kid}"; kids must be unique`);
      byKid.set(key.kid, [key]);
    }
    const list = byAlg.get(key.alg) ?? [];
    list.push(key);
    byAlg.set(key.alg, list);
  }
  // The verifier objects of each key list a header can resolve to, built once.
  const publicVerifiers = new Map<readonly PreparedVerificationKey[], PublicKeyVerifier[]>();
  // Keys seen answering with a promise (Web Crypto), which `verifySync` hands to `verify`.
  const asyncVerifiers = new Set<PublicKeyVerifier>();
  for (const list of [...byKid.values(), ...byAlg.values()]) {
    publicVerifiers.set(
      list,
      list.flatMap((k) => (k.kind === 'public' ? [k.verifier] : [])),
    );
  }

  let jwks: JwksResolver | undefined;
  const jwksAlgs = new Set<string>();
  if (options.jwks !== undefined) {
    const algs = options.jwks.algorithms;
    if (!Array.isArray(algs) || algs.length === 0 || !algs.every(isAsymmetricAlgorithm)) {
      throw new TypeError(
        'jwks.algorithms must list ES256, EdDSA and/or RS256 (HMAC keys never come from a JWKS)',
      );
    }
    for (const a of algs) jwksAlgs.add(a);
    jwks = createJwksResolver(options.jwks);
  }

  checkSeconds(options.clockTolerance, 'clockTolerance');
  checkSeconds(options.maxAge, 'maxAge');
  const required = options.requiredClaims ?? ['exp'];
  if (!Array.isArray(required) || required.some((c) => typeof c !== 'string' || c === '')) {
    throw new TypeError('requiredClaims must be an array of claim names');
  }
  const policy: ClaimPolicy = {
    issuers: toList(options.issuer, 'issuer'),
    audiences: toList(options.audience, 'audience'),
    required: Object.freeze([...required]),
    toleranceMs: (options.clockTolerance ?? 0) * 1000,
    maxAgeMs: options.maxAge === undefined ? undefined : options.maxAge * 1000,
  };
  const maxLength = options.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH;
  if (!Number.isInteger(maxLength) || maxLength < 16) {
    throw new TypeError('maxTokenLength must be an integer of at least 16 characters');
  }
  const kidless = options.kidlessTokens ?? 'try';
  if (kidless !== 'try' && kidless !== 'reject') {
    throw new TypeError("kidlessTokens must be 'try' or 'reject'");
  }
  const schema = options.claims;
  const revocation = options.revocation;
  const clock = options.clock ?? Date.now;
  const headerCache = new Map<string, HeaderEntry>();
  const payloadCacheSize = options.claimsCacheSize ?? 512;
  if (!Number.isInteger(payloadCacheSize) || payloadCacheSize < 0) {
    throw new TypeError('claimsCacheSize must be a non-negative integer (0 disables the cache)');
  }
  const payloadCache = new Map<string, PayloadEntry>();
  // HMAC is a pure function of the key and the signing input (header.payload, and the header
  // fixes the keys): the expected MAC of an input that verified is kept, so a repeated token
  // costs a map lookup and a constant-time compare instead of an HMAC (whose node:crypto
  // object alone was the largest cost of a verify under HTTP load). Only verified inputs are
  // kept, so garbage tokens cannot churn it; a signature that differs from the kept MAC is
  // checked against every key as before. A Map, not a last-value `===`: V8 compares the
  // characters of two strings only once their hashes match.
  const macCache = new Map<string, string>();

  // A client sends the same token with each request: the last payload is compared as a
  // string (a memory compare) before the map is asked (which would hash the segment).
  let lastPayloadSegment = '';
  let lastPayload: PayloadEntry | undefined;

  // A cache that never hits (every call a token not seen lately: many clients, short-lived
  // tokens, a flood) would cost a hash, a lookup and an insertion of two long strings per
  // call for nothing, making each miss slower than no cache at all. After as many misses in
  // a row as twice its size it is bypassed (no lookup, no insertion) for a span of calls
  // that doubles while the misses go on, up to MAX_BYPASS_SPAN; one hit ends it. While
  // bypassed every call does exactly what an uncached verifier does, so results are the
  // same either way; only the reuse is suspended.
  const missesToBypass = payloadCacheSize * 2;
  let missesInARow = 0;
  let bypassSpan = 0;
  let bypassLeft = 0;
  /** Whether this call may use the caches (and counts it while they are bypassed). */
  function cacheInUse(): boolean {
    if (payloadCacheSize === 0) return false;
    if (bypassLeft === 0) return true;
    bypassLeft--;
    return false;
  }
  function cacheMissed(): void {
    if (++missesInARow < missesToBypass) return;
    missesInARow = 0;
    bypassSpan = Math.min(MAX_BYPASS_SPAN, Math.max(bypassSpan * 2, missesToBypass * 2));
    bypassLeft = bypassSpan;
  }
  function cacheHit(): void {
    missesInARow = 0;
    bypassSpan = 0;
  }
  // Whether the call under way uses the caches: set by verifyNow, read by payloadEntry.
  let useCache = payloadCacheSize > 0;

  /** Decodes, parses and statically checks an authenticated payload segment. */
  function payloadEntry(token: string, dot1: number, dot2: number): PayloadEntry | undefined {
    const segment = token.slice(dot1 + 1, dot2);
    const cache = useCache;
    if (cache) {
      if (segment === lastPayloadSegment && lastPayload !== undefined) {
        cacheHit();
        return lastPayload;
      }
      const cached = payloadCache.get(segment);
      if (cached !== undefined) {
        cacheHit();
        lastPayloadSegment = segment;
        lastPayload = cached;
        return cached;
      }
      cacheMissed();
    }
    const claims = decodeSegment(segment);
    if (claims === undefined) return undefined;
    const entry: PayloadEntry = {
      claims: deepFreeze(claims),
      code: checkStaticClaims(claims, policy),
      exp: claims.exp as number | undefined,
      nbf: claims.nbf as number | undefined,
      iat: claims.iat as number | undefined,
      result: undefined,
      settled: undefined,
      resultHeader: undefined,
    };
    if (cache) {
      // Bounded: a flood of distinct valid tokens only costs re-parsing, never memory.
      if (payloadCache.size >= payloadCacheSize) payloadCache.clear();
      payloadCache.set(segment, entry);
      lastPayloadSegment = segment;
      lastPayload = entry;
    }
    return entry;
  }

  /** Decodes and checks a header segment, and resolves the keys it may be verified with. */
  function resolveHeader(segment: string): HeaderEntry {
    const raw = decodeSegment(segment);
    if (raw === undefined) return tokenFailure('TOKEN_MALFORMED');
    const { alg, kid, typ, crit, b64 } = raw;
    // No JWS extension is implemented, so any critical one must be refused (RFC 7515 4.1.11).
    if (crit !== undefined) return tokenFailure('TOKEN_CRIT_UNSUPPORTED');
    if (
      typeof alg !== 'string' ||
      (kid !== undefined && typeof kid !== 'string') ||
      (typ !== undefined && typeof typ !== 'string') ||
      // b64:false (RFC 7797) changes what is signed and is only valid listed in crit.
      (b64 !== undefined && b64 !== true)
    ) {
      return tokenFailure('TOKEN_MALFORMED');
    }
    const header: TokenHeader = { alg };
    if (kid !== undefined) header.kid = kid;
    if (typ !== undefined) header.typ = typ;
    Object.freeze(header);
    const useJwks = jwks !== undefined && jwksAlgs.has(alg);
    if (kid !== undefined) {
      const keys = byKid.get(kid);
      if (keys !== undefined) {
        // The key decides the algorithm, never the token (RFC 8725 3.1).
        if (keys[0]!.alg !== alg) return tokenFailure('TOKEN_ALG_NOT_ALLOWED');
        return { ok: true, header, alg, kid, keys };
      }
      if (useJwks) return { ok: true, header, alg, kid, keys: undefined };
      return tokenFailure(byAlg.has(alg) ? 'TOKEN_KEY_UNKNOWN' : 'TOKEN_ALG_NOT_ALLOWED');
    }
    const keys = byAlg.get(alg);
    if (keys !== undefined) {
      if (keys.length > 1 && kidless === 'reject') return tokenFailure('TOKEN_KEY_UNKNOWN');
      return { ok: true, header, alg, kid, keys };
    }
    if (useJwks) return { ok: true, header, alg, kid, keys: undefined };
    return tokenFailure('TOKEN_ALG_NOT_ALLOWED');
  }

  // Most traffic carries one header: remember the last one so the common case is a string
  // compare, with no hashing.
  let lastSegment = '';
  let lastEntry: HeaderEntry = tokenFailure('TOKEN_MALFORMED');

  function headerEntry(token: string, dot1: number): HeaderEntry {
    const segment = token.slice(0, dot1);
    if (segment === lastSegment && dot1 > 0) return lastEntry;
    let entry = headerCache.get(segment);
    if (entry === undefined) {
      entry = resolveHeader(segment);
      // Bounded: an attacker cycling headers only costs a re-parse, never memory.
      if (headerCache.size >= HEADER_CACHE_SIZE) headerCache.clear();
      headerCache.set(segment, entry);
    }
    lastSegment = segment;
    lastEntry = entry;
    return entry;
  }

  /**
   * Tries `verifiers` from `start`, awaiting the ones that answer with a promise (Web
   * Crypto); `pending` is the first one's answer when already requested.
   */
  async function checkSignatureAsync(
    verifiers: readonly PublicKeyVerifier[],
    start: number,
    pending: Promise<boolean> | undefined,
    signingInput: string,
    signature: Uint8Array,
  ): Promise<boolean> {
    if (pending !== undefined && (await pending)) return true;
    for (let i = pending === undefined ? start : start + 1; i < verifiers.length; i++) {
      if (await verifiers[i]!.verify(signingInput, signature)) return true;
    }
    return false;
  }

  /** Sign-independent tail of verification: payload, times, schema, revocation. */
  function checkPayload(
    token: string,
    dot1: number,
    dot2: number,
    header: TokenHeader,
    callOptions: VerifyTokenCallOptions | undefined,
    sync: boolean,
  ): TokenResult<C> | Promise<TokenResult<C>> | undefined {
    // Only an authenticated payload is parsed.
    const payload = payloadEntry(token, dot1, dot2);
    if (payload === undefined) return tokenFailure('TOKEN_MALFORMED');
    if (payload.code !== undefined) return tokenFailure(payload.code);
    const given = callOptions?.now ?? clock();
    // A NaN or infinite clock would make every time check pass: refuse it loudly (a caller bug).
    let now: number;
    try {
      now = callTime('verify', given, clock);
    } catch (error) {
      if (sync) throw error;
      return Promise.reject(error);
    }
    // A revocation lookup is asynchronous: the synchronous form leaves it to `verify`.
    const mustCheckRevocation = revocation !== undefined && typeof payload.claims.jti === 'string';
    const code = checkClaimTimes(payload.exp, payload.nbf, payload.iat, now, policy);
    if (code !== undefined) return tokenFailure(code);

    const claims = payload.claims;
    if (schema !== undefined) {
      let result: TokenResult<C>;
      try {
        const parsed = safeParse(schema, claims);
        if (!parsed.success) return tokenFailure('TOKEN_CLAIMS_INVALID');
        result = ok({ header, claims: parsed.output });
      } catch {
        return tokenFailure('TOKEN_CLAIMS_INVALID');
      }
      if (mustCheckRevocation) {
        return sync ? undefined : checkRevocation(revocation, claims.jti as string, now, result);
      }
      return result;
    }
    // Same payload under the same header: the frozen result, and its settled promise, are
    // reused, so a repeated token costs no allocation here.
    if (payload.resultHeader !== header || payload.result === undefined) {
      payload.result = Object.freeze(ok(Object.freeze({ header, claims })));
      payload.settled = undefined;
      payload.resultHeader = header;
    }
    // The settled promise only once `verify` asks for one (`verifySync` never does).
    if (!sync && payload.settled === undefined) {
      payload.settled = Object.freeze(Promise.resolve(payload.result));
    }
    if (mustCheckRevocation) {
      if (sync) return undefined;
      return checkRevocation(
        revocation,
        claims.jti as string,
        now,
        payload.result as TokenResult<C>,
      );
    }
    return (sync ? payload.result : payload.settled) as TokenResult<C> | Promise<TokenResult<C>>;
  }

  function verifyPublic(
    token: string,
    dot1: number,
    dot2: number,
    entry: Extract<HeaderEntry, { ok: true }>,
    callOptions: VerifyTokenCallOptions | undefined,
    sync: boolean,
  ): TokenResult<C> | Promise<TokenResult<C>> | undefined {
    const signature = decodeBase64UrlStrict(token.slice(dot2 + 1));
    if (signature === undefined || signature.length === 0) return tokenFailure('TOKEN_MALFORMED');
    const signingInput = token.slice(0, dot2);
    const keys = entry.keys;
    if (keys === undefined) {
      return sync ? undefined : verifyWithJwks(token, dot1, dot2, entry, signature, callOptions);
    }
    const verifiers = publicVerifiers.get(keys)!;
    // On Node each answer is synchronous, so no promise is created until the result.
    for (let i = 0; i < verifiers.length; i++) {
      const verifier = verifiers[i]!;
      // Web Crypto answers with a promise: once a key is known to, the synchronous form
      // hands over before starting the check rather than discarding its answer.
      if (sync && asyncVerifiers.has(verifier)) return undefined;
      const answer = verifier.verify(signingInput, signature);
      if (typeof answer !== 'boolean') {
        if (sync) {
          // The key never rejects (a failed check is false); this answer is not needed.
          asyncVerifiers.add(verifier);
          return undefined;
        }
        return checkSignatureAsync(verifiers, i, answer, signingInput, signature).then((valid) =>
          valid
            ? (checkPayload(token, dot1, dot2, entry.header, callOptions, false) as
                | TokenResult<C>
                | Promise<TokenResult<C>>)
            : tokenFailure('TOKEN_SIGNATURE_INVALID'),
        );
      }
      if (answer) return checkPayload(token, dot1, dot2, entry.header, callOptions, sync);
    }
    return tokenFailure('TOKEN_SIGNATURE_INVALID');
  }

  async function verifyWithJwks(
    token: string,
    dot1: number,
    dot2: number,
    entry: Extract<HeaderEntry, { ok: true }>,
    signature: Uint8Array,
    callOptions: VerifyTokenCallOptions | undefined,
  ): Promise<TokenResult<C>> {
    const lookup = await jwks!(entry.alg as AsymmetricTokenAlgorithm, entry.kid);
    if (!lookup.ok) return tokenFailure(lookup.code);
    const valid = await checkSignatureAsync(
      lookup.keys,
      0,
      undefined,
      token.slice(0, dot2),
      signature,
    );
    if (!valid) return tokenFailure('TOKEN_SIGNATURE_INVALID');
    return checkPayload(token, dot1, dot2, entry.header, callOptions, false) as
      | TokenResult<C>
      | Promise<TokenResult<C>>;
  }

  /**
   * Everything up to the signature, synchronously; HMAC tokens finish here too. With
   * `sync`, undefined instead of starting any asynchronous step.
   */
  function verifyNow(
    token: string,
    callOptions: VerifyTokenCallOptions | undefined,
    sync: boolean,
  ): TokenResult<C> | Promise<TokenResult<C>> | undefined {
    if (typeof token !== 'string') return tokenFailure('TOKEN_MALFORMED');
    if (token.length > maxLength) return tokenFailure('TOKEN_TOO_LARGE');
    const dot1 = token.indexOf('.');
    const dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
    if (dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) return tokenFailure('TOKEN_MALFORMED');
    const entry = headerEntry(token, dot1);
    if (!entry.ok) return entry;
    const keys = entry.keys;
    if (keys === undefined || keys[0]!.kind !== 'hmac') {
      useCache = cacheInUse();
      return verifyPublic(token, dot1, dot2, entry, callOptions, sync);
    }
    // HMAC: compare the base64url of the expected MAC with the token's text in constant
    // time. Equal text means equal bytes, and only the canonical spelling can be equal.
    const signingInput = token.slice(0, dot2);
    const signature = token.slice(dot2 + 1);
    const cache = cacheInUse();
    useCache = cache;
    const known = cache ? macCache.get(signingInput) : undefined;
    let valid = known !== undefined && timingSafeEqualString(known, signature);
    for (let i = 0; !valid && i < keys.length; i++) {
      const key = keys[i] as Extract<PreparedVerificationKey, { kind: 'hmac' }>;
      const mac = key.hmac.signBase64Url(signingInput);
      if (timingSafeEqualString(mac, signature)) {
        valid = true;
        if (cache) {
          // Bounded like the claims: distinct valid tokens only cost recomputing.
          if (macCache.size >= payloadCacheSize) macCache.clear();
          macCache.set(signingInput, mac);
        }
      }
    }
    if (!valid) {
      // Only to pick the code: a non-canonical spelling is malformed rather than wrong.
      const bytes = decodeBase64UrlStrict(signature);
      return tokenFailure(
        bytes === undefined || bytes.length === 0 ? 'TOKEN_MALFORMED' : 'TOKEN_SIGNATURE_INVALID',
      );
    }
    return checkPayload(token, dot1, dot2, entry.header, callOptions, sync);
  }

  function verify(token: string, callOptions?: VerifyTokenCallOptions): Promise<TokenResult<C>> {
    // Without `sync` the answer is never undefined.
    const result = verifyNow(token, callOptions, false)!;
    if (result instanceof Promise) return result;
    return result.ok ? Promise.resolve(result) : settledTokenFailure(result.error.code);
  }

  function verifySync(
    token: string,
    callOptions?: VerifyTokenCallOptions,
  ): TokenResult<C> | undefined {
    return verifyNow(token, callOptions, true) as TokenResult<C> | undefined;
  }

  return {
    verify,
    verifySync,
    ready: () =>
      Promise.all(prepared.flatMap((k) => (k.kind === 'public' ? [k.verifier.ready()] : []))).then(
        () => undefined,
      ),
  };
}

async function checkRevocation<T>(
  store: RevocationStore,
  jti: string,
  now: number,
  result: T,
): Promise<T | ReturnType<typeof tokenFailure>> {
  try {
    return (await store.isRevoked(jti, now)) ? tokenFailure('TOKEN_REVOKED') : result;
  } catch {
    return tokenFailure('TOKEN_REVOCATION_UNAVAILABLE');
  }
}

/** Freezes a parsed JSON value in place, all the way down, so a shared copy stays intact. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/** A canonical base64url segment holding a UTF-8 JSON object, or undefined. */
function decodeSegment(segment: string): Record<string, unknown> | undefined {
  const text = decodeBase64UrlUtf8(segment);
  return text === undefined ? undefined : parseJsonObject(text);
}
