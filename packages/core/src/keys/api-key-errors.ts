/**
 * Why an API key was refused. Stable strings, safe to branch on and to log:
 *
 * - `API_KEY_MALFORMED` — not a key of the expected shape, prefix or environment, or its
 *   checksum does not match (a typo, a truncated paste). Decided offline, no store lookup.
 * - `API_KEY_NOT_FOUND` — well-formed, but no key with that hash is stored.
 * - `API_KEY_REVOKED` — the key was revoked.
 * - `API_KEY_EXPIRED` — past its expiry (including the end of a rotation overlap).
 * - `API_KEY_USAGE_EXCEEDED` — it had a limited number of uses and none are left.
 * - `API_KEY_INSUFFICIENT_PERMISSIONS` — valid, but its scopes do not satisfy `requiredScopes`.
 * - `API_KEY_STORE_UNAVAILABLE` — the key store failed (Redis down, a SQL error): an outage,
 *   not a verdict on the key; the authenticate rule answers 503.
 */
export type ApiKeyErrorCode =
  | 'API_KEY_MALFORMED'
  | 'API_KEY_NOT_FOUND'
  | 'API_KEY_REVOKED'
  | 'API_KEY_EXPIRED'
  | 'API_KEY_USAGE_EXCEEDED'
  | 'API_KEY_INSUFFICIENT_PERMISSIONS'
  | 'API_KEY_STORE_UNAVAILABLE';

/** Every code `verifyApiKey` can return: `API_KEY_VALID` on success, or an {@link ApiKeyErrorCode}. */
export type ApiKeyCode = 'API_KEY_VALID' | ApiKeyErrorCode;

/** Client-safe messages; none echoes the key or says which part was wrong beyond the code. */
export const API_KEY_MESSAGES: Readonly<Record<ApiKeyErrorCode, string>> = Object.freeze({
  API_KEY_MALFORMED: 'The API key is malformed.',
  API_KEY_NOT_FOUND: 'The API key is not valid.',
  API_KEY_REVOKED: 'The API key has been revoked.',
  API_KEY_EXPIRED: 'The API key has expired.',
  API_KEY_USAGE_EXCEEDED: 'The API key has no uses left.',
  API_KEY_INSUFFICIENT_PERMISSIONS: 'The API key lacks a required scope.',
  API_KEY_STORE_UNAVAILABLE: 'API keys cannot be checked right now.',
});
