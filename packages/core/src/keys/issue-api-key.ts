import { callTime } from '../internal/options.js';
import { describePermissionProblem } from '../rbac/permission.js';
import {
  type GenerateApiKeyOptions,
  type GeneratedApiKey,
  generateApiKey,
} from './generate-api-key.js';
import type { ApiKeyRecord, KeyStore } from './key-store.js';
import { DEFAULT_API_KEY_PREFIX } from './parse-api-key.js';

/** Options of {@link issueApiKey}. */
export interface IssueApiKeyOptions extends GenerateApiKeyOptions {
  /** Who the key acts for (the principal id on verification). */
  readonly owner: string;
  /** Granted permissions, wildcards allowed (`chat:*`). Default none. */
  readonly scopes?: readonly string[] | undefined;
  /** Expiry, ms since the epoch. Default: never. */
  readonly expiresAt?: number | undefined;
  /** Number of successful verifications allowed. Default: unlimited. */
  readonly maxUses?: number | undefined;
  /** Application data returned on verification (no secrets: it is not encrypted). */
  readonly metadata?: Readonly<Record<string, unknown>> | undefined;
  /** Creation time, ms since the epoch. Default `Date.now()`. */
  readonly now?: number | undefined;
  /** @internal set by rotation. */
  readonly rotatedFrom?: string | undefined;
}

/** A key issued into a store: the generated key plus the record stored for it. */
export interface IssuedApiKey extends GeneratedApiKey {
  readonly record: ApiKeyRecord;
}

/** Validates issuing options; throws with a fix-it message. */
export function checkIssueOptions(options: IssueApiKeyOptions): void {
  if (!options || typeof options.owner !== 'string' || options.owner.length === 0) {
    throw new TypeError(
      "issueApiKey: pass { owner }, the id the key acts for, e.g. 'svc-billing'.",
    );
  }
  if (options.scopes !== undefined && !Array.isArray(options.scopes)) {
    throw new TypeError("issueApiKey: scopes must be an array, e.g. ['chat:basic'].");
  }
  for (const scope of options.scopes ?? []) {
    const problem = describePermissionProblem(scope, true);
    if (problem) {
      throw new TypeError(
        `issueApiKey: scope ${JSON.stringify(String(scope)).slice(0, 60)} ${problem}. Scopes look like 'chat:basic' or 'chat:*'.`,
      );
    }
  }
  if (
    options.maxUses !== undefined &&
    !(Number.isSafeInteger(options.maxUses) && options.maxUses >= 1)
  ) {
    throw new TypeError(
      'issueApiKey: maxUses must be a whole number >= 1, or left out for unlimited.',
    );
  }
  if (options.expiresAt !== undefined && !Number.isFinite(options.expiresAt)) {
    throw new TypeError('issueApiKey: expiresAt must be a time in ms since the epoch.');
  }
}

/**
 * Generates a key and stores its record (hash, owner, scopes, expiry, use limit). Returns
 * the key once: it is not recoverable from the store.
 *
 * @param store - Where the record goes.
 * @param options - `owner` (required), `scopes`, `expiresAt`, `maxUses`, `metadata`, and the
 *   generation options (`prefix`, `environment`, `hasher`, `random`), `now`.
 * @returns `{ key, id, hash, hint, record }`.
 * @throws TypeError on invalid options; rejects if the store fails.
 * @example
 * ```ts
 * const { key, hint } = await issueApiKey(store, {
 *   owner: 'svc-reports', scopes: ['analytics:view'], maxUses: 1000,
 * });
 * ```
 */
export async function issueApiKey(
  store: KeyStore,
  options: IssueApiKeyOptions,
): Promise<IssuedApiKey> {
  checkIssueOptions(options);
  const now = callTime('issueApiKey', options.now, Date.now);
  const generated = generateApiKey(options);
  const record: ApiKeyRecord = {
    id: generated.id,
    hash: generated.hash,
    owner: options.owner,
    scopes: Object.freeze([...(options.scopes ?? [])]),
    prefix: options.prefix ?? DEFAULT_API_KEY_PREFIX,
    environment: options.environment ?? 'live',
    hint: generated.hint,
    createdAt: now,
    expiresAt: options.expiresAt,
    revokedAt: undefined,
    remainingUses: options.maxUses,
    usageCount: 0,
    lastUsedAt: undefined,
    rotatedFrom: options.rotatedFrom,
    metadata: options.metadata,
  };
  await store.put(record, now);
  return { ...generated, record };
}
