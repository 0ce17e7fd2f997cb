import { hmac } from '#hash';
import { utf8 } from '../internal/bytes.js';

/** Options of {@link deriveSubkey}. */
export interface DeriveSubkeyOptions {
  /** HKDF salt; default none (RFC 5869: 32 zero bytes). */
  readonly salt?: Uint8Array | undefined;
  /** Output length in bytes, 1 to 8160. Default 32. */
  readonly length?: number | undefined;
}

/**
 * Derives an independent per-purpose key from a master key with HKDF-SHA256 (RFC 5869),
 * so one secret can serve encryption, pseudonyms and signing without the uses interfering.
 * Synchronous: runs on the `#hash` primitive (node:crypto on Node, @noble/hashes elsewhere).
 *
 * @param key - Master key, at least 16 bytes (e.g. from {@link generateKey}).
 * @param info - Purpose label, e.g. `'pseudonyms/v1'` or `tenant:42/messages`.
 * @param options - Salt and output length.
 * @returns The subkey bytes.
 * @throws TypeError when the key is shorter than 16 bytes or the length is out of range.
 * @example
 * ```ts
 * const master = generateKey();
 * const keyring = createKeyring({ keys: [{ id: 'm1', key: deriveSubkey(master, 'messages/v1') }] });
 * const pseudonyms = createPseudonymKey(deriveSubkey(master, 'pseudonyms/v1'));
 * ```
 */
export function deriveSubkey(
  key: Uint8Array,
  info: string | Uint8Array,
  options?: DeriveSubkeyOptions,
): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length < 16) {
    throw new TypeError('deriveSubkey: the master key must be at least 16 bytes');
  }
  const length = options?.length ?? 32;
  if (!Number.isInteger(length) || length < 1 || length > 255 * 32) {
    throw new RangeError('deriveSubkey: length must be an integer from 1 to 8160');
  }
  return hkdfSha256(
    key,
    options?.salt ?? new Uint8Array(32),
    typeof info === 'string' ? utf8(info) : info,
    length,
  );
}

/** HKDF-SHA256 extract-then-expand (RFC 5869), unchecked; callers validate. */
export function hkdfSha256(
  ikm: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  const prk = hmac('sha256', salt.length > 0 ? salt : new Uint8Array(32), ikm);
  const out = new Uint8Array(length);
  const block = new Uint8Array(32 + info.length + 1);
  let previous: Uint8Array = new Uint8Array(0);
  for (let i = 1, o = 0; o < length; i++) {
    const input = block.subarray(32 - previous.length);
    input.set(previous, 0);
    input.set(info, previous.length);
    input[previous.length + info.length] = i;
    previous = hmac('sha256', prk, input);
    out.set(previous.subarray(0, Math.min(32, length - o)), o);
    o += 32;
  }
  prk.fill(0);
  return out;
}
