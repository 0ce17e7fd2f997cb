import * as v from 'valibot';
import { isValidKeyId } from '../crypto/keyring.js';
import { decodeUtf8 } from '../internal/bytes.js';
import { timingSafeEqual } from '../internal/constant-time.js';
import { parseIpLoose, unmapIpv4 } from '../internal/ip.js';
import { type ConfigIssue, type ConfigIssueCode, describeConfigIssue } from './config-issues.js';
import {
  codeUnits,
  decodeConfigSecret,
  estimateEntropyBits,
  isPatternedSecret,
  isPlaceholderSecret,
  type SecretEncoding,
} from './decode-config-secret.js';

/** Log levels (pino's names). */
export type SecurityLogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** A decoded secret, kept as bytes. */
export interface ConfigSecret {
  readonly bytes: Uint8Array;
  readonly encoding: SecretEncoding;
}

/** The validated security configuration. Printing it (`describe()`, JSON, console) masks secrets. */
export interface SecurityConfig {
  readonly jwt: {
    /** `JWT_SECRET_KEY` decoded; undefined when not set and not required. */
    readonly secret: ConfigSecret | undefined;
    /** `JWT_EXPIRY_SECONDS`, default 3600. */
    readonly expirySeconds: number;
  };
  /** `ENCRYPTION_KEY`: exactly 32 bytes (AES-256-GCM). */
  readonly encryptionKey: ConfigSecret | undefined;
  /**
   * Every encryption key with its id, current first, ready for
   * `createKeyring({ keys, primary })`: `ENCRYPTION_KEY` under `ENCRYPTION_KEY_ID` (default
   * `primary`), then `ENCRYPTION_PREVIOUS_KEYS` (still decrypt, never seal). Empty when no
   * `ENCRYPTION_KEY` is set.
   */
  readonly encryptionKeyring: {
    readonly primary: string;
    readonly keys: readonly { readonly id: string; readonly key: Uint8Array }[];
  };
  /** `API_KEY_PEPPER`: the HMAC key API keys are hashed with. */
  readonly apiKeyPepper: ConfigSecret | undefined;
  readonly rateLimit: {
    /** `RATE_LIMIT_ENABLED`, default true. */
    readonly enabled: boolean;
    /** `MAX_REQUESTS_PER_MINUTE`, default 60. */
    readonly maxRequestsPerMinute: number;
  };
  readonly cors: {
    /** `CORS_ORIGINS`: exact origins, or `['*']` for a public API without credentials. */
    readonly origins: readonly string[];
    /** `CORS_CREDENTIALS`, default false. */
    readonly credentials: boolean;
  };
  /** `SECURITY_HEADERS_ENABLED`, default true. */
  readonly headers: { readonly enabled: boolean };
  /** `CONTENT_FILTERING_ENABLED`, default true. */
  readonly contentFiltering: { readonly enabled: boolean };
  readonly logging: {
    /** `SECURITY_LOGGING_ENABLED`, default true. */
    readonly enabled: boolean;
    /** `LOG_LEVEL`, default info. */
    readonly level: SecurityLogLevel;
  };
  /** The mode the configuration was loaded in (see {@link LoadSecurityConfigOptions.mode}). */
  readonly mode: SecurityConfigMode;
  /** Problems that do not stop loading (a disabled switch, an http origin). */
  readonly warnings: readonly ConfigIssue[];
  /** The configuration as text, one `VARIABLE = value` line each, secrets masked. */
  describe(): string;
  /** Masked view for `JSON.stringify`. */
  toJSON(): Record<string, unknown>;
}

/** Options of {@link loadSecurityConfig}. */
export interface LoadSecurityConfigOptions {
  /** Secrets that must be set. Default `['JWT_SECRET_KEY', 'ENCRYPTION_KEY']`. */
  readonly required?:
    | readonly ('JWT_SECRET_KEY' | 'ENCRYPTION_KEY' | 'API_KEY_PEPPER')[]
    | undefined;
  /** Treat every warning as an error (e.g. in CI for production). Default false. */
  readonly strict?: boolean | undefined;
  /**
   * `production`: an http origin on a non-local host (`CORS_ORIGIN_INSECURE`) is an error,
   * not a warning, and `JWT_SECRET_KEY` and `ENCRYPTION_KEY` are required whatever
   * `required` says (a missing secret is `CONFIG_MISSING`). `development`: as before.
   * Default: taken from the environment the app declares, `NODE_ENV` in `env`
   * (`production` selects production; anything else, or unset, development). Pass it
   * explicitly when your app declares its environment another way.
   */
  readonly mode?: SecurityConfigMode | undefined;
}

/** How strictly {@link loadSecurityConfig} treats insecure settings. */
export type SecurityConfigMode = 'production' | 'development';

/** Why loading failed: every problem at once. */
export interface SecurityConfigError {
  readonly code: 'CONFIG_INVALID';
  /** A summary with one line per issue. */
  readonly message: string;
  readonly issues: readonly ConfigIssue[];
  /** Warnings found too (already in `issues` under `strict`). */
  readonly warnings: readonly ConfigIssue[];
}

/** Result of {@link loadSecurityConfig}. */
export type SecurityConfigResult =
  | { readonly ok: true; readonly value: SecurityConfig }
  | { readonly ok: false; readonly error: SecurityConfigError };

/** The environment: any string map (Node's environment, a parsed .env file, Workers bindings). */
export type SecurityEnv = Readonly<Record<string, string | undefined>>;

// Issues travel through valibot with the code as message and the context (never a
// secret) in `received`/`expected`; they are turned into text with a fix afterwards.
type Problem = readonly [ConfigIssueCode, string?, string?];

function field<T>(check: (value: string) => T | { problems: Problem[] }) {
  return v.pipe(
    v.string(),
    v.rawTransform<string, T>(({ dataset, addIssue, NEVER }) => {
      const out = check(dataset.value);
      if (out !== null && typeof out === 'object' && 'problems' in (out as object)) {
        for (const [code, received, expected] of (out as { problems: Problem[] }).problems) {
          addIssue({ message: code, received: received ?? '', expected: expected ?? '' });
        }
        return NEVER;
      }
      return out as T;
    }),
  );
}

const bits = (n: number) => `${n} bytes (${n * 8} bits)`;

function strengthProblems(text: string, bytes: Uint8Array, encoding: SecretEncoding): Problem[] {
  const problems: Problem[] = [];
  const symbols = encoding === 'raw' ? codeUnits(text) : bytes;
  // Decoded bytes that are printable text are checked as text too ("base64:" of "changeme…").
  let asText = encoding === 'raw' ? text : '';
  if (encoding !== 'raw' && bytes.every((b) => b >= 32 && b < 127)) {
    // Not String.fromCharCode(...bytes): spreading a long secret (~130 KB+) overflows the stack.
    asText = decodeUtf8(bytes) ?? '';
  }
  if (asText && isPlaceholderSecret(asText)) problems.push(['SECRET_PLACEHOLDER']);
  else if (isPatternedSecret(symbols)) problems.push(['SECRET_PATTERNED']);
  else {
    const entropy = estimateEntropyBits(symbols);
    if (entropy < 128) problems.push(['SECRET_LOW_ENTROPY', String(Math.floor(entropy))]);
  }
  return problems;
}

function signingSecret(value: string): ConfigSecret | { problems: Problem[] } {
  if (value !== value.trim()) return { problems: [['SECRET_WHITESPACE']] };
  const decoded = decodeConfigSecret(value, { unprefixed: 'raw' });
  if (!decoded.ok) return { problems: [['SECRET_MALFORMED', decoded.error.message]] };
  const { bytes, encoding } = decoded.value;
  const problems: Problem[] = [];
  if (bytes.length < 32) {
    const hint =
      encoding === 'raw' ? ' of text (use a prefix such as base64url: for an encoded key)' : '';
    problems.push(['SECRET_TOO_SHORT', `${bits(bytes.length)}${hint}`]);
  }
  const text = value.startsWith('raw:') ? value.slice(4) : value;
  problems.push(...strengthProblems(text, bytes, encoding));
  return problems.length > 0 ? { problems } : { bytes, encoding };
}

function encryptionKey(value: string): ConfigSecret | { problems: Problem[] } {
  if (value !== value.trim()) return { problems: [['SECRET_WHITESPACE']] };
  const decoded = decodeConfigSecret(value, { unprefixed: 'auto' });
  if (!decoded.ok) return { problems: [['SECRET_MALFORMED', decoded.error.message]] };
  const { bytes, encoding } = decoded.value;
  if (bytes.length !== 32) return { problems: [['ENCRYPTION_KEY_LENGTH', bits(bytes.length)]] };
  const problems = strengthProblems(value, bytes, encoding);
  return problems.length > 0 ? { problems } : { bytes, encoding };
}

// Key ids are never quoted back: a key pasted into the wrong place reads as an id, so an
// id in a message could carry key material. Problems name the entry by its position.
const idShape = (id: string): string =>
  id === '' ? 'an empty key id' : `a key id of ${codeUnits(id).length} characters`;

function keyId(value: string): string | { problems: Problem[] } {
  const id = value.trim();
  return isValidKeyId(id) ? id : { problems: [['KEY_ID_INVALID', idShape(id)]] };
}

interface PreviousKey {
  readonly id: string;
  readonly secret: ConfigSecret;
  /** 1-based position in the list, used to name the entry in messages. */
  readonly entry: number;
}
function previousKeys(value: string): PreviousKey[] | { problems: Problem[] } {
  const problems: Problem[] = [];
  const out: PreviousKey[] = [];
  const seen = new Map<string, number>();
  let position = 0;
  for (const raw of value.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    position++;
    const where = `entry ${position}`;
    // `id=value`: the first '=' separates, since base64 values may end in '='.
    const eq = entry.indexOf('=');
    const id = eq === -1 ? '' : entry.slice(0, eq).trim();
    if (eq === -1) {
      problems.push(['KEY_ID_INVALID', 'no key id (write id=key)', where]);
      continue;
    }
    if (!isValidKeyId(id)) {
      problems.push(['KEY_ID_INVALID', idShape(id), where]);
      continue;
    }
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      problems.push(['KEY_ID_DUPLICATE', `entry ${earlier}`, where]);
      continue;
    }
    seen.set(id, position);
    const key = encryptionKey(entry.slice(eq + 1).trim());
    if ('problems' in key) {
      // The key's own problems, named by its position (never its id or value).
      for (const [code, received] of key.problems) problems.push([code, received, where]);
      continue;
    }
    out.push({ id, secret: key, entry: position });
  }
  return problems.length > 0 ? { problems } : out;
}

/**
 * A variable of the environment map: own properties only, so a value inherited from a
 * polluted `Object.prototype` (or any prototype) is never read as configuration.
 */
const own = (env: SecurityEnv, name: string): unknown =>
  Object.hasOwn(env, name) ? env[name] : undefined;

const ID_LOOKS_LIKE_KEY = 'a key id that repeats part of a secret value';
const SHOWN_FRAGMENT = 6;

/** The key material of every secret in the environment: values without their prefix. */
function secretValues(env: SecurityEnv): string[] {
  const out: string[] = [];
  const add = (text: string) => {
    const colon = text.indexOf(':');
    const prefix = colon === -1 ? '' : text.slice(0, colon + 1);
    const body = ['hex:', 'base64:', 'base64url:', 'raw:'].includes(prefix)
      ? text.slice(colon + 1)
      : text;
    if (body.trim().length >= SHOWN_FRAGMENT) out.push(body.trim());
  };
  for (const name of SECRET_NAMES) {
    const value = own(env, name);
    if (typeof value === 'string') add(value);
  }
  const previous = own(env, 'ENCRYPTION_PREVIOUS_KEYS');
  if (typeof previous === 'string') {
    for (const entry of previous.split(',')) {
      const eq = entry.indexOf('=');
      add(eq === -1 ? entry : entry.slice(eq + 1));
    }
  }
  return out;
}

/**
 * True when `id` (at most 64 characters, a valid key id) and one of `secrets` share a run of
 * six or more characters. Linear in the secrets' length: the id's few six-character pieces
 * go in a set, and each secret is read once with a sliding window.
 */
function sharesSecret(id: string, secrets: readonly string[]): boolean {
  const pieces = new Set<string>();
  for (let i = 0; i + SHOWN_FRAGMENT <= id.length; i++) pieces.add(id.slice(i, i + SHOWN_FRAGMENT));
  if (pieces.size === 0) return false;
  for (const secret of secrets) {
    for (let i = 0; i + SHOWN_FRAGMENT <= secret.length; i++) {
      if (pieces.has(secret.slice(i, i + SHOWN_FRAGMENT))) return true;
    }
  }
  return false;
}

const SECRET_NAMES: readonly string[] = ['JWT_SECRET_KEY', 'ENCRYPTION_KEY', 'API_KEY_PEPPER'];

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off']);
function boolean(value: string): boolean | { problems: Problem[] } {
  const t = value.trim().toLowerCase();
  if (TRUE.has(t)) return true;
  if (FALSE.has(t)) return false;
  return { problems: [['BOOLEAN_INVALID', value.slice(0, 40)]] };
}

function integer(min: number, max: number) {
  return (value: string): number | { problems: Problem[] } => {
    const t = value.trim();
    const range = `${min} to ${max}`;
    let n = 0;
    if (t.length === 0 || t.length > 12)
      return { problems: [['INTEGER_INVALID', value.slice(0, 40), range]] };
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c < 48 || c > 57) return { problems: [['INTEGER_INVALID', value.slice(0, 40), range]] };
      n = n * 10 + (c - 48);
    }
    return n < min || n > max ? { problems: [['INTEGER_OUT_OF_RANGE', String(n), range]] } : n;
  };
}

const LEVELS: Readonly<Record<string, SecurityLogLevel>> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  fatal: 'fatal',
  critical: 'fatal',
};
function logLevel(value: string): SecurityLogLevel | { problems: Problem[] } {
  const level = LEVELS[value.trim().toLowerCase()];
  return level ?? { problems: [['LOG_LEVEL_INVALID', value.slice(0, 40)]] };
}

/**
 * True for a host that can only be this machine: `localhost` and its subdomains (RFC 6761),
 * or an address literal in 127.0.0.0/8 or ::1 (also IPv4-mapped). The host is parsed as an
 * address, so `127.0.0.1.example.com` is a domain like any other, not a loopback address.
 * `hostname` is the WHATWG URL's, already normalized (`127.1` and `0x7f.1` read `127.0.0.1`).
 */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const literal = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const parsed = parseIpLoose(literal);
  if (!parsed) return false;
  const ip = unmapIpv4(parsed);
  if (ip.version === 4) return ip.bytes[0] === 127;
  return ip.bytes.every((b, i) => b === (i === 15 ? 1 : 0));
}

interface Origins {
  readonly origins: string[];
  readonly insecure: string[];
}
function corsOrigins(value: string): Origins | { problems: Problem[] } {
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  const problems: Problem[] = [];
  const origins: string[] = [];
  const insecure: string[] = [];
  for (const entry of entries) {
    const shown = entry.slice(0, 100);
    if (entry === '*') {
      if (entries.length > 1) problems.push(['CORS_WILDCARD_MIXED']);
      origins.push('*');
      continue;
    }
    if (entry.toLowerCase() === 'null') {
      problems.push(['CORS_ORIGIN_NULL']);
      continue;
    }
    if (entry.includes('*')) {
      problems.push(['CORS_ORIGIN_WILDCARD', shown]);
      continue;
    }
    let url: URL | undefined;
    try {
      url = new URL(entry);
    } catch {
      url = undefined;
    }
    if (
      !url ||
      (url.protocol !== 'https:' && url.protocol !== 'http:') ||
      url.username ||
      url.password
    ) {
      problems.push(['CORS_ORIGIN_INVALID', shown]);
      continue;
    }
    if (url.origin !== entry) {
      problems.push(['CORS_ORIGIN_INVALID', shown, url.origin]);
      continue;
    }
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) insecure.push(entry);
    origins.push(entry);
  }
  return problems.length > 0 ? { problems } : { origins: [...new Set(origins)], insecure };
}

const FIELDS = {
  JWT_SECRET_KEY: field(signingSecret),
  JWT_EXPIRY_SECONDS: field(integer(60, 86_400)),
  ENCRYPTION_KEY: field(encryptionKey),
  ENCRYPTION_KEY_ID: field(keyId),
  ENCRYPTION_PREVIOUS_KEYS: field(previousKeys),
  API_KEY_PEPPER: field(signingSecret),
  RATE_LIMIT_ENABLED: field(boolean),
  MAX_REQUESTS_PER_MINUTE: field(integer(1, 1_000_000)),
  CORS_ORIGINS: field(corsOrigins),
  CORS_CREDENTIALS: field(boolean),
  SECURITY_HEADERS_ENABLED: field(boolean),
  CONTENT_FILTERING_ENABLED: field(boolean),
  SECURITY_LOGGING_ENABLED: field(boolean),
  LOG_LEVEL: field(logLevel),
} as const;

type Fields = typeof FIELDS;
type Parsed = { -readonly [K in keyof Fields]?: v.InferOutput<Fields[K]> };

const SWITCHES: readonly [keyof Fields, string][] = [
  ['RATE_LIMIT_ENABLED', 'rate limiting'],
  ['SECURITY_HEADERS_ENABLED', 'the security headers'],
  ['CONTENT_FILTERING_ENABLED', 'content filtering'],
  ['SECURITY_LOGGING_ENABLED', 'security event logging'],
];

const mask = (s: ConfigSecret | undefined) =>
  s === undefined ? '(not set)' : `******** (${s.bytes.length} bytes, ${s.encoding})`;

/**
 * Loads and validates the security configuration from an environment map, reporting
 * every problem at once, each with how to fix it. Core never reads the process environment: pass it
 * (or a parsed .env file, or Workers bindings) in.
 *
 * Variables: `JWT_SECRET_KEY`, `JWT_EXPIRY_SECONDS`, `ENCRYPTION_KEY`, `ENCRYPTION_KEY_ID`,
 * `ENCRYPTION_PREVIOUS_KEYS`, `API_KEY_PEPPER`,
 * `RATE_LIMIT_ENABLED`, `MAX_REQUESTS_PER_MINUTE`, `CORS_ORIGINS`, `CORS_CREDENTIALS`,
 * `SECURITY_HEADERS_ENABLED`, `CONTENT_FILTERING_ENABLED`, `SECURITY_LOGGING_ENABLED`,
 * `LOG_LEVEL` (see docs/config.md). Empty values count as unset.
 *
 * @param env - The environment.
 * @param options - Which secrets are required; `strict` to fail on warnings.
 * @returns `ok(config)` or `CONFIG_INVALID` with `issues` (codes in {@link ConfigIssueCode}).
 * @example
 * ```ts
 * const result = loadSecurityConfig(env); // Node's environment, a parsed .env file or a Worker's bindings
 * if (!result.ok) {
 *   for (const i of result.error.issues) console.error(`${i.variable}: ${i.message} ${i.fix}`);
 *   process.exit(1);
 * }
 * const verifier = createTokenVerifier({ keys: { secret: result.value.jwt.secret!.bytes } });
 * ```
 */
export function loadSecurityConfig(
  env: SecurityEnv,
  options: LoadSecurityConfigOptions = {},
): SecurityConfigResult {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(
      'loadSecurityConfig: options must be an object ({ required, strict, mode })',
    );
  }
  const issues: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const parsed: Parsed = {};
  const source: SecurityEnv = env !== null && typeof env === 'object' ? env : {};
  if (
    options.mode !== undefined &&
    options.mode !== 'production' &&
    options.mode !== 'development'
  ) {
    throw new TypeError("loadSecurityConfig: mode must be 'production' or 'development'");
  }
  const declared = own(source, 'NODE_ENV');
  const mode: SecurityConfigMode =
    options.mode ??
    (typeof declared === 'string' && declared.trim().toLowerCase() === 'production'
      ? 'production'
      : 'development');
  for (const name of Object.keys(FIELDS) as (keyof Fields)[]) {
    const raw = own(source, name);
    if (raw === undefined || raw === '') continue;
    if (typeof raw !== 'string') {
      issues.push(describeConfigIssue(name, 'CONFIG_NOT_TEXT'));
      continue;
    }
    const result = v.safeParse(FIELDS[name], raw);
    if (result.success) {
      (parsed as Record<string, unknown>)[name] = result.output;
      continue;
    }
    for (const issue of result.issues) {
      issues.push(
        describeConfigIssue(
          name,
          issue.message as ConfigIssueCode,
          String(issue.received ?? ''),
          String(issue.expected ?? ''),
        ),
      );
    }
  }
  const listed = options.required ?? ['JWT_SECRET_KEY', 'ENCRYPTION_KEY'];
  if (!Array.isArray(listed) || !listed.every((n) => SECRET_NAMES.includes(n))) {
    throw new TypeError(
      `loadSecurityConfig: required must be an array of ${SECRET_NAMES.join(', ')}`,
    );
  }
  const required = new Set<string>(
    mode === 'production' ? [...listed, 'JWT_SECRET_KEY', 'ENCRYPTION_KEY'] : listed,
  );
  for (const name of required) {
    const raw = own(source, name);
    if (raw === undefined || raw === '') issues.push(describeConfigIssue(name, 'CONFIG_MISSING'));
  }

  // Checks across variables run whatever else failed, so the report is complete.
  const secrets: [string, ConfigSecret | undefined][] = [
    ['JWT_SECRET_KEY', parsed.JWT_SECRET_KEY],
    ['ENCRYPTION_KEY', parsed.ENCRYPTION_KEY],
    ['API_KEY_PEPPER', parsed.API_KEY_PEPPER],
  ];
  for (let i = 1; i < secrets.length; i++) {
    const [name, secret] = secrets[i]!;
    for (let j = 0; j < i && secret; j++) {
      const [other, earlier] = secrets[j]!;
      if (earlier && timingSafeEqual(secret.bytes, earlier.bytes)) {
        issues.push(describeConfigIssue(name, 'SECRET_REUSED', other));
        break;
      }
    }
  }
  const primaryId = parsed.ENCRYPTION_KEY_ID ?? 'primary';
  // An id that repeats six or more characters of a secret is key material pasted in the
  // wrong place (`<key>=`, or the key as ENCRYPTION_KEY_ID): refused, and never printed.
  const secretTexts = secretValues(source);
  if (parsed.ENCRYPTION_KEY_ID !== undefined && sharesSecret(primaryId, secretTexts)) {
    issues.push(describeConfigIssue('ENCRYPTION_KEY_ID', 'KEY_ID_INVALID', ID_LOOKS_LIKE_KEY));
  }
  for (const previous of parsed.ENCRYPTION_PREVIOUS_KEYS ?? []) {
    if (sharesSecret(previous.id, secretTexts)) {
      issues.push(
        describeConfigIssue(
          'ENCRYPTION_PREVIOUS_KEYS',
          'KEY_ID_INVALID',
          ID_LOOKS_LIKE_KEY,
          `entry ${previous.entry}`,
        ),
      );
    }
  }
  for (const previous of parsed.ENCRYPTION_PREVIOUS_KEYS ?? []) {
    const where = `entry ${previous.entry}`;
    if (previous.id === primaryId) {
      issues.push(
        describeConfigIssue(
          'ENCRYPTION_PREVIOUS_KEYS',
          'KEY_ID_DUPLICATE',
          'ENCRYPTION_KEY_ID',
          where,
        ),
      );
    }
    const current = parsed.ENCRYPTION_KEY;
    if (current && timingSafeEqual(current.bytes, previous.secret.bytes)) {
      issues.push(
        describeConfigIssue('ENCRYPTION_PREVIOUS_KEYS', 'SECRET_REUSED', 'ENCRYPTION_KEY', where),
      );
    }
  }
  const credentials = parsed.CORS_CREDENTIALS ?? false;
  const cors = parsed.CORS_ORIGINS;
  if (cors?.origins.includes('*') && credentials) {
    issues.push(describeConfigIssue('CORS_ORIGINS', 'CORS_WILDCARD_WITH_CREDENTIALS'));
  }
  if (!issues.some((i) => i.variable === 'CORS_ORIGINS') && (cors?.origins.length ?? 0) === 0) {
    warnings.push(describeConfigIssue('CORS_ORIGINS', 'CORS_ORIGINS_EMPTY'));
  }
  for (const origin of cors?.insecure ?? []) {
    const issue = describeConfigIssue('CORS_ORIGINS', 'CORS_ORIGIN_INSECURE', origin);
    (mode === 'production' ? issues : warnings).push(issue);
  }
  for (const [name, feature] of SWITCHES) {
    if (parsed[name] === false)
      warnings.push(describeConfigIssue(name, 'FEATURE_DISABLED', feature));
  }
  const level = parsed.LOG_LEVEL ?? 'info';
  if (level === 'trace' || level === 'debug') {
    warnings.push(describeConfigIssue('LOG_LEVEL', 'LOG_LEVEL_VERBOSE', level));
  }

  if (options.strict) issues.push(...warnings);
  if (issues.length > 0) {
    return {
      ok: false,
      error: {
        code: 'CONFIG_INVALID',
        message: `Security configuration has ${issues.length} problem${issues.length === 1 ? '' : 's'}:\n${issues
          .map((i) => `- ${i.variable}: ${i.message} Fix: ${i.fix}`)
          .join('\n')}`,
        issues,
        warnings,
      },
    };
  }

  const view = {
    JWT_SECRET_KEY: mask(parsed.JWT_SECRET_KEY),
    JWT_EXPIRY_SECONDS: parsed.JWT_EXPIRY_SECONDS ?? 3600,
    ENCRYPTION_KEY: mask(parsed.ENCRYPTION_KEY),
    ENCRYPTION_KEY_ID: primaryId,
    ENCRYPTION_PREVIOUS_KEYS:
      (parsed.ENCRYPTION_PREVIOUS_KEYS ?? []).map((k) => `${k.id}=********`).join(',') || '(none)',
    API_KEY_PEPPER: mask(parsed.API_KEY_PEPPER),
    RATE_LIMIT_ENABLED: parsed.RATE_LIMIT_ENABLED ?? true,
    MAX_REQUESTS_PER_MINUTE: parsed.MAX_REQUESTS_PER_MINUTE ?? 60,
    CORS_ORIGINS: cors?.origins.join(',') || '(none)',
    CORS_CREDENTIALS: credentials,
    SECURITY_HEADERS_ENABLED: parsed.SECURITY_HEADERS_ENABLED ?? true,
    CONTENT_FILTERING_ENABLED: parsed.CONTENT_FILTERING_ENABLED ?? true,
    SECURITY_LOGGING_ENABLED: parsed.SECURITY_LOGGING_ENABLED ?? true,
    LOG_LEVEL: level,
  };
  const width = Math.max(...Object.keys(view).map((k) => k.length));
  const text = Object.entries(view)
    .map(([k, val]) => `${k.padEnd(width)} = ${String(val)}`)
    .join('\n');

  const config: SecurityConfig = {
    jwt: { secret: parsed.JWT_SECRET_KEY, expirySeconds: view.JWT_EXPIRY_SECONDS },
    encryptionKey: parsed.ENCRYPTION_KEY,
    encryptionKeyring: {
      primary: primaryId,
      keys: parsed.ENCRYPTION_KEY
        ? [
            { id: primaryId, key: parsed.ENCRYPTION_KEY.bytes },
            ...(parsed.ENCRYPTION_PREVIOUS_KEYS ?? []).map((k) => ({
              id: k.id,
              key: k.secret.bytes,
            })),
          ]
        : [],
    },
    apiKeyPepper: parsed.API_KEY_PEPPER,
    rateLimit: {
      enabled: view.RATE_LIMIT_ENABLED,
      maxRequestsPerMinute: view.MAX_REQUESTS_PER_MINUTE,
    },
    cors: { origins: Object.freeze([...(cors?.origins ?? [])]), credentials },
    headers: { enabled: view.SECURITY_HEADERS_ENABLED },
    contentFiltering: { enabled: view.CONTENT_FILTERING_ENABLED },
    logging: { enabled: view.SECURITY_LOGGING_ENABLED, level },
    mode,
    warnings,
    describe: () => text,
    toJSON: () => ({ ...view }),
  };
  // console.log / util.inspect on Node prints the masked text, not the key bytes.
  Object.defineProperty(config, Symbol.for('nodejs.util.inspect.custom'), {
    value: () => `SecurityConfig {\n${text}\n}`,
  });
  return { ok: true, value: config };
}

/**
 * The configuration as text with secrets masked (same as `config.describe()`).
 *
 * @example
 * ```ts
 * console.log(describeSecurityConfig(config));
 * // JWT_SECRET_KEY            = ******** (32 bytes, base64url)
 * ```
 */
export function describeSecurityConfig(config: SecurityConfig): string {
  return config.describe();
}
