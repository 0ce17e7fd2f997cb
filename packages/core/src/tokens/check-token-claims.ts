// Claim checks of RFC 7519 4.1 and RFC 8725, by hand: they run on every request, so no
// schema library on the default path. Split in two: checks that depend only on the
// claims (cached with the parsed payload) and checks against the clock (run every call).
import type { TokenErrorCode } from './token-types.js';

/** Claim policy, precomputed by the verifier's factory. */
export interface ClaimPolicy {
  readonly issuers: readonly string[] | undefined;
  readonly audiences: readonly string[] | undefined;
  readonly required: readonly string[];
  readonly toleranceMs: number;
  readonly maxAgeMs: number | undefined;
}

const isNumericDate = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

function isStringArray(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return false;
  return true;
}

/**
 * Checks what does not depend on time: required claims, registered claim types, iss and
 * aud. The first failing code, or undefined when all pass.
 */
export function checkStaticClaims(
  claims: Record<string, unknown>,
  policy: ClaimPolicy,
): TokenErrorCode | undefined {
  const { required } = policy;
  for (let i = 0; i < required.length; i++) {
    if (claims[required[i]!] === undefined) return 'TOKEN_CLAIM_MISSING';
  }
  const { exp, nbf, iat, iss, aud, sub, jti, permissions, roles } = claims;
  if (
    (exp !== undefined && !isNumericDate(exp)) ||
    (nbf !== undefined && !isNumericDate(nbf)) ||
    (iat !== undefined && !isNumericDate(iat)) ||
    (iss !== undefined && typeof iss !== 'string') ||
    (sub !== undefined && typeof sub !== 'string') ||
    (jti !== undefined && typeof jti !== 'string') ||
    (aud !== undefined && typeof aud !== 'string' && !isStringArray(aud)) ||
    (permissions !== undefined && !isStringArray(permissions)) ||
    (roles !== undefined && !isStringArray(roles))
  ) {
    return 'TOKEN_CLAIMS_INVALID';
  }
  if (policy.maxAgeMs !== undefined && iat === undefined) return 'TOKEN_CLAIM_MISSING';
  const { issuers, audiences } = policy;
  if (issuers !== undefined) {
    if (iss === undefined) return 'TOKEN_CLAIM_MISSING';
    if (!issuers.includes(iss as string)) return 'TOKEN_ISSUER_INVALID';
  }
  if (audiences !== undefined) {
    if (aud === undefined) return 'TOKEN_CLAIM_MISSING';
    if (typeof aud === 'string') {
      if (!audiences.includes(aud)) return 'TOKEN_AUDIENCE_INVALID';
    } else if (!(aud as string[]).some((a) => audiences.includes(a))) {
      return 'TOKEN_AUDIENCE_INVALID';
    }
  }
  return undefined;
}

/**
 * Checks exp, nbf, iat and max age at `now` (ms) for claims that passed
 * {@link checkStaticClaims} (so each is a finite number or undefined).
 */
export function checkClaimTimes(
  exp: number | undefined,
  nbf: number | undefined,
  iat: number | undefined,
  now: number,
  policy: ClaimPolicy,
): TokenErrorCode | undefined {
  const { toleranceMs } = policy;
  // RFC 7519 4.1.4: the current time MUST be before exp.
  if (exp !== undefined && exp * 1000 <= now - toleranceMs) return 'TOKEN_EXPIRED';
  if (nbf !== undefined && nbf * 1000 > now + toleranceMs) return 'TOKEN_NOT_YET_VALID';
  if (iat !== undefined) {
    if (iat * 1000 > now + toleranceMs) return 'TOKEN_ISSUED_IN_FUTURE';
    if (policy.maxAgeMs !== undefined && now - iat * 1000 > policy.maxAgeMs + toleranceMs) {
      return 'TOKEN_TOO_OLD';
    }
  }
  return undefined;
}
