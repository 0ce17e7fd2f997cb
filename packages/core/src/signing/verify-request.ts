import { callTime } from '../internal/options.js';
import { fail, ok, type Result } from '../internal/result.js';
import type { HeaderReader } from '../protect/types.js';
import { type ContentDigestAlgorithm, verifyContentDigest } from './content-digest.js';
import {
  checkNonce,
  createMemoryNonceStore,
  NONCE_STORE_MESSAGE,
  type NonceStore,
} from './nonce-store.js';
import {
  buildSignatureBase,
  checkComponentIdentifier,
  KNOWN_STRUCTURED_FIELDS,
  type StructuredFieldType,
  serializeComponentIdentifier,
} from './signature-base.js';
import {
  createSignatureKey,
  type MessageSignatureAlgorithm,
  type SignatureKey,
  type SignatureKeyInput,
} from './signature-key.js';
import {
  parseUrl,
  readBody,
  type SignatureErrorCode,
  type SignatureRequestInput,
  toHeaderReader,
} from './signing-types.js';
import {
  isSfInnerList,
  parseSfDictionary,
  type SfDictionary,
  type SfInnerList,
} from './structured-fields.js';

/** Finds the key for a `keyid`; undefined when unknown. */
export type SignatureKeyResolver = (
  keyid: string,
) => SignatureKey | undefined | Promise<SignatureKey | undefined>;

/** Options of {@link createRequestVerifier}. */
export interface RequestVerifierOptions {
  /** Trusted keys (each with its algorithm), or a resolver from keyid to key. */
  readonly keys: readonly (SignatureKey | SignatureKeyInput)[] | SignatureKeyResolver;
  /** Verify only the signature with this label. Default: every signature made by a known key. */
  readonly label?: string | undefined;
  /** Consider only signatures whose `tag` parameter equals this. */
  readonly tag?: string | undefined;
  /**
   * Components every accepted signature must cover. Default
   * `['@method', '@authority', '@path', '@query']`. `@target-uri` counts as covering
   * `@scheme`, `@authority`, `@path`, `@query` and `@request-target`; `@request-target`
   * counts as covering `@path` and `@query`; `@query` is only required when the URL has a
   * query string.
   */
  readonly requiredComponents?: readonly string[] | undefined;
  /**
   * For a request with a non-empty body, require `content-digest` among the covered
   * components and check it against the body. Default true: without it the body is unsigned.
   */
  readonly requireContentDigest?: boolean | undefined;
  /**
   * Digest algorithms accepted. Default `['sha-512', 'sha-256']`. Only the Content-Digest
   * members a signature covers count: for `"content-digest";key="sha-256"` that member must
   * have an accepted algorithm and match the body (an uncovered digest in another algorithm
   * never stands in for it). Weak algorithms (`md5`, `sha`...) never count.
   */
  readonly digestAlgorithms?: readonly ContentDigestAlgorithm[] | undefined;
  /** Oldest accepted `created`, in seconds before now. Default 300. */
  readonly maxAge?: number | undefined;
  /** Allowance for a signer's clock running ahead (for `created` and `expires`), seconds. Default 30. */
  readonly clockSkew?: number | undefined;
  /** Require the `created` parameter. Default true. */
  readonly requireCreated?: boolean | undefined;
  /** Require a `nonce` and refuse one seen inside the window. Default true. */
  readonly requireNonce?: boolean | undefined;
  /** Where nonces are remembered. Default: a bounded in-memory store for this verifier. */
  readonly nonceStore?: NonceStore | undefined;
  /** Most signatures a message may carry. Default 8. */
  readonly maxSignatures?: number | undefined;
  /** Extra header names that are structured fields, for the `sf` / `key` parameters. */
  readonly structuredFields?: Readonly<Record<string, StructuredFieldType>> | undefined;
  /** Clock in ms since the epoch. Default `Date.now`. */
  readonly clock?: (() => number) | undefined;
}

/** One verified signature. */
export interface VerifiedSignature {
  readonly label: string;
  readonly keyid: string;
  /** The key's algorithm (never read from the message). */
  readonly algorithm: MessageSignatureAlgorithm;
  /** Covered component identifiers, serialized, in order (e.g. `"@method"`). */
  readonly components: readonly string[];
  readonly created?: number | undefined;
  readonly expires?: number | undefined;
  readonly nonce?: string | undefined;
  readonly tag?: string | undefined;
}

/** A successful verification: every signature that was checked. */
export interface VerifiedRequest {
  readonly signatures: readonly VerifiedSignature[];
  /** The keyid of the first verified signature. */
  readonly keyid: string;
}

/** Result of {@link RequestVerifier.verify}. */
export type VerifyRequestResult = Result<VerifiedRequest, SignatureErrorCode>;

/** A prepared verifier. */
export interface RequestVerifier {
  /** Verifies a request's signatures. Never throws on untrusted input (store outages reject). */
  verify(request: SignatureRequestInput, options?: { now?: number }): Promise<VerifyRequestResult>;
}

const DEFAULT_REQUIRED = ['@method', '@authority', '@path', '@query'];
const COVERED_BY_TARGET_URI = new Set([
  '@scheme',
  '@authority',
  '@path',
  '@query',
  '@request-target',
]);
const COVERED_BY_REQUEST_TARGET = new Set(['@path', '@query']);
const MAX_FIELD_LENGTH = 16_384;
const WHOLE_FIELD: readonly ContentDigestAlgorithm[] = ['sha-256', 'sha-512'];

interface Candidate {
  readonly label: string;
  readonly inner: SfInnerList;
  readonly names: readonly string[];
  readonly keyid: string;
  readonly key: SignatureKey;
  readonly created: number | undefined;
  readonly expires: number | undefined;
  readonly nonce: string | undefined;
  readonly alg: string | undefined;
  readonly tag: string | undefined;
  readonly signature: Uint8Array;
}

function nonNegativeSeconds(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`createRequestVerifier: ${name} must be a non-negative number of seconds.`);
  }
  return value;
}

/**
 * Creates an HTTP Message Signatures verifier (RFC 9421) with Content-Digest (RFC 9530)
 * and replay protection. Keys and policy are checked once here.
 *
 * @param options - trusted keys and the policy (required components, max age, skew, nonces).
 * @returns a verifier; `verify(request)` resolves to `ok({ signatures, keyid })` or a
 *   {@link SignatureErrorCode}.
 * @throws TypeError on a bad key list or option.
 * @example
 * ```ts
 * const verifier = createRequestVerifier({
 *   keys: [{ keyid: 'partner-1', algorithm: 'hmac-sha256', secret }],
 *   nonceStore: createRedisNonceStore(redis), // shared across processes
 * });
 * const r = await verifier.verify({ method, url, headers, body: rawBody });
 * if (!r.ok) return new Response(r.error.code, { status: 401 });
 * ```
 */
export function createRequestVerifier(options: RequestVerifierOptions): RequestVerifier {
  const where = 'createRequestVerifier';
  if (!options || typeof options !== 'object')
    throw new TypeError(`${where}: options are required.`);
  let resolve: SignatureKeyResolver;
  if (typeof options.keys === 'function') {
    resolve = options.keys;
  } else if (Array.isArray(options.keys)) {
    const map = new Map<string, SignatureKey>();
    for (const k of options.keys as readonly (SignatureKey | SignatureKeyInput)[]) {
      const key =
        k && typeof (k as SignatureKey).verify === 'function'
          ? (k as SignatureKey)
          : createSignatureKey(k as SignatureKeyInput);
      if (!key.canVerify)
        throw new TypeError(`${where}: key "${key.keyid}" cannot verify (no public key).`);
      if (map.has(key.keyid))
        throw new TypeError(`${where}: keyid "${key.keyid}" is listed twice.`);
      map.set(key.keyid, key);
    }
    if (map.size === 0) throw new TypeError(`${where}: keys must hold at least one key.`);
    resolve = (keyid) => map.get(keyid);
  } else {
    throw new TypeError(`${where}: keys must be an array of keys or a function (keyid) => key.`);
  }
  const required = (options.requiredComponents ?? DEFAULT_REQUIRED).map((c) => {
    if (typeof c !== 'string' || c.length === 0) {
      throw new TypeError(`${where}: requiredComponents must be component names.`);
    }
    return c.toLowerCase();
  });
  const requireDigest = options.requireContentDigest !== false;
  const digestAlgorithms = options.digestAlgorithms;
  if (digestAlgorithms !== undefined) verifyContentDigest('', '', { algorithms: digestAlgorithms });
  const maxAge = nonNegativeSeconds(options.maxAge, 300, 'maxAge');
  const skew = nonNegativeSeconds(options.clockSkew, 30, 'clockSkew');
  const requireCreated = options.requireCreated !== false;
  const requireNonce = options.requireNonce !== false;
  const nonceStore = options.nonceStore ?? createMemoryNonceStore();
  const maxSignatures = options.maxSignatures ?? 8;
  if (!Number.isInteger(maxSignatures) || maxSignatures < 1) {
    throw new TypeError(`${where}: maxSignatures must be a positive integer.`);
  }
  const structuredFields = { ...KNOWN_STRUCTURED_FIELDS, ...options.structuredFields };
  const clock = options.clock ?? Date.now;
  const onlyLabel = options.label;
  const onlyTag = options.tag;

  function covers(names: readonly string[], component: string): boolean {
    if (names.includes(component)) return true;
    if (COVERED_BY_TARGET_URI.has(component) && names.includes('@target-uri')) return true;
    return COVERED_BY_REQUEST_TARGET.has(component) && names.includes('@request-target');
  }

  async function select(
    inputs: SfDictionary,
    signatures: SfDictionary,
  ): Promise<Result<Candidate[], SignatureErrorCode>> {
    const labels = onlyLabel === undefined ? [...inputs.keys()] : [onlyLabel];
    if (onlyLabel !== undefined && !inputs.has(onlyLabel)) {
      return fail('SIGNATURE_MISSING', 'No signature with the expected label.');
    }
    const candidates: Candidate[] = [];
    let unknownKey = false;
    let tagMismatch = false;
    for (const label of labels) {
      const inner = inputs.get(label)!;
      if (!isSfInnerList(inner))
        return fail('SIGNATURE_MALFORMED', 'Signature-Input members must be inner lists.');
      const sigMember = signatures.get(label);
      if (!sigMember)
        return fail('SIGNATURE_MALFORMED', 'Signature-Input and Signature do not pair up.');
      if (isSfInnerList(sigMember) || sigMember.value.type !== 'binary') {
        return fail('SIGNATURE_MALFORMED', 'Signature values must be byte sequences.');
      }
      const p = inner.params;
      const created = p.get('created');
      const expires = p.get('expires');
      const nonce = p.get('nonce');
      const alg = p.get('alg');
      const keyid = p.get('keyid');
      const tag = p.get('tag');
      if (
        (created && created.type !== 'integer') ||
        (expires && expires.type !== 'integer') ||
        (nonce && nonce.type !== 'string') ||
        (alg && alg.type !== 'string') ||
        (keyid && keyid.type !== 'string') ||
        (tag && tag.type !== 'string')
      ) {
        return fail('SIGNATURE_MALFORMED', 'A signature parameter has the wrong type.');
      }
      const tagValue = tag?.value as string | undefined;
      if (onlyTag !== undefined && tagValue !== onlyTag) {
        tagMismatch = true;
        continue;
      }
      if (!keyid) {
        if (onlyLabel !== undefined)
          return fail('SIGNATURE_PARAMETER_MISSING', 'The signature has no keyid.');
        unknownKey = true;
        continue;
      }
      let key: SignatureKey | undefined;
      try {
        key = await resolve(keyid.value as string);
      } catch {
        return fail('KEY_UNAVAILABLE', 'The signing key could not be looked up.');
      }
      if (!key) {
        unknownKey = true;
        continue;
      }
      const names: string[] = [];
      const seen = new Set<string>();
      for (const item of inner.items) {
        const checked = checkComponentIdentifier(item);
        if (!checked.ok) return checked;
        const id = serializeComponentIdentifier(item);
        if (seen.has(id))
          return fail('SIGNATURE_MALFORMED', 'A covered component is listed twice.');
        seen.add(id);
        names.push(checked.value);
      }
      candidates.push({
        label,
        inner,
        names,
        keyid: keyid.value as string,
        key,
        created: created?.value as number | undefined,
        expires: expires?.value as number | undefined,
        nonce: nonce?.value as string | undefined,
        alg: alg?.value as string | undefined,
        tag: tagValue,
        signature: sigMember.value.value as Uint8Array,
      });
    }
    if (candidates.length === 0) {
      if (unknownKey) return fail('KEY_UNKNOWN', 'The signature was made with an unknown key.');
      if (tagMismatch) return fail('SIGNATURE_MISSING', 'No signature with the expected tag.');
      return fail('SIGNATURE_MISSING', 'The request is not signed.');
    }
    return ok(candidates);
  }

  async function verify(
    request: SignatureRequestInput,
    call?: { now?: number },
  ): Promise<VerifyRequestResult> {
    // The request is untrusted: a missing or non-object request reads as unsigned.
    const headers: HeaderReader = toHeaderReader(request?.headers);
    const now = callTime('verify', call?.now, clock);
    const inputField = headers.get('signature-input');
    const sigField = headers.get('signature');
    if (inputField === null || sigField === null) {
      return fail('SIGNATURE_MISSING', 'The request is not signed.');
    }
    if (inputField.length > MAX_FIELD_LENGTH || sigField.length > MAX_FIELD_LENGTH) {
      return fail('SIGNATURE_MALFORMED', 'Signature fields are too long.');
    }
    const inputs = parseSfDictionary(inputField, { rejectDuplicateKeys: true });
    const signatures = parseSfDictionary(sigField, { rejectDuplicateKeys: true });
    for (const parsed of [inputs, signatures]) {
      if (!parsed.ok) {
        return parsed.error.code === 'SF_DUPLICATE_KEY'
          ? fail('SIGNATURE_DUPLICATE_LABEL', 'A signature label appears twice.')
          : fail('SIGNATURE_MALFORMED', 'Signature fields are malformed.');
      }
    }
    if (!inputs.ok || !signatures.ok)
      return fail('SIGNATURE_MALFORMED', 'Signature fields are malformed.');
    if (inputs.value.size > maxSignatures || signatures.value.size > maxSignatures) {
      return fail('SIGNATURE_MALFORMED', 'The request carries too many signatures.');
    }
    const url = parseUrl(request.url);
    if (!url) return fail('COMPONENT_INVALID', 'The request URL is not absolute.');
    const selected = await select(inputs.value, signatures.value);
    if (!selected.ok) return selected;

    const nowSeconds = now / 1000;
    let body: Uint8Array | string | undefined;
    // undefined when the body reader fails (too large for the adapter, already consumed).
    const loadBody = async (): Promise<Uint8Array | string | undefined> => {
      if (body === undefined) body = await readBody(request.body).catch(() => undefined);
      return body;
    };
    const BODY_FAILED = fail('BODY_UNAVAILABLE', 'The request body could not be read.');
    let checkDigest = false;
    // Which Content-Digest members the signatures vouch for: all of them when one covers the
    // whole field, else those named by `"content-digest";key="..."`.
    let digestWhole = false;
    const digestMembers: string[] = [];
    const base = { method: request.method, url, headers };
    for (const c of selected.value) {
      if (c.alg !== undefined && c.alg !== c.key.algorithm) {
        return fail('SIGNATURE_ALG_MISMATCH', 'The alg parameter does not match the key.');
      }
      if (c.created === undefined && requireCreated) {
        return fail('SIGNATURE_PARAMETER_MISSING', 'The signature has no created time.');
      }
      if (c.created !== undefined) {
        if (c.created > nowSeconds + skew) {
          return fail('SIGNATURE_NOT_YET_VALID', 'The signature was created in the future.');
        }
        if (nowSeconds - c.created > maxAge)
          return fail('SIGNATURE_EXPIRED', 'The signature is too old.');
      }
      if (c.expires !== undefined && nowSeconds > c.expires + skew) {
        return fail('SIGNATURE_EXPIRED', 'The signature has expired.');
      }
      if (c.nonce === undefined && requireNonce) {
        return fail('SIGNATURE_PARAMETER_MISSING', 'The signature has no nonce.');
      }
      for (const r of required) {
        if (r === '@query' && url.search === '') continue;
        if (!covers(c.names, r)) {
          return fail(
            'COMPONENT_NOT_COVERED',
            'The signature does not cover a required component.',
          );
        }
      }
      const coversDigest = c.names.includes('content-digest');
      if (requireDigest && !coversDigest) {
        const bytes = await loadBody();
        if (bytes === undefined) return BODY_FAILED;
        if (bytes.length > 0) {
          return fail(
            'COMPONENT_NOT_COVERED',
            'The signature does not cover the body (content-digest).',
          );
        }
      }
      if (coversDigest) {
        checkDigest = true;
        for (let i = 0; i < c.names.length; i++) {
          if (c.names[i] !== 'content-digest') continue;
          const member = c.inner.items[i]!.params.get('key');
          if (member?.type === 'string') digestMembers.push(member.value);
          else digestWhole = true;
        }
      }
      const text = buildSignatureBase(c.inner, c.names, base, structuredFields);
      if (!text.ok) return text;
      if (!(await c.key.verify(text.value, c.signature))) {
        return fail('SIGNATURE_MISMATCH', 'The signature does not verify.');
      }
    }
    if (checkDigest) {
      const bytes = await loadBody();
      if (bytes === undefined) return BODY_FAILED;
      const digest = verifyContentDigest(headers.get('content-digest'), bytes, {
        algorithms: digestAlgorithms,
        // A signature over the whole field vouches for every member: each strong one is checked.
        covered: digestWhole ? WHOLE_FIELD : digestMembers,
      });
      if (!digest.ok) return digest;
    }
    // Nonces are remembered only once everything else verified, so forged messages cannot
    // burn a legitimate sender's nonces.
    for (const c of selected.value) {
      if (c.nonce === undefined) continue;
      const until =
        Math.min(
          c.created !== undefined ? c.created + maxAge : nowSeconds + maxAge,
          c.expires !== undefined ? c.expires + skew : Number.POSITIVE_INFINITY,
        ) * 1000;
      const nonce = await checkNonce(nonceStore, `rfc9421:${c.keyid}:${c.nonce}`, until + 1, now);
      if (nonce === 'replayed') return fail('NONCE_REPLAYED', 'The signature was already used.');
      if (nonce === 'unavailable') return fail('NONCE_STORE_UNAVAILABLE', NONCE_STORE_MESSAGE);
    }
    const verified: VerifiedSignature[] = selected.value.map((c) => ({
      label: c.label,
      keyid: c.keyid,
      algorithm: c.key.algorithm,
      components: c.inner.items.map(serializeComponentIdentifier),
      created: c.created,
      expires: c.expires,
      nonce: c.nonce,
      tag: c.tag,
    }));
    return ok({ signatures: verified, keyid: verified[0]!.keyid });
  }

  return { verify };
}

/**
 * Verifies one request (one-shot form of {@link createRequestVerifier}). Prefer the
 * factory: it prepares keys once and keeps one nonce store across requests.
 *
 * @param request - method, absolute url, headers, raw body.
 * @param options - as for `createRequestVerifier`, plus `now` (ms).
 * @returns `ok({ signatures, keyid })` or a {@link SignatureErrorCode}. Never throws on input.
 * @example
 * ```ts
 * const r = await verifyRequest(req, { keys, nonceStore, now: Date.now() });
 * ```
 */
export function verifyRequest(
  request: SignatureRequestInput,
  options: RequestVerifierOptions & { now?: number },
): Promise<VerifyRequestResult> {
  return createRequestVerifier(options).verify(request, { now: options.now });
}
