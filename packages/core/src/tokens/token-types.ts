import type { Result } from '../internal/result.js';

/** JWS algorithms jaf-sec signs and verifies. Anything else (including `none`) is refused. */
export type TokenAlgorithm = 'HS256' | 'HS384' | 'HS512' | 'ES256' | 'EdDSA' | 'RS256';

/** HMAC algorithms: verified on the synchronous `#hash` path. */
export type HmacTokenAlgorithm = 'HS256' | 'HS384' | 'HS512';

/** Asymmetric algorithms: keys imported once, verified natively on Node, by Web Crypto elsewhere. */
export type AsymmetricTokenAlgorithm = 'ES256' | 'EdDSA' | 'RS256';

/**
 * Why a token was refused. Stable: tests assert these and applications may switch on them.
 *
 * | code | meaning |
 * |---|---|
 * | `TOKEN_MALFORMED` | not three canonical base64url segments of JSON objects, duplicate JSON keys, bad header field types |
 * | `TOKEN_TOO_LARGE` | longer than `maxTokenLength` (8 KiB by default); nothing was parsed |
 * | `TOKEN_ALG_NOT_ALLOWED` | the header's `alg` is not the algorithm of any configured key (`none` included) |
 * | `TOKEN_KEY_UNKNOWN` | no configured or JWKS key has the token's `kid` |
 * | `TOKEN_SIGNATURE_INVALID` | the signature does not verify |
 * | `TOKEN_EXPIRED` | `exp` is past (beyond the clock tolerance) |
 * | `TOKEN_NOT_YET_VALID` | `nbf` is in the future (beyond the clock tolerance) |
 * | `TOKEN_ISSUED_IN_FUTURE` | `iat` is in the future (beyond the clock tolerance) |
 * | `TOKEN_TOO_OLD` | `iat` is older than `maxAge` |
 * | `TOKEN_ISSUER_INVALID` | `iss` is not an accepted issuer |
 * | `TOKEN_AUDIENCE_INVALID` | no `aud` value is an accepted audience |
 * | `TOKEN_CLAIM_MISSING` | a required claim (or `iss`/`aud` when checked, `iat` with `maxAge`) is absent |
 * | `TOKEN_CLAIMS_INVALID` | a registered claim has the wrong type, or the claims schema refused the claims |
 * | `TOKEN_REVOKED` | the `jti` is in the revocation store |
 * | `TOKEN_CRIT_UNSUPPORTED` | the header lists `crit` extensions, none of which jaf-sec implements |
 * | `JWKS_UNAVAILABLE` | the remote JWKS could not be fetched or parsed (an outage, not a bad token) |
 * | `TOKEN_REVOCATION_UNAVAILABLE` | the revocation store failed (an outage, not a bad token) |
 */
export type TokenErrorCode =
  | 'TOKEN_MALFORMED'
  | 'TOKEN_TOO_LARGE'
  | 'TOKEN_ALG_NOT_ALLOWED'
  | 'TOKEN_KEY_UNKNOWN'
  | 'TOKEN_SIGNATURE_INVALID'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_NOT_YET_VALID'
  | 'TOKEN_ISSUED_IN_FUTURE'
  | 'TOKEN_TOO_OLD'
  | 'TOKEN_ISSUER_INVALID'
  | 'TOKEN_AUDIENCE_INVALID'
  | 'TOKEN_CLAIM_MISSING'
  | 'TOKEN_CLAIMS_INVALID'
  | 'TOKEN_REVOKED'
  | 'TOKEN_CRIT_UNSUPPORTED'
  | 'JWKS_UNAVAILABLE'
  | 'TOKEN_REVOCATION_UNAVAILABLE';

/** Registered claims (RFC 7519 4.1) plus the authorization claims jaf-sec reads. */
export interface TokenClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  /** Seconds since the epoch. */
  exp?: number;
  /** Seconds since the epoch. */
  nbf?: number;
  /** Seconds since the epoch. */
  iat?: number;
  jti?: string;
  permissions?: string[];
  roles?: string[];
  [claim: string]: unknown;
}

/** The protected header fields a verified token exposes. */
export interface TokenHeader {
  alg: string;
  kid?: string;
  typ?: string;
}

/** A token whose signature and claims passed every check. */
export interface VerifiedToken<C extends TokenClaims = TokenClaims> {
  header: TokenHeader;
  claims: C;
}

/** What verifying a token gives: the verified token, or a {@link TokenErrorCode}. */
export type TokenResult<C extends TokenClaims = TokenClaims> = Result<
  VerifiedToken<C>,
  TokenErrorCode
>;

/** An HMAC secret for one algorithm. At least as long as the hash output (RFC 7518 3.2). */
export interface HmacTokenKey {
  alg: HmacTokenAlgorithm;
  /** Key id for rotation: matched against the token header's `kid`. */
  kid?: string;
  /** Raw secret bytes, or a string taken as its UTF-8 bytes. */
  secret: Uint8Array | string;
}

/** A public key for one asymmetric algorithm. */
export interface PublicTokenKey {
  alg: AsymmetricTokenAlgorithm;
  kid?: string;
  /** SPKI PEM (`-----BEGIN PUBLIC KEY-----`) or a JWK (private members are ignored). */
  publicKey: string | JsonWebKey;
}

/** A private key for one asymmetric algorithm. */
export interface PrivateTokenKey {
  alg: AsymmetricTokenAlgorithm;
  kid?: string;
  /** PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) or a private JWK. */
  privateKey: string | JsonWebKey;
}

/** A key the verifier accepts tokens from; the key's `alg` is the only algorithm it accepts. */
export type TokenVerificationKey = HmacTokenKey | PublicTokenKey;

/** A key the issuer signs with. */
export type TokenSigningKey = HmacTokenKey | PrivateTokenKey;
