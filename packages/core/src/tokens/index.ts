export {
  createTokenIssuer,
  type IssueTokenCallOptions,
  issueToken,
  type TokenIssuer,
  type TokenIssuerOptions,
} from './create-token-issuer.js';
export {
  createTokenVerifier,
  type TokenVerifier,
  type TokenVerifierOptions,
  type VerifyTokenCallOptions,
} from './create-token-verifier.js';
export type { RemoteJwksOptions } from './remote-jwks.js';
export {
  createMemoryRevocationStore,
  type MemoryRevocationStoreOptions,
  type RevocationStore,
} from './revocation-store.js';
export { tokenClaimsSchema } from './token-claims-schema.js';
export { TOKEN_ERROR_MESSAGES } from './token-failures.js';
export type {
  AsymmetricTokenAlgorithm,
  HmacTokenAlgorithm,
  HmacTokenKey,
  PrivateTokenKey,
  PublicTokenKey,
  TokenAlgorithm,
  TokenClaims,
  TokenErrorCode,
  TokenHeader,
  TokenResult,
  TokenSigningKey,
  TokenVerificationKey,
  VerifiedToken,
} from './token-types.js';
export { verifyToken } from './verify-token.js';
