import { callTime } from '../internal/options.js';
import type { RandomSource } from '../internal/random.js';
import { fail, ok, type Result } from '../internal/result.js';
import { API_KEY_MESSAGES } from './api-key-errors.js';
import type { ApiKeyHasher } from './hash-api-key.js';
import { type IssuedApiKey, issueApiKey } from './issue-api-key.js';
import type { KeyStore } from './key-store.js';

/** Default rotation overlap: 24 hours, during which the old key keeps working. */
export const DEFAULT_ROTATION_OVERLAP_MS = 86_400_000;

/** Options of {@link rotateApiKey}. */
export interface RotateApiKeyOptions {
  /** How long the old key stays valid after rotation (ms). Default 24 h; 0 ends it now. */
  readonly overlapMs?: number | undefined;
  /** Milliseconds since the epoch. Default `Date.now()`. */
  readonly now?: number | undefined;
  /** The hasher verification uses (required when keys are peppered). */
  readonly hasher?: ApiKeyHasher | undefined;
  /**
   * Expiry of the new key (ms since the epoch). Default: none when the old key had none,
   * otherwise the old key's lifetime again, counted from now.
   */
  readonly expiresAt?: number | undefined;
  /** Use limit of the new key. Default: what the old key had left. */
  readonly maxUses?: number | undefined;
  readonly random?: RandomSource | undefined;
}

/** The new key, and when the old one stops working. */
export interface RotatedApiKey extends IssuedApiKey {
  readonly previous: { readonly id: string; readonly expiresAt: number };
}

/** Why a rotation was refused. */
export type RotateApiKeyErrorCode =
  | 'API_KEY_NOT_FOUND'
  | 'API_KEY_REVOKED'
  | 'API_KEY_EXPIRED'
  | 'API_KEY_USAGE_EXCEEDED';

/**
 * Replaces a key with a new one holding the same owner, scopes, environment and metadata.
 * The old key stays valid until `now + overlapMs` (clients switch over meanwhile), then
 * verifies as `API_KEY_EXPIRED`. The old key's expiry only ever moves earlier.
 *
 * @param id - The old key's public id.
 * @param store - The {@link KeyStore}.
 * @param options - `overlapMs` (default 24 h), `now`, `hasher`, `expiresAt`, `maxUses`.
 * @returns `ok({ key, id, hash, hint, record, previous })`, or a failure with
 *   `API_KEY_NOT_FOUND`, `API_KEY_REVOKED`, `API_KEY_EXPIRED` or `API_KEY_USAGE_EXCEEDED`
 *   (a dead key is not rotated).
 * @throws TypeError on invalid options; rejects if the store fails.
 * @example
 * ```ts
 * const rotated = await rotateApiKey(oldId, store, { overlapMs: 60 * 60 * 1000 });
 * if (rotated.ok) sendToOwner(rotated.value.key); // old key works for one more hour
 * ```
 */
export async function rotateApiKey(
  id: string,
  store: KeyStore,
  options?: RotateApiKeyOptions,
): Promise<Result<RotatedApiKey, RotateApiKeyErrorCode>> {
  const overlap = options?.overlapMs ?? DEFAULT_ROTATION_OVERLAP_MS;
  if (!(Number.isFinite(overlap) && overlap >= 0)) {
    throw new TypeError('rotateApiKey: overlapMs must be a number of ms >= 0.');
  }
  const now = callTime('rotateApiKey', options?.now, Date.now);
  const old = await store.findById(id, now);
  if (!old) return fail('API_KEY_NOT_FOUND', API_KEY_MESSAGES.API_KEY_NOT_FOUND);
  if (old.revokedAt !== undefined) return fail('API_KEY_REVOKED', API_KEY_MESSAGES.API_KEY_REVOKED);
  if (old.expiresAt !== undefined && old.expiresAt <= now) {
    return fail('API_KEY_EXPIRED', API_KEY_MESSAGES.API_KEY_EXPIRED);
  }
  if (old.remainingUses !== undefined && old.remainingUses <= 0) {
    return fail('API_KEY_USAGE_EXCEEDED', API_KEY_MESSAGES.API_KEY_USAGE_EXCEEDED);
  }
  const expiresAt =
    options?.expiresAt ??
    (old.expiresAt === undefined ? undefined : now + (old.expiresAt - old.createdAt));
  const issued = await issueApiKey(store, {
    owner: old.owner,
    scopes: old.scopes,
    prefix: old.prefix,
    environment: old.environment,
    metadata: old.metadata,
    expiresAt,
    maxUses: options?.maxUses ?? old.remainingUses,
    hasher: options?.hasher,
    random: options?.random,
    now,
    rotatedFrom: old.id,
  });
  const oldEnd = Math.min(old.expiresAt ?? Number.POSITIVE_INFINITY, now + overlap);
  await store.expire(old.id, oldEnd, now);
  return ok({ ...issued, previous: { id: old.id, expiresAt: oldEnd } });
}
