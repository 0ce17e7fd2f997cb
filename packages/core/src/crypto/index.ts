// Encryption at rest: AES-256-GCM envelopes with a keyring, password-derived keys, HKDF
// subkeys, Fernet interoperability with Python, and encrypted agent conversations.
export {
  CONVERSATION_SEAL_FIELD,
  CONVERSATION_SEAL_PREFIX,
  type ConversationBinding,
  type ConversationErrorCode,
  checkConversationSeal,
  ENCRYPTED_MESSAGE_PREFIX_V2,
  encryptConversationMessages,
  messagePosition,
  nextPosition,
  openConversation,
  sealConversation,
} from './conversation-seal.js';
export {
  decryptGuideMessages,
  type GuideMessageErrorCode,
} from './decrypt-guide-messages.js';
export { type DeriveSubkeyOptions, deriveSubkey } from './derive-subkey.js';
export {
  type ConversationMessage,
  decryptMessages,
  ENCRYPTED_MESSAGE_PREFIX,
  encryptMessages,
  isEncryptedMessage,
  type MessageCryptoOptions,
  type MessageErrorCode,
} from './encrypt-messages.js';
export {
  createEncryptedMemoryProvider,
  type EncryptedMemoryError,
  type EncryptedMemoryProviderOptions,
  type MemoryProviderLike,
  type MemoryResult,
  type StoredConversation,
} from './encrypted-memory-provider.js';
export {
  deriveGuideFernetKey,
  type FernetDecryptOptions,
  type FernetEncryptOptions,
  type FernetErrorCode,
  type FernetKey,
  fernetDecrypt,
  fernetDecryptText,
  fernetEncrypt,
  importFernetKey,
  type MigrateFernetOptions,
  migrateFernetToken,
} from './fernet.js';
export { generateKey } from './generate-key.js';
export {
  createKeyring,
  ENVELOPE_VERSION,
  type EnvelopeData,
  type EnvelopeErrorCode,
  type EnvelopeOptions,
  isValidKeyId,
  type Keyring,
  type KeyringKey,
  type KeyringOptions,
  readEnvelopeKeyId,
} from './keyring.js';
export {
  decryptWithPassword,
  deriveKeyFromPassword,
  encryptWithPassword,
  PASSWORD_ENVELOPE_VERSION,
  type PasswordDecryptOptions,
  type PasswordEnvelopeErrorCode,
  type PasswordKdf,
  type PasswordKdfOptions,
  type PasswordKey,
  type PasswordKeyParams,
} from './password.js';
