import { fail, type ResultError } from '../internal/result.js';
import type { TokenErrorCode } from './token-types.js';

/** Client-safe message for each code: never the token, a claim value or a key. */
export const TOKEN_ERROR_MESSAGES: Readonly<Record<TokenErrorCode, string>> = {
  TOKEN_MALFORMED: 'token is malformed',
  TOKEN_TOO_LARGE: 'token is too large',
  TOKEN_ALG_NOT_ALLOWED: 'token algorithm is not allowed',
  TOKEN_KEY_UNKNOWN: 'token key is unknown',
  TOKEN_SIGNATURE_INVALID: 'token signature is invalid',
  TOKEN_EXPIRED: 'token has expired',
  TOKEN_NOT_YET_VALID: 'token is not valid yet',
  TOKEN_ISSUED_IN_FUTURE: 'token is issued in the future',
  TOKEN_TOO_OLD: 'token is too old',
  TOKEN_ISSUER_INVALID: 'token issuer is not accepted',
  TOKEN_AUDIENCE_INVALID: 'token audience is not accepted',
  TOKEN_CLAIM_MISSING: 'token lacks a required claim',
  TOKEN_CLAIMS_INVALID: 'token claims are invalid',
  TOKEN_REVOKED: 'token has been revoked',
  TOKEN_CRIT_UNSUPPORTED: 'token requires an unsupported extension',
  JWKS_UNAVAILABLE: 'token keys are unavailable',
  TOKEN_REVOCATION_UNAVAILABLE: 'token revocation status is unavailable',
};

/** A failed token result. */
export type TokenFailure = { readonly ok: false; readonly error: ResultError<TokenErrorCode> };

// One frozen failure per code: refusing a token allocates nothing, even under a flood.
const FAILURES = Object.fromEntries(
  Object.entries(TOKEN_ERROR_MESSAGES).map(([code, message]) => {
    const f = fail(code as TokenErrorCode, message);
    Object.freeze(f.error);
    return [code, Object.freeze(f)];
  }),
) as unknown as Readonly<Record<TokenErrorCode, TokenFailure>>;

/** The shared failure result for `code`. */
export const tokenFailure = (code: TokenErrorCode): TokenFailure => FAILURES[code];

// The same failures as settled promises, so an async refusal allocates nothing either.
// Frozen, since every caller shares them.
const SETTLED = Object.fromEntries(
  Object.entries(FAILURES).map(([code, failure]) => [
    code,
    Object.freeze(Promise.resolve(failure)),
  ]),
) as unknown as Readonly<Record<TokenErrorCode, Promise<TokenFailure>>>;

/** The shared settled promise of the failure result for `code`. */
export const settledTokenFailure = (code: TokenErrorCode): Promise<TokenFailure> => SETTLED[code];
