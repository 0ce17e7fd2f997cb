import { importAesGcmKey } from '#cipher';
import {
  concatBytes,
  decodeBase64Url,
  decodeUtf8,
  encodeBase64Url,
  utf8,
} from '../internal/bytes.js';
import type { AesGcmKey } from '../internal/cipher-types.js';
import { type RandomSource, randomBytes } from '../internal/random.js';
import { fail, ok, type Result } from '../internal/result.js';

/**
 * Why an envelope was refused. Stable codes:
 * - `ENVELOPE_MALFORMED`: not an envelope (too short, bad header, bad base64url).
 * - `ENVELOPE_VERSION_UNSUPPORTED`: the format byte names a format this keyring does not read.
 * - `ENVELOPE_KEY_UNKNOWN`: the envelope names a key id that is not in the ring.
 * - `ENVELOPE_AUTH_FAILED`: authentication failed: tampered bytes, a different key under the
 *   same id, or different associated data. Deliberately one code: telling them apart would
 *   help an attacker.
 * - `ENVELOPE_NOT_TEXT`: authentic, but the plaintext is not UTF-8 (decryptText only).
 */
export type EnvelopeErrorCode =
  | 'ENVELOPE_MALFORMED'
  | 'ENVELOPE_VERSION_UNSUPPORTED'
  | 'ENVELOPE_KEY_UNKNOWN'
  | 'ENVELOPE_AUTH_FAILED'
  | 'ENVELOPE_NOT_TEXT';

/** Bytes, or a string taken as its UTF-8 encoding. */
export type EnvelopeData = Uint8Array | string;

/** Per-call options of a keyring operation. */
export interface EnvelopeOptions {
  /**
   * Associated data: authenticated, not encrypted, not stored. Binds a ciphertext to its
   * place (e.g. `users/42/email`); decrypting with different associated data fails.
   */
  readonly aad?: EnvelopeData | undefined;
}

/** One key of a keyring. */
export interface KeyringKey {
  /** 1-64 characters of `A-Z a-z 0-9 . _ : -`, written into every envelope it seals. */
  readonly id: string;
  /** 32 bytes (AES-256). */
  readonly key: Uint8Array;
}

/** Options of {@link createKeyring}. */
export interface KeyringOptions {
  /** The keys that may decrypt; at least one. */
  readonly keys: readonly KeyringKey[];
  /** Id of the key new envelopes are sealed with. Default: the first key. */
  readonly primary?: string | undefined;
  /** Source of nonces; injectable for tests. Default: Web Crypto. */
  readonly random?: RandomSource | undefined;
}

/** AES-256-GCM envelope encryption over a set of keys, one of them primary. */
export interface Keyring {
  /** Id of the key that seals new envelopes. */
  readonly primaryKeyId: string;
  /** Ids of every key that can open envelopes. */
  readonly keyIds: readonly string[];
  /** Seals `plaintext` with the primary key under a fresh random 96-bit nonce. */
  encrypt(plaintext: EnvelopeData, options?: EnvelopeOptions): Promise<Uint8Array>;
  /** Opens an envelope sealed by any key of the ring. Never throws on bad input. */
  decrypt(
    envelope: Uint8Array,
    options?: EnvelopeOptions,
  ): Promise<Result<Uint8Array, EnvelopeErrorCode>>;
  /** Seals UTF-8 text and returns the envelope as base64url (for text columns and JSON). */
  encryptText(text: string, options?: EnvelopeOptions): Promise<string>;
  /** Opens a base64url envelope made by {@link Keyring.encryptText}. */
  decryptText(
    envelope: string,
    options?: EnvelopeOptions,
  ): Promise<Result<string, EnvelopeErrorCode>>;
  /**
   * Opens an envelope with whichever key sealed it and seals it again with the primary key
   * (key rotation). The associated data is kept.
   */
  reencrypt(
    envelope: Uint8Array,
    options?: EnvelopeOptions,
  ): Promise<Result<Uint8Array, EnvelopeErrorCode>>;
  /** True when the envelope is sealed by a key other than the primary (rotation pending). */
  needsReencrypt(envelope: Uint8Array): boolean;
}

/** Format byte of keyring envelopes: AES-256-GCM, key id in the header. */
export const ENVELOPE_VERSION = 1;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
const KEY_ID_MAX = 64;
const EMPTY = new Uint8Array(0);

/** True for a key id that fits the envelope header: 1-64 of `A-Z a-z 0-9 . _ : -`. */
export function isValidKeyId(id: string): boolean {
  if (typeof id !== 'string' || id.length < 1 || id.length > KEY_ID_MAX) return false;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    const okChar =
      (c >= 48 && c <= 58) || // 0-9 and ':'
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      c === 45 || // '-'
      c === 46 || // '.'
      c === 95; // '_'
    if (!okChar) return false;
  }
  return true;
}

interface ParsedEnvelope {
  readonly keyId: string;
  /** Version byte, key id length and key id: authenticated as part of the associated data. */
  readonly header: Uint8Array;
  readonly nonce: Uint8Array;
  /** Ciphertext followed by the 16-byte tag. */
  readonly sealed: Uint8Array;
}

function parseEnvelope(envelope: Uint8Array): Result<ParsedEnvelope, EnvelopeErrorCode> {
  if (!(envelope instanceof Uint8Array) || envelope.length < 2) {
    return fail('ENVELOPE_MALFORMED', 'The envelope is too short.');
  }
  if (envelope[0] !== ENVELOPE_VERSION) {
    return fail('ENVELOPE_VERSION_UNSUPPORTED', 'The envelope format is not supported.');
  }
  const idLength = envelope[1]!;
  const headerLength = 2 + idLength;
  if (
    idLength < 1 ||
    idLength > KEY_ID_MAX ||
    envelope.length < headerLength + NONCE_LENGTH + TAG_LENGTH
  ) {
    return fail('ENVELOPE_MALFORMED', 'The envelope is too short or its header is invalid.');
  }
  let keyId = '';
  for (let i = 2; i < headerLength; i++) keyId += String.fromCharCode(envelope[i]!);
  if (!isValidKeyId(keyId)) return fail('ENVELOPE_MALFORMED', 'The envelope key id is invalid.');
  return ok({
    keyId,
    header: envelope.subarray(0, headerLength),
    nonce: envelope.subarray(headerLength, headerLength + NONCE_LENGTH),
    sealed: envelope.subarray(headerLength + NONCE_LENGTH),
  });
}

/**
 * Reads the key id an envelope names, without decrypting it (e.g. to find rows that still
 * need re-encryption after a rotation).
 *
 * @param envelope - Bytes made by {@link Keyring.encrypt}.
 * @returns The key id, or `ENVELOPE_MALFORMED` / `ENVELOPE_VERSION_UNSUPPORTED`.
 * @example
 * ```ts
 * const id = readEnvelopeKeyId(row.secret);
 * if (id.ok && id.value !== keyring.primaryKeyId) queueForRotation(row);
 * ```
 */
export function readEnvelopeKeyId(envelope: Uint8Array): Result<string, EnvelopeErrorCode> {
  const parsed = parseEnvelope(envelope);
  return parsed.ok ? ok(parsed.value.keyId) : parsed;
}

const toBytes = (data: EnvelopeData | undefined): Uint8Array =>
  data === undefined ? EMPTY : typeof data === 'string' ? utf8(data) : data;

/**
 * Creates an AES-256-GCM keyring. Envelopes are `0x01 | id length | key id | nonce (12) |
 * ciphertext | tag (16)`; the header is authenticated together with the caller's
 * associated data, so the key id cannot be swapped.
 *
 * Nonces are random (96 bits): keep one key below about 2^32 envelopes, then rotate by
 * putting a new key first (or naming it `primary`) and calling `reencrypt` on old data.
 *
 * @param options - Keys (32 bytes each, unique ids) and the primary key id.
 * @returns A keyring. Keys are prepared once: node:crypto key objects on Node, non-extractable
 *   Web Crypto keys (imported on first use) elsewhere.
 * @throws TypeError when a key is not 32 bytes, an id is invalid or repeated, or the
 *   primary id is not among the keys.
 * @example
 * ```ts
 * const keyring = createKeyring({ keys: [{ id: 'k2', key: newKey }, { id: 'k1', key: oldKey }] });
 * const sealed = await keyring.encrypt('4111 1111 1111 1111', { aad: 'users/42/card' });
 * const opened = await keyring.decrypt(sealed, { aad: 'users/42/card' });
 * if (!opened.ok) console.warn(opened.error.code); // e.g. ENVELOPE_AUTH_FAILED
 * ```
 */
export function createKeyring(options: KeyringOptions): Keyring {
  if (!options || !Array.isArray(options.keys) || options.keys.length === 0) {
    throw new TypeError('createKeyring: pass at least one key, e.g. { keys: [{ id, key }] }');
  }
  const keys = new Map<string, AesGcmKey>();
  for (const entry of options.keys) {
    if (!isValidKeyId(entry?.id)) {
      throw new TypeError(
        'createKeyring: each key id must be 1-64 characters of A-Z a-z 0-9 . _ : -',
      );
    }
    if (keys.has(entry.id)) throw new TypeError(`createKeyring: key id "${entry.id}" is repeated`);
    if (!(entry.key instanceof Uint8Array) || entry.key.length !== 32) {
      throw new TypeError(
        `createKeyring: key "${entry.id}" must be 32 bytes (AES-256); use generateKey()`,
      );
    }
    // The primitive copies the bytes, so a caller reusing its buffer cannot change the key.
    keys.set(entry.id, importAesGcmKey(entry.key));
  }
  const primaryKeyId = options.primary ?? options.keys[0]!.id;
  const primaryKey = keys.get(primaryKeyId);
  if (!primaryKey) {
    throw new TypeError(`createKeyring: the primary key id "${primaryKeyId}" is not in keys`);
  }
  const random = options.random ?? randomBytes;
  const primaryHeader = new Uint8Array(2 + primaryKeyId.length);
  primaryHeader[0] = ENVELOPE_VERSION;
  primaryHeader[1] = primaryKeyId.length;
  for (let i = 0; i < primaryKeyId.length; i++) primaryHeader[2 + i] = primaryKeyId.charCodeAt(i);

  const additionalData = (header: Uint8Array, aad: EnvelopeData | undefined): Uint8Array => {
    const extra = toBytes(aad);
    return extra.length === 0 ? header : concatBytes(header, extra);
  };

  async function encrypt(plaintext: EnvelopeData, opts?: EnvelopeOptions): Promise<Uint8Array> {
    const nonce = random(NONCE_LENGTH);
    if (nonce.length !== NONCE_LENGTH)
      throw new TypeError('keyring: random source returned a short nonce');
    const prefix = new Uint8Array(primaryHeader.length + NONCE_LENGTH);
    prefix.set(primaryHeader, 0);
    prefix.set(nonce, primaryHeader.length);
    return primaryKey!.seal(
      nonce,
      toBytes(plaintext),
      additionalData(primaryHeader, opts?.aad),
      prefix,
    );
  }

  async function decrypt(
    envelope: Uint8Array,
    opts?: EnvelopeOptions,
  ): Promise<Result<Uint8Array, EnvelopeErrorCode>> {
    const parsed = parseEnvelope(envelope);
    if (!parsed.ok) return parsed;
    const { keyId, header, nonce, sealed } = parsed.value;
    const key = keys.get(keyId);
    if (!key)
      return fail(
        'ENVELOPE_KEY_UNKNOWN',
        'The envelope was sealed with a key that is not in the keyring.',
      );
    const plain = await key.open(nonce, sealed, additionalData(header, opts?.aad));
    return plain ? ok(plain) : fail('ENVELOPE_AUTH_FAILED', 'The envelope failed authentication.');
  }

  return {
    primaryKeyId,
    keyIds: Object.freeze([...keys.keys()]),
    encrypt,
    decrypt,
    async encryptText(text, opts) {
      return encodeBase64Url(await encrypt(text, opts));
    },
    async decryptText(envelope, opts) {
      const bytes = typeof envelope === 'string' ? decodeBase64Url(envelope) : undefined;
      if (!bytes) return fail('ENVELOPE_MALFORMED', 'The envelope is not canonical base64url.');
      const opened = await decrypt(bytes, opts);
      if (!opened.ok) return opened;
      const text = decodeUtf8(opened.value);
      return text === undefined
        ? fail('ENVELOPE_NOT_TEXT', 'The decrypted data is not UTF-8 text.')
        : ok(text);
    },
    async reencrypt(envelope, opts) {
      const opened = await decrypt(envelope, opts);
      if (!opened.ok) return opened;
      const sealed = await encrypt(opened.value, opts);
      opened.value.fill(0);
      return ok(sealed);
    },
    needsReencrypt(envelope) {
      const parsed = parseEnvelope(envelope);
      return parsed.ok && parsed.value.keyId !== primaryKeyId;
    },
  };
}
