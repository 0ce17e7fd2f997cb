// PII and secret detection with validators, redaction strategies, deep object redaction and
// streaming redaction (text and server-sent events).
export { containsPii, detect } from './detect.js';
export {
  createRedactionVault,
  createRedactor,
  type RedactionStrategy,
  type RedactionVault,
  type RedactionVaultOptions,
  type RedactOptions,
  type Redactor,
  redact,
  unredact,
} from './redact.js';
export {
  createObjectRedactor,
  type RedactObjectOptions,
  redactObject,
  SENSITIVE_KEYS,
} from './redact-object.js';
export {
  DEFAULT_MAX_SSE_EVENT_LENGTH,
  OPENAI_CHAT_SSE,
  PLAIN_TEXT_SSE,
  type RedactSseOptions,
  redactSseResponse,
  redactSseStream,
  type SseTextCodec,
} from './sse.js';
export {
  createIncrementalRedactor,
  createRedactionStream,
  type IncrementalRedactor,
  type RedactionStreamOptions,
} from './stream.js';
export {
  type ApiKeyProvider,
  type DetectedEntity,
  type DetectOptions,
  PII_TYPES,
  type PiiType,
} from './types.js';
