// Remote JWKS through jose (fetching, caching, cooldown, key selection); the keys it hands
// out are wrapped once each in the `#hash` verification primitive.
import { createRemoteJWKSet, customFetch, errors } from 'jose';
import { importPublicKey } from '#hash';
import type { PublicKeyVerifier } from '../internal/hash-types.js';
import type { AsymmetricTokenAlgorithm } from './token-types.js';

/** A remote JSON Web Key Set (e.g. an identity provider's `jwks_uri`). */
export interface RemoteJwksOptions {
  /** The JWKS URL (https in production). */
  url: string | URL;
  /** Algorithms accepted from this set; HMAC is never served by a JWKS. */
  algorithms: readonly AsymmetricTokenAlgorithm[];
  /** How long a fetched set is used before refetching, ms. Default 600,000 (10 min). */
  cacheMaxAge?: number;
  /** Least time between refetches triggered by an unknown `kid`, ms. Default 30,000. */
  cooldownDuration?: number;
  /** Fetch timeout, ms. Default 5,000. */
  timeoutDuration?: number;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** A fetch implementation (tests, proxies). Default the global fetch. */
  fetch?: typeof fetch;
}

/** What resolving a key from the set gives. */
export type JwksLookup =
  | { readonly ok: true; readonly keys: readonly PublicKeyVerifier[] }
  | { readonly ok: false; readonly code: 'TOKEN_KEY_UNKNOWN' | 'JWKS_UNAVAILABLE' };

/** Resolves the verification keys for a header from a remote set; never throws. */
export type JwksResolver = (
  alg: AsymmetricTokenAlgorithm,
  kid: string | undefined,
) => Promise<JwksLookup>;

/** Builds a resolver; throws at construction on bad options. */
export function createJwksResolver(options: RemoteJwksOptions): JwksResolver {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new TypeError('jwks.url must be an absolute URL');
  }
  const jwks = createRemoteJWKSet(url, {
    ...(options.cacheMaxAge !== undefined && { cacheMaxAge: options.cacheMaxAge }),
    ...(options.cooldownDuration !== undefined && { cooldownDuration: options.cooldownDuration }),
    ...(options.timeoutDuration !== undefined && { timeoutDuration: options.timeoutDuration }),
    ...(options.headers !== undefined && { headers: options.headers }),
    ...(options.fetch !== undefined && { [customFetch]: options.fetch }),
  });
  // jose keeps one CryptoKey per JWK while the set is cached; wrap each once.
  const wrapped = new WeakMap<CryptoKey, PublicKeyVerifier>();
  const wrap = (alg: AsymmetricTokenAlgorithm, key: CryptoKey): PublicKeyVerifier | undefined => {
    let verifier = wrapped.get(key);
    if (verifier?.algorithm !== alg) {
      try {
        verifier = importPublicKey(alg, { cryptoKey: key });
      } catch {
        return undefined; // a key of the wrong type in the set cannot verify this token
      }
      wrapped.set(key, verifier);
    }
    return verifier;
  };
  return async (alg, kid) => {
    const header = kid === undefined ? { alg } : { alg, kid };
    try {
      const key = await jwks(header);
      const verifier = wrap(alg, key);
      return verifier ? { ok: true, keys: [verifier] } : { ok: false, code: 'TOKEN_KEY_UNKNOWN' };
    } catch (error) {
      if (error instanceof errors.JWKSMultipleMatchingKeys) {
        // Several keys fit a header without (or with a shared) kid: the verifier tries each.
        const keys: PublicKeyVerifier[] = [];
        try {
          for await (const key of error as unknown as AsyncIterable<CryptoKey>) {
            const verifier = wrap(alg, key);
            if (verifier) keys.push(verifier);
          }
        } catch {
          return { ok: false, code: 'JWKS_UNAVAILABLE' };
        }
        return keys.length > 0 ? { ok: true, keys } : { ok: false, code: 'TOKEN_KEY_UNKNOWN' };
      }
      if (error instanceof errors.JWKSNoMatchingKey)
        return { ok: false, code: 'TOKEN_KEY_UNKNOWN' };
      return { ok: false, code: 'JWKS_UNAVAILABLE' };
    }
  };
}
