/**
 * Codes meaning that something the server depends on (a JWKS endpoint, a revocation, key
 * or nonce store, the body reader) could not answer: an outage, not a verdict on the
 * client, so rules deny with 503 rather than 401 and the request fails closed.
 * @internal
 */
export const OUTAGE_CODES: ReadonlySet<string> = new Set([
  'JWKS_UNAVAILABLE',
  'TOKEN_REVOCATION_UNAVAILABLE',
  'API_KEY_STORE_UNAVAILABLE',
  'NONCE_STORE_UNAVAILABLE',
  'KEY_UNAVAILABLE',
  'BODY_UNAVAILABLE',
]);
