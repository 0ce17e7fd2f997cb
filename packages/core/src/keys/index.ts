export type { ApiKeyCode, ApiKeyErrorCode } from './api-key-errors.js';
export { API_KEY_MESSAGES } from './api-key-errors.js';
export type { GenerateApiKeyOptions, GeneratedApiKey } from './generate-api-key.js';
export { generateApiKey } from './generate-api-key.js';
export type { ApiKeyHasher, ApiKeyHashOptions } from './hash-api-key.js';
export { createApiKeyHasher, hashApiKey, MIN_API_KEY_PEPPER_BYTES } from './hash-api-key.js';
export type { IssueApiKeyOptions, IssuedApiKey } from './issue-api-key.js';
export { issueApiKey } from './issue-api-key.js';
export type { ApiKeyRecord, ApiKeyUse, ApiKeyUseOutcome, KeyStore } from './key-store.js';
export type { MemoryKeyStoreOptions } from './memory-key-store.js';
export { createMemoryKeyStore } from './memory-key-store.js';
export type { ApiKeyFormatOptions, ParsedApiKey } from './parse-api-key.js';
export {
  API_KEY_CHECKSUM_LENGTH,
  API_KEY_SECRET_LENGTH,
  DEFAULT_API_KEY_PREFIX,
  MAX_API_KEY_LENGTH,
  parseApiKey,
} from './parse-api-key.js';
export type {
  RotateApiKeyErrorCode,
  RotateApiKeyOptions,
  RotatedApiKey,
} from './rotate-api-key.js';
export { DEFAULT_ROTATION_OVERLAP_MS, rotateApiKey } from './rotate-api-key.js';
export type {
  ApiKeyResult,
  ApiKeyVerifier,
  ApiKeyVerifierOptions,
  RequiredScopes,
  VerifiedApiKey,
  VerifyApiKeyCallOptions,
  VerifyApiKeyOptions,
} from './verify-api-key.js';
export { createApiKeyVerifier, verifyApiKey } from './verify-api-key.js';
