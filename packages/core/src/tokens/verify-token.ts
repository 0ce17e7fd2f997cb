import {
  createTokenVerifier,
  type TokenVerifierOptions,
  type VerifyTokenCallOptions,
} from './create-token-verifier.js';
import type { TokenClaims, TokenResult } from './token-types.js';

/**
 * Verifies one token without keeping a verifier: a convenience that imports the keys on
 * every call. Create a verifier with {@link createTokenVerifier} for repeated use.
 * Never rejects on any token; misconfigured options throw (see createTokenVerifier).
 *
 * @param token - the compact JWS, e.g. from `Authorization: Bearer <token>`.
 * @param options - verifier options plus the per-call `now` (ms).
 * @returns The verified token, or a failure with a {@link TokenErrorCode}.
 * @example
 * ```ts
 * const result = await verifyToken(token, { keys: [{ alg: 'HS256', secret }], issuer: 'joe' });
 * if (result.ok) console.log(result.value.claims.sub);
 * ```
 */
export function verifyToken<C extends TokenClaims = TokenClaims>(
  token: string,
  options: TokenVerifierOptions<C> & VerifyTokenCallOptions,
): Promise<TokenResult<C>> {
  const { now, ...verifierOptions } = options;
  return createTokenVerifier(verifierOptions).verify(
    token,
    now === undefined ? undefined : { now },
  );
}
