/** Every kind of personal data or secret the detectors find. */
export type PiiType =
  | 'EMAIL'
  | 'CREDIT_CARD'
  | 'US_SSN'
  | 'PHONE_NUMBER'
  | 'IP_ADDRESS'
  | 'IBAN'
  | 'AWS_ACCESS_KEY_ID'
  | 'AWS_SECRET_ACCESS_KEY'
  | 'GITHUB_TOKEN'
  | 'SLACK_TOKEN'
  | 'STRIPE_KEY'
  | 'JWT'
  | 'PRIVATE_KEY'
  | 'JAF_API_KEY'
  | 'URL_CREDENTIALS'
  | 'API_KEY';

/** All detector types, in a stable order. */
export const PII_TYPES: readonly PiiType[] = [
  'EMAIL',
  'CREDIT_CARD',
  'US_SSN',
  'PHONE_NUMBER',
  'IP_ADDRESS',
  'IBAN',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'GITHUB_TOKEN',
  'SLACK_TOKEN',
  'STRIPE_KEY',
  'JWT',
  'PRIVATE_KEY',
  'JAF_API_KEY',
  'URL_CREDENTIALS',
  'API_KEY',
];

/**
 * Who issued an `API_KEY` (the format that identified it). GitHub, Slack, Stripe and AWS keys
 * keep their own types.
 */
export type ApiKeyProvider =
  | 'openai'
  | 'anthropic'
  | 'google'
  | 'azure-openai'
  | 'huggingface'
  | 'cohere'
  | 'mistral'
  | 'groq'
  | 'replicate'
  | 'pinecone'
  | 'gitlab'
  | 'npm'
  | 'twilio'
  | 'sendgrid'
  | 'discord'
  | 'telegram'
  | 'shopify'
  | 'supabase'
  | 'databricks';

/** One value found in a text. `start`/`end` are JS string (UTF-16) offsets into the input. */
export interface DetectedEntity {
  readonly type: PiiType;
  /** Index of the first code unit. */
  readonly start: number;
  /** Index one past the last code unit. */
  readonly end: number;
  /** `text.slice(start, end)`, including any zero-width characters hidden inside it. */
  readonly value: string;
  /** For `API_KEY`: the provider whose key format matched. */
  readonly provider?: ApiKeyProvider;
}

/** Which detectors run. */
export interface DetectOptions {
  /** Types to look for. Default: all of {@link PII_TYPES}. */
  readonly types?: readonly PiiType[] | undefined;
}
