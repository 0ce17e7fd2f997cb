// Standard Webhooks (standardwebhooks.com): HMAC-SHA256 over `{id}.{timestamp}.{body}`,
// secrets `whsec_` + base64, signatures `v1,<base64>` separated by spaces.
import { importHmacKey } from '#hash';
import { decodeBase64, decodeUtf8, encodeBase64 } from '../internal/bytes.js';
import { timingSafeEqual } from '../internal/constant-time.js';
import type { BinaryLike, HmacKey } from '../internal/hash-types.js';
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
 * Why a webhook was refused (shared vocabulary with request signatures):
 * - `SIGNATURE_MISSING`: `webhook-id`, `webhook-timestamp` or `webhook-signature` is absent.
 * - `SIGNATURE_MALFORMED`: the timestamp is not a whole number of seconds, or the id is
 *   empty or too long.
 * - `SIGNATURE_EXPIRED`: the timestamp is older than the tolerance.
 * - `SIGNATURE_NOT_YET_VALID`: the timestamp is further in the future than the tolerance.
 * - `SIGNATURE_MISMATCH`: no `v1` signature matches any secret.
 * - `NONCE_REPLAYED`: this message id was already accepted within the window (a redelivery).
 * - `WEBHOOK_PAYLOAD_INVALID`: the signature is good but `parse: 'json'` found no valid
 *   UTF-8 JSON.
 */
export type WebhookErrorCode =
  | 'SIGNATURE_MISSING'
  | 'SIGNATURE_MALFORMED'
  | 'SIGNATURE_EXPIRED'
  | 'SIGNATURE_NOT_YET_VALID'
  | 'SIGNATURE_MISMATCH'
  | 'NONCE_REPLAYED'
  | 'NONCE_STORE_UNAVAILABLE'
  | 'WEBHOOK_PAYLOAD_INVALID';

/** A webhook secret: `whsec_<base64>` (or the base64 alone), or raw bytes. */
export type WebhookSecret = string | Uint8Array;

/** The three headers of a signed webhook. */
// A type alias (not an interface) so it is assignable to header records.
export type WebhookHeaders = {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
};

/** What {@link signWebhook} signs. */
export interface SignWebhookInput {
  /** Unique message id (the receiver's idempotency key); no "." allowed. */
  readonly id: string;
  /** Send time: seconds since the epoch, or a Date. */
  readonly timestamp: number | Date;
  /** The exact body bytes that will be sent (a string is sent as UTF-8). */
  readonly payload: BinaryLike;
}

/** Options of {@link createWebhookVerifier}. */
export interface WebhookVerifierOptions {
  /** The secret, or several during a rotation (any one matching is enough). */
  readonly secret: WebhookSecret | readonly WebhookSecret[];
  /** Accepted distance between the timestamp and now, both ways, in seconds. Default 300. */
  readonly tolerance?: number | undefined;
  /**
   * Remembers accepted message ids for the tolerance window so a redelivery is reported
   * as `NONCE_REPLAYED` instead of being processed twice. Default: a bounded in-memory
   * store for this verifier; pass `null` to turn de-duplication off.
   */
  readonly nonceStore?: NonceStore | null | undefined;
  /** `'json'` parses the payload after the signature checks out. Default `'raw'`. */
  readonly parse?: 'raw' | 'json' | undefined;
  /** Clock in ms since the epoch. Default `Date.now`. */
  readonly clock?: (() => number) | undefined;
}

/** A webhook that passed verification. */
export interface VerifiedWebhook {
  readonly id: string;
  /** Seconds since the epoch. */
  readonly timestamp: number;
  /** The raw body exactly as received. */
  readonly body: BinaryLike;
  /** The parsed JSON, when `parse: 'json'`. */
  readonly payload?: unknown;
}

/** What a webhook verifier checks: the headers and the raw body, before any JSON parsing. */
export interface WebhookInput {
  readonly headers: HeadersInput;
  readonly body: BinaryLike;
}

/** A prepared webhook verifier. */
export interface WebhookVerifier {
  /** Never throws on untrusted input (a store outage rejects). */
  verify(
    input: WebhookInput,
    options?: { now?: number },
  ): Promise<Result<VerifiedWebhook, WebhookErrorCode>>;
}

const PREFIX = 'whsec_';
const MIN_SECRET_BYTES = 24;
const MAX_SIGNATURE_FIELD = 4096;
const MAX_ID_LENGTH = 256;

function importSecret(secret: WebhookSecret, where: string): HmacKey {
  let bytes: Uint8Array | undefined;
  if (secret instanceof Uint8Array) bytes = secret;
  else if (typeof secret === 'string') {
    const text = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
    bytes = text.length === 0 ? undefined : decodeBase64(text);
    if (!bytes) {
      throw new TypeError(
        `${where}: a webhook secret must be "whsec_" followed by base64 (or raw bytes).`,
      );
    }
  }
  if (!bytes || bytes.length < MIN_SECRET_BYTES) {
    throw new TypeError(
      `${where}: a webhook secret must hold at least ${MIN_SECRET_BYTES} random bytes (Standard Webhooks: 24 to 64).`,
    );
  }
  return importHmacKey('sha256', bytes);
}

function importSecrets(secret: WebhookVerifierOptions['secret'], where: string): HmacKey[] {
  const list = Array.isArray(secret) ? secret : [secret as WebhookSecret];
  if (list.length === 0) throw new TypeError(`${where}: at least one secret is required.`);
  return list.map((s) => importSecret(s, where));
}

function toSeconds(timestamp: number | Date, where: string): number {
  const seconds = timestamp instanceof Date ? Math.floor(timestamp.getTime() / 1000) : timestamp;
  if (typeof seconds !== 'number' || !Number.isSafeInteger(seconds) || seconds < 0) {
    throw new TypeError(
      `${where}: timestamp must be a Date or whole non-negative seconds since the epoch.`,
    );
  }
  return seconds;
}

/** A prepared webhook signer: secrets decoded and keyed once. */
export interface WebhookSigner {
  /**
   * Signs one webhook.
   *
   * @throws TypeError on a bad id or timestamp (caller errors).
   */
  sign(input: SignWebhookInput): WebhookHeaders;
}

/**
 * Creates a Standard Webhooks signer for a sender that signs many messages: the secrets
 * are decoded and keyed once here.
 *
 * @param secret - one secret, or several to sign with each during a rotation.
 * @returns a signer whose `sign({ id, timestamp, payload })` gives the three headers.
 * @throws TypeError on a missing, malformed or short secret.
 * @example
 * ```ts
 * const signer = createWebhookSigner(env.WEBHOOK_SECRET!);
 * const headers = signer.sign({ id: 'msg_1', timestamp: new Date(), payload: body });
 * ```
 */
export function createWebhookSigner(
  secret: WebhookSecret | readonly WebhookSecret[],
): WebhookSigner {
  const keys = importSecrets(secret, 'createWebhookSigner');
  return {
    sign(input) {
      const where = 'signWebhook';
      const id = input?.id;
      if (
        typeof id !== 'string' ||
        id.length === 0 ||
        id.length > MAX_ID_LENGTH ||
        id.includes('.')
      ) {
        throw new TypeError(
          `${where}: id must be a non-empty string without "." (at most 256 characters).`,
        );
      }
      const timestamp = toSeconds(input.timestamp, where);
      const prefix = `${id}.${timestamp}.`;
      let signatures = '';
      for (const k of keys) {
        signatures += `${signatures ? ' ' : ''}v1,${encodeBase64(k.signParts([prefix, input.payload]))}`;
      }
      return {
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatures,
      };
    },
  };
}

/**
 * Signs a webhook for sending (Standard Webhooks). One-shot form of
 * {@link createWebhookSigner}, which a sender signing many messages should prefer.
 *
 * @param input - message id, timestamp, and the exact payload that will be sent.
 * @param secret - one secret, or several to sign with each during a rotation.
 * @returns the `webhook-id`, `webhook-timestamp` and `webhook-signature` headers.
 * @throws TypeError on a bad secret, id or timestamp (caller errors).
 * @example
 * ```ts
 * const headers = signWebhook({ id: 'msg_1', timestamp: new Date(), payload: body }, 'whsec_...');
 * await fetch(endpoint, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
 * ```
 */
export function signWebhook(
  input: SignWebhookInput,
  secret: WebhookSecret | readonly WebhookSecret[],
): WebhookHeaders {
  return createWebhookSigner(secret).sign(input);
}

function parseTimestamp(text: string): number | undefined {
  if (text.length === 0 || text.length > 12) return undefined;
  let value = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return undefined;
    value = value * 10 + (c - 0x30);
  }
  return value;
}

/**
 * Creates a Standard Webhooks verifier. Secrets are decoded and keyed once.
 *
 * Verifies the raw body before anything parses it, checks the timestamp against the
 * tolerance, accepts any `v1` signature under any configured secret (other versions are
 * ignored), and de-duplicates message ids through the NonceStore.
 *
 * @param options - secret(s), tolerance, nonce store, parse mode.
 * @returns a verifier; `verify({ headers, body })` resolves to a {@link VerifiedWebhook} or a
 *   {@link WebhookErrorCode}.
 * @throws TypeError on a missing, malformed or short secret, or a bad tolerance.
 * @example
 * ```ts
 * const webhooks = createWebhookVerifier({ secret: env.WEBHOOK_SECRET!, parse: 'json' });
 * const r = await webhooks.verify({ headers: request.headers, body: await request.text() });
 * if (!r.ok) return new Response(null, { status: r.error.code === 'NONCE_REPLAYED' ? 200 : 401 });
 * ```
 */
export function createWebhookVerifier(options: WebhookVerifierOptions): WebhookVerifier {
  const where = 'createWebhookVerifier';
  if (!options || typeof options !== 'object')
    throw new TypeError(`${where}: options are required.`);
  const keys = importSecrets(options.secret, where);
  const tolerance = options.tolerance ?? 300;
  if (typeof tolerance !== 'number' || !Number.isFinite(tolerance) || tolerance < 0) {
    throw new TypeError(`${where}: tolerance must be a non-negative number of seconds.`);
  }
  const store =
    options.nonceStore === null ? undefined : (options.nonceStore ?? createMemoryNonceStore());
  const parseJson = options.parse === 'json';
  if (options.parse !== undefined && options.parse !== 'raw' && options.parse !== 'json') {
    throw new TypeError(`${where}: parse must be 'raw' or 'json'.`);
  }
  const clock = options.clock ?? Date.now;

  async function verify(
    input: WebhookInput,
    call?: { now?: number },
  ): Promise<Result<VerifiedWebhook, WebhookErrorCode>> {
    // The input is untrusted: a missing or non-object input reads as unsigned.
    const headers = toHeaderReader(input?.headers);
    const now = callTime('verify', call?.now, clock);
    const id = headers.get('webhook-id');
    const ts = headers.get('webhook-timestamp');
    const sigs = headers.get('webhook-signature');
    if (id === null || ts === null || sigs === null) {
      return fail('SIGNATURE_MISSING', 'Webhook signature headers are missing.');
    }
    if (id.length === 0 || id.length > MAX_ID_LENGTH || sigs.length > MAX_SIGNATURE_FIELD) {
      return fail('SIGNATURE_MALFORMED', 'Webhook headers are malformed.');
    }
    const timestamp = parseTimestamp(ts);
    if (timestamp === undefined)
      return fail('SIGNATURE_MALFORMED', 'Webhook timestamp is invalid.');
    const nowSeconds = Math.floor(now / 1000);
    if (nowSeconds - timestamp > tolerance)
      return fail('SIGNATURE_EXPIRED', 'Webhook timestamp is too old.');
    if (timestamp - nowSeconds > tolerance) {
      return fail('SIGNATURE_NOT_YET_VALID', 'Webhook timestamp is too new.');
    }
    const prefix = `${id}.${ts}.`;
    const expected = keys.map((k) => k.signParts([prefix, input.body]));
    let matched = false;
    // Every entry is examined (no early exit), each compared in constant time.
    for (const entry of sigs.split(' ')) {
      const comma = entry.indexOf(',');
      if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
      const received = decodeBase64(entry.slice(comma + 1));
      if (received?.length !== 32) continue;
      for (const e of expected) if (timingSafeEqual(e, received)) matched = true;
    }
    if (!matched) return fail('SIGNATURE_MISMATCH', 'Webhook signature does not match.');
    let payload: unknown;
    if (parseJson) {
      const text = typeof input.body === 'string' ? input.body : decodeUtf8(input.body);
      if (text === undefined)
        return fail('WEBHOOK_PAYLOAD_INVALID', 'Webhook payload is not UTF-8.');
      try {
        payload = JSON.parse(text);
      } catch {
        return fail('WEBHOOK_PAYLOAD_INVALID', 'Webhook payload is not valid JSON.');
      }
    }
    if (store) {
      // Kept as long as the timestamp would still be accepted, then a replay is stale anyway.
      const until = (timestamp + tolerance) * 1000 + 1000;
      const nonce = await checkNonce(store, `webhook:${id}`, until, now);
      if (nonce === 'replayed') return fail('NONCE_REPLAYED', 'This webhook was already received.');
      if (nonce === 'unavailable') return fail('NONCE_STORE_UNAVAILABLE', NONCE_STORE_MESSAGE);
    }
    return ok(
      parseJson
        ? { id, timestamp, body: input.body, payload }
        : { id, timestamp, body: input.body },
    );
  }

  return { verify };
}

/**
 * Verifies one webhook (one-shot form of {@link createWebhookVerifier}; prefer the factory,
 * which keeps its de-duplication store across calls).
 *
 * @param input - headers and the raw body.
 * @param options - as for `createWebhookVerifier`, plus `now` (ms).
 * @returns the verified webhook or a {@link WebhookErrorCode}. Never throws on input.
 * @example
 * ```ts
 * const r = await verifyWebhook({ headers, body }, { secret: 'whsec_...', nonceStore });
 * ```
 */
export function verifyWebhook(
  input: WebhookInput,
  options: WebhookVerifierOptions & { now?: number },
): Promise<Result<VerifiedWebhook, WebhookErrorCode>> {
  return createWebhookVerifier(options).verify(input, { now: options.now });
}
