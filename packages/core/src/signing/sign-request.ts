import { encodeBase64, encodeBase64Url } from '../internal/bytes.js';
import { callTime } from '../internal/options.js';
import { randomBytes } from '../internal/random.js';
import type { HeaderReader } from '../protect/types.js';
import { type ContentDigestAlgorithm, createContentDigest } from './content-digest.js';
import {
  buildSignatureBase,
  checkComponentIdentifier,
  KNOWN_STRUCTURED_FIELDS,
  type StructuredFieldType,
} from './signature-base.js';
import { createSignatureKey, type SignatureKey, type SignatureKeyInput } from './signature-key.js';
import { parseUrl, readBody, type SignatureRequestInput, toHeaderReader } from './signing-types.js';
import {
  parseSfDictionary,
  parseSfItem,
  type SfBareItem,
  type SfItem,
  serializeSfMember,
  sfItem,
} from './structured-fields.js';

/** Options of {@link createRequestSigner}. */
export interface RequestSignerOptions {
  /** The signing key (a prepared key, or the input to `createSignatureKey`). */
  readonly key: SignatureKey | SignatureKeyInput;
  /**
   * Covered components, in order: derived ones (`@method`, `@target-uri`, `@authority`,
   * `@scheme`, `@request-target`, `@path`, `@query`) and header names; a component with
   * parameters is written as a structured-field item, e.g. `'"@query-param";name="id"'` or
   * `'"example-dict";key="a"'`. Default `['@method', '@authority', '@path', '@query']`, plus
   * `content-type` (when present) and `content-digest` for a request with a body.
   */
  readonly components?: readonly string[] | undefined;
  /** Signature label. Default `sig1`. */
  readonly label?: string | undefined;
  /** Adds `expires` this many seconds after `created`. Default: no `expires`. */
  readonly expiresIn?: number | undefined;
  /**
   * Adds a random `nonce` (128 bits) so the verifier can refuse replays. Default true. A
   * string is used as the nonce itself: only for a one-shot `signRequest` or a test vector.
   */
  readonly nonce?: boolean | string | undefined;
  /** Application-specific `tag` parameter (RFC 9421 2.3). */
  readonly tag?: string | undefined;
  /** Sends the `alg` parameter too. Default false (the verifier takes the algorithm from its key). */
  readonly alg?: boolean | undefined;
  /**
   * Adds Content-Digest (and covers it) for a request with a body. Default `'sha-256'`;
   * `false` to leave the body unsigned.
   */
  readonly contentDigest?: ContentDigestAlgorithm | false | undefined;
  /** Extra header names that are structured fields, for the `sf` / `key` parameters. */
  readonly structuredFields?: Readonly<Record<string, StructuredFieldType>> | undefined;
  /** Clock in ms since the epoch. Default `Date.now`. */
  readonly clock?: (() => number) | undefined;
}

/** Per-call options of a signer. */
export interface SignCallOptions {
  /** Time of signing in ms since the epoch (default: the signer's clock). */
  readonly now?: number | undefined;
  /** A specific nonce instead of a random one (e.g. from a vector). */
  readonly nonce?: string | undefined;
}

/** Header fields to add to the request. Existing Signature-Input / Signature members are kept. */
export type SignedRequestHeaders = {
  readonly 'signature-input': string;
  readonly signature: string;
  /** Set when the signer computed a Content-Digest. */
  readonly 'content-digest'?: string;
};

/** A prepared signer. */
export interface RequestSigner {
  /**
   * Signs a request and returns the headers to set.
   *
   * @throws TypeError when the request cannot be signed as configured (a covered header is
   * absent, the URL is not absolute, or the label already exists): a caller bug, not input.
   */
  sign(request: SignatureRequestInput, options?: SignCallOptions): Promise<SignedRequestHeaders>;
}

const DEFAULT_COMPONENTS = ['@method', '@authority', '@path', '@query'];

/** Parses component strings into identifier items, once. */
export function parseComponentList(components: readonly string[], where: string): SfItem[] {
  const items: SfItem[] = [];
  const seen = new Set<string>();
  for (const c of components) {
    if (typeof c !== 'string' || c.length === 0) {
      throw new TypeError(`${where}: components must be non-empty strings.`);
    }
    let item: SfItem;
    if (c.charCodeAt(0) === 0x22) {
      const parsed = parseSfItem(c);
      if (!parsed.ok) throw new TypeError(`${where}: component ${c} is not a valid identifier.`);
      item = parsed.value;
    } else {
      item = sfItem({ type: 'string', value: c.toLowerCase() });
    }
    const checked = checkComponentIdentifier(item);
    if (!checked.ok) throw new TypeError(`${where}: component ${c}: ${checked.error.message}`);
    const key = serializeSfMember(item);
    if (seen.has(key)) throw new TypeError(`${where}: component ${c} is listed twice.`);
    seen.add(key);
    items.push(item);
  }
  return items;
}

function checkLabel(label: string, where: string): void {
  const parsed = parseSfDictionary(`${label}=1`);
  if (!parsed.ok || parsed.value.size !== 1 || !parsed.value.has(label)) {
    throw new TypeError(
      `${where}: label must be a structured-field key (a-z, 0-9, "_", "-", ".", "*").`,
    );
  }
}

function checkParamString(value: string, name: string, where: string): void {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) throw new TypeError(`${where}: ${name} must be printable ASCII.`);
  }
}

/**
 * Creates an HTTP Message Signatures signer (RFC 9421). Components and key are checked
 * and prepared once.
 *
 * @param options - key, components, label, expiry, nonce, tag, Content-Digest.
 * @returns a signer whose `sign(request)` gives `signature-input`, `signature` and
 *   `content-digest` headers to add.
 * @throws TypeError on a bad key, component list, label or option.
 * @example
 * ```ts
 * const signer = createRequestSigner({ key: { keyid: 'k1', algorithm: 'hmac-sha256', secret } });
 * const headers = await signer.sign({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body });
 * await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
 * ```
 */
export function createRequestSigner(options: RequestSignerOptions): RequestSigner {
  const where = 'createRequestSigner';
  if (!options || typeof options !== 'object')
    throw new TypeError(`${where}: options are required.`);
  const key =
    options.key && typeof (options.key as SignatureKey).sign === 'function'
      ? (options.key as SignatureKey)
      : createSignatureKey(options.key as SignatureKeyInput);
  if (!key.canSign)
    throw new TypeError(`${where}: the key "${key.keyid}" cannot sign (no private key).`);
  const label = options.label ?? 'sig1';
  checkLabel(label, where);
  const explicit = options.components !== undefined;
  const baseItems = parseComponentList(options.components ?? DEFAULT_COMPONENTS, where);
  const expiresIn = options.expiresIn;
  if (expiresIn !== undefined && (!Number.isInteger(expiresIn) || expiresIn <= 0)) {
    throw new TypeError(`${where}: expiresIn must be a positive whole number of seconds.`);
  }
  if (options.tag !== undefined) checkParamString(options.tag, 'tag', where);
  const digestAlg = options.contentDigest === undefined ? 'sha-256' : options.contentDigest;
  if (digestAlg !== false && digestAlg !== 'sha-256' && digestAlg !== 'sha-512') {
    throw new TypeError(`${where}: contentDigest must be 'sha-256', 'sha-512' or false.`);
  }
  const structuredFields = { ...KNOWN_STRUCTURED_FIELDS, ...options.structuredFields };
  const clock = options.clock ?? Date.now;
  const useNonce = options.nonce !== false;
  const coversDigest = baseItems.some((i) => i.value.value === 'content-digest');
  const names = (items: SfItem[]) => items.map((i) => i.value.value as string);

  async function sign(
    request: SignatureRequestInput,
    call?: SignCallOptions,
  ): Promise<SignedRequestHeaders> {
    const url = parseUrl(request.url);
    if (!url)
      throw new TypeError('RequestSigner.sign: url must be absolute, e.g. https://host/path.');
    const given = toHeaderReader(request.headers);
    const body = await readBody(request.body);
    const items = [...baseItems];
    let digest: string | undefined;
    const hasBody = body.length > 0;
    if (
      digestAlg !== false &&
      given.get('content-digest') === null &&
      (coversDigest || (!explicit && hasBody))
    ) {
      digest = createContentDigest(body, [digestAlg]);
    }
    if (!explicit && hasBody) {
      if (given.get('content-type') !== null)
        items.push(sfItem({ type: 'string', value: 'content-type' }));
      if (digestAlg !== false || given.get('content-digest') !== null) {
        items.push(sfItem({ type: 'string', value: 'content-digest' }));
      }
    }
    const headers: HeaderReader =
      digest === undefined
        ? given
        : { get: (n) => (n.toLowerCase() === 'content-digest' ? digest! : given.get(n)) };

    const now = callTime('sign', call?.now, clock);
    const created = Math.floor(now / 1000);
    const params = new Map<string, SfBareItem>([['created', { type: 'integer', value: created }]]);
    if (expiresIn !== undefined)
      params.set('expires', { type: 'integer', value: created + expiresIn });
    const fixedNonce =
      call?.nonce ?? (typeof options.nonce === 'string' ? options.nonce : undefined);
    if (fixedNonce !== undefined) {
      checkParamString(fixedNonce, 'nonce', 'RequestSigner.sign');
      params.set('nonce', { type: 'string', value: fixedNonce });
    } else if (useNonce) {
      params.set('nonce', { type: 'string', value: encodeBase64Url(randomBytes(16)) });
    }
    if (options.alg) params.set('alg', { type: 'string', value: key.algorithm });
    params.set('keyid', { type: 'string', value: key.keyid });
    if (options.tag !== undefined) params.set('tag', { type: 'string', value: options.tag });
    const inner = { items, params };

    const base = buildSignatureBase(
      inner,
      names(items),
      { method: request.method, url, headers },
      structuredFields,
    );
    if (!base.ok) throw new TypeError(`RequestSigner.sign: ${base.error.message}`);
    const signature = await key.sign(base.value);

    const existingInput = given.get('signature-input');
    const existingSig = given.get('signature');
    for (const field of [existingInput, existingSig]) {
      if (field === null) continue;
      const parsed = parseSfDictionary(field);
      if (!parsed.ok)
        throw new TypeError('RequestSigner.sign: the request carries a malformed signature field.');
      if (parsed.value.has(label)) {
        throw new TypeError(
          `RequestSigner.sign: the request already has a signature labelled "${label}"; pick another label.`,
        );
      }
    }
    const inputMember = `${label}=${serializeSfMember(inner)}`;
    const sigMember = `${label}=:${encodeBase64(signature)}:`;
    const out: { 'signature-input': string; signature: string; 'content-digest'?: string } = {
      'signature-input': existingInput ? `${existingInput}, ${inputMember}` : inputMember,
      signature: existingSig ? `${existingSig}, ${sigMember}` : sigMember,
    };
    if (digest !== undefined) out['content-digest'] = digest;
    return out;
  }

  return { sign };
}

/**
 * Signs one request (one-shot form of {@link createRequestSigner}).
 *
 * @param request - method, absolute url, headers and body.
 * @param options - as for `createRequestSigner`, plus `now` / `nonce`.
 * @returns the headers to add.
 * @throws TypeError on a configuration or caller error.
 * @example
 * ```ts
 * const headers = await signRequest({ method: 'GET', url: 'https://api.example.com/x', headers: {} }, { key });
 * ```
 */
export function signRequest(
  request: SignatureRequestInput,
  options: RequestSignerOptions & { readonly now?: number | undefined },
): Promise<SignedRequestHeaders> {
  return createRequestSigner(options).sign(request, { now: options.now });
}
