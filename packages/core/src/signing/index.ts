export type {
  ContentDigestAlgorithm,
  ContentDigestCheck,
  ContentDigestHasher,
  ContentDigestVerifyOptions,
  DigestErrorCode,
} from './content-digest.js';
export {
  createContentDigest,
  createContentDigestHasher,
  verifyContentDigest,
} from './content-digest.js';
export type { MemoryNonceStore, MemoryNonceStoreOptions, NonceStore } from './nonce-store.js';
export { createMemoryNonceStore, NonceStoreFullError } from './nonce-store.js';
export type {
  VerifyLegacySignatureRuleOptions,
  VerifySignatureRuleOptions,
  VerifyWebhookRuleOptions,
} from './rules.js';
export { verifyLegacySignatureRule, verifySignatureRule, verifyWebhookRule } from './rules.js';
export type {
  RequestSigner,
  RequestSignerOptions,
  SignCallOptions,
  SignedRequestHeaders,
} from './sign-request.js';
export { createRequestSigner, signRequest } from './sign-request.js';
export type { StructuredFieldType } from './signature-base.js';
export type {
  Ed25519SignatureKeyInput,
  HmacSignatureKeyInput,
  MessageSignatureAlgorithm,
  SignatureKey,
  SignatureKeyInput,
} from './signature-key.js';
export { createSignatureKey } from './signature-key.js';
export type {
  BodyInput,
  HeadersInput,
  SignatureErrorCode,
  SignatureRequestInput,
} from './signing-types.js';
export type {
  SfBareItem,
  SfDictionary,
  SfDictionaryParseOptions,
  SfErrorCode,
  SfInnerList,
  SfItem,
  SfList,
  SfMember,
  SfParameters,
} from './structured-fields.js';
export {
  isSfInnerList,
  parseSfDictionary,
  parseSfInnerList,
  parseSfItem,
  parseSfList,
  serializeSfBareItem,
  serializeSfDictionary,
  serializeSfList,
  serializeSfMember,
  serializeSfParameters,
  sfItem,
} from './structured-fields.js';
export type {
  LegacySignatureErrorCode,
  LegacySignatureInput,
  LegacySignatureOptions,
  LegacySignatureVerifier,
  VerifiedLegacySignature,
} from './verify-legacy-signature.js';
export {
  createLegacySignatureVerifier,
  parseLegacyTimestamp,
  verifyLegacySignature,
} from './verify-legacy-signature.js';
export type {
  RequestVerifier,
  RequestVerifierOptions,
  SignatureKeyResolver,
  VerifiedRequest,
  VerifiedSignature,
  VerifyRequestResult,
} from './verify-request.js';
export { createRequestVerifier, verifyRequest } from './verify-request.js';
export type {
  SignWebhookInput,
  VerifiedWebhook,
  WebhookErrorCode,
  WebhookHeaders,
  WebhookInput,
  WebhookSecret,
  WebhookSigner,
  WebhookVerifier,
  WebhookVerifierOptions,
} from './webhooks.js';
export {
  createWebhookSigner,
  createWebhookVerifier,
  signWebhook,
  verifyWebhook,
} from './webhooks.js';
