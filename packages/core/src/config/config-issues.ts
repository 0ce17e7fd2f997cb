/**
 * Codes of configuration problems. Errors make `loadSecurityConfig` fail; the codes marked
 * (warning) are reported in `config.warnings` (and fail under `strict`).
 */
export type ConfigIssueCode =
  | 'CONFIG_MISSING'
  | 'CONFIG_NOT_TEXT'
  | 'SECRET_MALFORMED'
  | 'SECRET_WHITESPACE'
  | 'SECRET_TOO_SHORT'
  | 'SECRET_PLACEHOLDER'
  | 'SECRET_PATTERNED'
  | 'SECRET_LOW_ENTROPY'
  | 'SECRET_REUSED'
  | 'ENCRYPTION_KEY_LENGTH'
  | 'KEY_ID_INVALID'
  | 'KEY_ID_DUPLICATE'
  | 'BOOLEAN_INVALID'
  | 'INTEGER_INVALID'
  | 'INTEGER_OUT_OF_RANGE'
  | 'CORS_ORIGIN_INVALID'
  | 'CORS_ORIGIN_WILDCARD'
  | 'CORS_ORIGIN_NULL'
  | 'CORS_WILDCARD_MIXED'
  | 'CORS_WILDCARD_WITH_CREDENTIALS'
  | 'LOG_LEVEL_INVALID'
  /** (warning) */
  | 'CORS_ORIGINS_EMPTY'
  /** (warning) */
  | 'CORS_ORIGIN_INSECURE'
  /** (warning) */
  | 'FEATURE_DISABLED'
  /** (warning) */
  | 'LOG_LEVEL_VERBOSE';

/** One problem with one variable: what is wrong and how to fix it. Never contains a secret's value. */
export interface ConfigIssue {
  /** The environment variable, e.g. `JWT_SECRET_KEY`. */
  readonly variable: string;
  readonly code: ConfigIssueCode;
  readonly message: string;
  readonly fix: string;
}

const KEYGEN = 'Generate one with `npx jaf-sec keygen` (32 random bytes, printed as base64url:…).';

/** Builds the message and fix of an issue. `received`/`expected` are never secret values. */
export function describeConfigIssue(
  variable: string,
  code: ConfigIssueCode,
  received = '',
  expected = '',
): ConfigIssue {
  // Problems of one entry of a list (ENCRYPTION_PREVIOUS_KEYS) name the entry by its
  // position ("entry 2"), never by its id or value: a pasted key would read as its own id.
  const v =
    expected &&
    code !== 'INTEGER_INVALID' &&
    code !== 'INTEGER_OUT_OF_RANGE' &&
    code !== 'CORS_ORIGIN_INVALID'
      ? `${variable} (${expected})`
      : variable;
  const [message, fix] = ((): [string, string] => {
    switch (code) {
      case 'CONFIG_MISSING':
        return [`${v} is not set.`, `Set ${v}. ${KEYGEN}`];
      case 'CONFIG_NOT_TEXT':
        return [
          `${v} is not a string.`,
          `Pass ${v} as text (an environment variable or a string binding).`,
        ];
      case 'SECRET_MALFORMED':
        return [
          `${v} could not be decoded: ${received}`,
          `Write it as hex:<hex digits>, base64:<padded base64>, base64url:<base64url> or raw:<text>. ${KEYGEN}`,
        ];
      case 'SECRET_WHITESPACE':
        return [
          `${v} starts or ends with whitespace, which would become part of the key.`,
          'Remove the spaces or line break around the value (in a .env file, check quotes and trailing spaces).',
        ];
      case 'SECRET_TOO_SHORT':
        return [
          `${v} has ${received}; at least 256 bits (32 bytes) are required after decoding.`,
          `Use a longer, random secret. ${KEYGEN}`,
        ];
      case 'SECRET_PLACEHOLDER':
        return [
          `${v} looks like a placeholder copied from an example (e.g. "changeme"), not a generated secret.`,
          `Replace it, and rotate anything signed or encrypted with the old value. ${KEYGEN}`,
        ];
      case 'SECRET_PATTERNED':
        return [
          `${v} repeats a short pattern or runs in sequence (like "aaaa" or "abcd1234"), so it is easy to guess.`,
          `Use a random secret. ${KEYGEN}`,
        ];
      case 'SECRET_LOW_ENTROPY':
        return [
          `${v} carries an estimated ${received} bits of entropy; the floor is 128.`,
          `Use a random secret rather than words or a short alphabet. ${KEYGEN}`,
        ];
      case 'SECRET_REUSED':
        return [
          `${v} has the same value as ${received}.`,
          'Give each purpose its own secret, so that one leak does not expose the others.',
        ];
      case 'ENCRYPTION_KEY_LENGTH':
        return [
          `${v} decodes to ${received}; AES-256-GCM needs exactly 32 bytes.`,
          `Use 32 random bytes, encoded as hex: (64 digits), base64: or base64url:. ${KEYGEN}`,
        ];
      case 'KEY_ID_INVALID':
        return [
          `${v} has ${received || 'a key id'}, which is not 1-64 of A-Z a-z 0-9 . _ : - (the value is not shown: it may be a key).`,
          `Use an id of 1-64 characters from A-Z a-z 0-9 . _ : - such as 2026-01${variable === 'ENCRYPTION_PREVIOUS_KEYS' ? '; write each previous key as id=key, separated by commas (2025-01=base64url:...)' : ''}.`,
        ];
      case 'KEY_ID_DUPLICATE':
        return [
          `${v} uses the same key id as ${received} (ENCRYPTION_KEY_ID counts too).`,
          'Give every key its own id: envelopes name the key that sealed them.',
        ];
      case 'BOOLEAN_INVALID':
        return [
          `${v} is "${received}", not a boolean.`,
          'Use true or false (1/0, yes/no, on/off are accepted).',
        ];
      case 'INTEGER_INVALID':
        return [
          `${v} is "${received}", not a whole number.`,
          `Use a whole number from ${expected}.`,
        ];
      case 'INTEGER_OUT_OF_RANGE':
        return [`${v} is ${received}, outside ${expected}.`, `Use a value from ${expected}.`];
      case 'CORS_ORIGIN_INVALID':
        return [
          `${v} entry "${received}" is not an exact origin (scheme://host[:port], no path, no trailing slash).`,
          expected
            ? `Write it as "${expected}".`
            : 'Write each origin as https://host or https://host:port.',
        ];
      case 'CORS_ORIGIN_WILDCARD':
        return [
          `${v} entry "${received}" has a wildcard inside an origin; browsers send exact origins, and pattern matching on them is a common bypass.`,
          'List each origin exactly (https://app.example.com,https://admin.example.com).',
        ];
      case 'CORS_ORIGIN_NULL':
        return [
          `${v} allows the "null" origin, which sandboxed iframes, data: URLs and local files send: any page can claim it.`,
          'Remove "null" and list the real origin the client is served from.',
        ];
      case 'CORS_WILDCARD_MIXED':
        return [
          `${v} mixes "*" with other origins, so the list means "any origin".`,
          'Use "*" alone for a public API without credentials, or a list of exact origins.',
        ];
      case 'CORS_WILDCARD_WITH_CREDENTIALS':
        return [
          `${v} is "*" while CORS_CREDENTIALS is true: browsers refuse this combination, and reflecting any origin instead would let every site act as the user.`,
          'List the exact origins allowed to send credentials, or set CORS_CREDENTIALS=false.',
        ];
      case 'LOG_LEVEL_INVALID':
        return [
          `${v} is "${received}", not a log level.`,
          'Use one of trace, debug, info, warn, error, fatal.',
        ];
      case 'CORS_ORIGINS_EMPTY':
        return [
          `${v} is empty: no browser on another origin can call this API.`,
          'If a browser front end on another origin calls the API, list its origin; otherwise nothing to do.',
        ];
      case 'CORS_ORIGIN_INSECURE':
        return [
          `${v} entry "${received}" is plain http on a non-local host: traffic and cookies can be read or changed in transit.`,
          'Serve the front end over HTTPS and list the https:// origin.',
        ];
      case 'FEATURE_DISABLED':
        return [`${v} is false: ${received} is switched off.`, `Set ${v}=true in production.`];
      case 'LOG_LEVEL_VERBOSE':
        return [
          `${v} is "${received}": debug output often carries request bodies and personal data.`,
          'Use info (or warn) in production.',
        ];
    }
  })();
  return { variable, code, message, fix };
}
