import { timingSafeEqualString } from '../internal/constant-time.js';
import { callTime } from '../internal/options.js';
import { fail, ok, type Result } from '../internal/result.js';
import {
  type CompiledPermissionQuery,
  compilePermissionQuery,
  evaluatePermissionQuery,
  type PermissionQuery,
} from '../rbac/permission-query.js';
import { API_KEY_MESSAGES, type ApiKeyErrorCode } from './api-key-errors.js';
import { type ApiKeyHasher, type ApiKeyHashOptions, createApiKeyHasher } from './hash-api-key.js';
import type { ApiKeyRecord, ApiKeyUse, KeyStore } from './key-store.js';
import {
  type ApiKeyFormatOptions,
  type CheckedFormat,
  checkFormatOptions,
  parseWithFormat,
} from './parse-api-key.js';

/** A key that passed every check; a use has been recorded. */
export interface VerifiedApiKey {
  readonly code: 'API_KEY_VALID';
  readonly id: string;
  readonly owner: string;
  readonly scopes: readonly string[];
  readonly environment: string;
  readonly hint: string;
  readonly expiresAt: number | undefined;
  /** Uses left after this one; undefined when unlimited. */
  readonly remainingUses: number | undefined;
  /** Including this one. */
  readonly usageCount: number;
  readonly metadata: Readonly<Record<string, unknown>> | undefined;
}

/** The result of verifying an API key. */
export type ApiKeyResult = Result<VerifiedApiKey, ApiKeyErrorCode>;

/** Scopes a key must hold: a list (all of them) or a permission query (`{ any: [...] }`). */
export type RequiredScopes = readonly string[] | PermissionQuery | CompiledPermissionQuery;

/** Per-call options of verification. */
export interface VerifyApiKeyCallOptions {
  /** Milliseconds since the epoch. Default: the clock. */
  readonly now?: number | undefined;
  /** Scopes the key must grant (wildcards in the key's scopes count). */
  readonly requiredScopes?: RequiredScopes | undefined;
}

/** Options of {@link verifyApiKey}. */
export interface VerifyApiKeyOptions
  extends VerifyApiKeyCallOptions,
    ApiKeyFormatOptions,
    ApiKeyHashOptions {
  /** A prepared hasher (preferred over `pepper` for repeated calls). */
  readonly hasher?: ApiKeyHasher | undefined;
}

/** Options of {@link createApiKeyVerifier}. */
export interface ApiKeyVerifierOptions extends ApiKeyFormatOptions, ApiKeyHashOptions {
  readonly store: KeyStore;
  readonly hasher?: ApiKeyHasher | undefined;
  /** Scopes every key must grant, checked before per-call `requiredScopes`. */
  readonly requiredScopes?: RequiredScopes | undefined;
  /** Clock in ms since the epoch. Default `Date.now`. */
  readonly clock?: (() => number) | undefined;
}

/** A verifier with its options checked, hasher prepared and scopes compiled once. */
export interface ApiKeyVerifier {
  verify(key: unknown, options?: VerifyApiKeyCallOptions): Promise<ApiKeyResult>;
}

const DEFAULT_CHECKED: CheckedFormat = /* @__PURE__ */ checkFormatOptions(undefined);

function compileScopes(scopes: RequiredScopes | undefined): CompiledPermissionQuery | undefined {
  if (scopes === undefined) return undefined;
  if (Array.isArray(scopes)) {
    return scopes.length === 0 ? undefined : compilePermissionQuery({ all: scopes });
  }
  return compilePermissionQuery(scopes as PermissionQuery | CompiledPermissionQuery);
}

// Shared, frozen failures: refusing keys allocates nothing.
const REFUSALS = /* @__PURE__ */ (() => {
  const out = {} as Record<ApiKeyErrorCode, ReturnType<typeof fail<ApiKeyErrorCode>>>;
  for (const code of Object.keys(API_KEY_MESSAGES) as ApiKeyErrorCode[]) {
    const f = fail(code, API_KEY_MESSAGES[code]);
    Object.freeze(f.error);
    out[code] = Object.freeze(f);
  }
  return out;
})();

const refuse = (code: ApiKeyErrorCode) => REFUSALS[code];

/** Why a found record cannot be used at `now`, before any use is recorded. */
function refusalOf(record: ApiKeyRecord, now: number): ApiKeyErrorCode | undefined {
  if (record.revokedAt !== undefined) return 'API_KEY_REVOKED';
  if (record.expiresAt !== undefined && record.expiresAt <= now) return 'API_KEY_EXPIRED';
  if (record.remainingUses !== undefined && record.remainingUses <= 0) {
    return 'API_KEY_USAGE_EXCEEDED';
  }
  return undefined;
}

async function verifyWith(
  key: unknown,
  store: KeyStore,
  format: CheckedFormat,
  hasher: ApiKeyHasher,
  now: number,
  fixedScopes: CompiledPermissionQuery | undefined,
  callScopes: CompiledPermissionQuery | undefined,
): Promise<ApiKeyResult> {
  // 1. Offline: shape, prefix, environment, checksum. A typo never reaches the store.
  const parsed = parseWithFormat(key, format);
  if (!parsed.ok) return parsed;
  const hash = hasher.hash(parsed.value.key);
  let use: ApiKeyUse;
  let record: ApiKeyRecord | undefined;
  try {
    if (fixedScopes === undefined && callScopes === undefined) {
      // No scopes to check: one atomic store call checks revoked, expired and remaining uses
      // and records the use (one round trip on Redis).
      use = await store.recordUse(hash, now);
    } else {
      // Scopes first, so a key asked for more than it holds keeps its uses.
      const found = await store.findByHash(hash, now);
      if (!found || !timingSafeEqualString(found.hash, hash)) return refuse('API_KEY_NOT_FOUND');
      const early = refusalOf(found, now);
      if (early) return refuse(early);
      if (fixedScopes && !evaluatePermissionQuery(fixedScopes, { list: found.scopes })) {
        return refuse('API_KEY_INSUFFICIENT_PERMISSIONS');
      }
      if (callScopes && !evaluatePermissionQuery(callScopes, { list: found.scopes })) {
        return refuse('API_KEY_INSUFFICIENT_PERMISSIONS');
      }
      use = await store.recordUse(hash, now);
    }
    // A store that does not hand the record back with the use costs a second lookup.
    record = use.record ?? (use.outcome === 'OK' ? await store.findByHash(hash, now) : undefined);
    if (use.outcome !== 'OK' && use.outcome !== 'NOT_FOUND' && !use.record) {
      return refuse(`API_KEY_${use.outcome}`);
    }
    // The constant-time re-check guards against stores that match loosely (case-insensitive
    // SQL collations, prefix scans) without leaking where the hashes differ.
    if (!record || !timingSafeEqualString(record.hash, hash)) return refuse('API_KEY_NOT_FOUND');
    // The store re-checks atomically, so a race cannot overspend uses.
    if (use.outcome !== 'OK') return refuse(`API_KEY_${use.outcome}`);
  } catch {
    // The store could not answer (Redis down, a SQL error): an outage, not a bad key.
    return refuse('API_KEY_STORE_UNAVAILABLE');
  }
  return ok({
    code: 'API_KEY_VALID',
    id: record.id,
    owner: record.owner,
    scopes: record.scopes,
    environment: record.environment,
    hint: record.hint,
    expiresAt: record.expiresAt,
    remainingUses: use.remainingUses,
    usageCount: use.usageCount,
    metadata: record.metadata,
  });
}

/**
 * Prepares API key verification once (format options checked, pepper imported, fixed
 * scopes compiled) for a given store.
 *
 * @param options - `store`, and optionally `prefix`, `environments`, `pepper` or `hasher`,
 *   `requiredScopes`, `clock`.
 * @returns `{ verify(key, { now?, requiredScopes? }) }`, resolving to an {@link ApiKeyResult}.
 * @throws TypeError on invalid options.
 * @example
 * ```ts
 * const keys = createApiKeyVerifier({ store, environments: ['live'] });
 * const result = await keys.verify(request.headers.get('x-api-key'));
 * if (!result.ok) console.log(result.error.code); // e.g. API_KEY_REVOKED
 * ```
 */
export function createApiKeyVerifier(options: ApiKeyVerifierOptions): ApiKeyVerifier {
  const store = options?.store;
  if (!store || typeof store.findByHash !== 'function' || typeof store.recordUse !== 'function') {
    throw new TypeError(
      'createApiKeyVerifier: pass { store }, a KeyStore such as createMemoryKeyStore().',
    );
  }
  const format = checkFormatOptions(options);
  const hasher = options.hasher ?? createApiKeyHasher(options);
  const fixedScopes = compileScopes(options.requiredScopes);
  const clock = options.clock ?? Date.now;
  return {
    verify(key, callOptions) {
      return verifyWith(
        key,
        store,
        format,
        hasher,
        callTime('verify', callOptions?.now, clock),
        fixedScopes,
        compileScopes(callOptions?.requiredScopes),
      );
    },
  };
}

/**
 * Verifies an API key against a store, in this order: format and checksum (offline),
 * lookup by hash, revoked, expired, remaining uses, scopes; then records the use (usage
 * count, last use, one use consumed) atomically in the store. Never throws: a store that
 * fails gives `API_KEY_STORE_UNAVAILABLE` (an outage, not a bad key).
 *
 * @param key - The presented key (any value).
 * @param store - The {@link KeyStore}.
 * @param options - `now`, `requiredScopes`, and the format/hash options used at generation.
 * @returns `ok(VerifiedApiKey)` with `code: 'API_KEY_VALID'`, or a failure with one of
 *   `API_KEY_MALFORMED`, `API_KEY_NOT_FOUND`, `API_KEY_REVOKED`, `API_KEY_EXPIRED`,
 *   `API_KEY_USAGE_EXCEEDED`, `API_KEY_INSUFFICIENT_PERMISSIONS`, `API_KEY_STORE_UNAVAILABLE`.
 * @throws TypeError when the options are invalid (a developer error).
 * @example
 * ```ts
 * const result = await verifyApiKey(key, store, { requiredScopes: ['chat:basic'] });
 * if (result.ok) console.log(result.value.owner, result.value.remainingUses);
 * ```
 */
export function verifyApiKey(
  key: unknown,
  store: KeyStore,
  options?: VerifyApiKeyOptions,
): Promise<ApiKeyResult> {
  return verifyWith(
    key,
    store,
    options?.prefix !== undefined || options?.environments !== undefined
      ? checkFormatOptions(options)
      : DEFAULT_CHECKED,
    options?.hasher ?? createApiKeyHasher(options),
    callTime('verifyApiKey', options?.now, Date.now),
    undefined,
    compileScopes(options?.requiredScopes),
  );
}
