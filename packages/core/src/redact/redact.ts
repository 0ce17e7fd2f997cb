import { importHmacKey } from '#hash';
import type { HmacKey } from '../internal/hash-types.js';
import { computeTypeMask, detectRaw, toDetected } from './detect.js';
import type { RawEntity } from './scanner.js';
import type { DetectedEntity, PiiType } from './types.js';

/**
 * How a found value is replaced:
 * - `tag`: `[EMAIL]`;
 * - `mask`: every letter and digit becomes `*` (separators stay, so the shape is kept);
 * - `last4`: like mask but the last four letters or digits stay (`**** **** **** 1111`);
 * - `pseudonym`: `[EMAIL_3f9a1c2b]`, a keyed HMAC of the value: stable across calls and
 *   processes with the same key, unlinkable without it;
 * - `vault`: `[EMAIL_1]`, reversible with {@link unredact} and the same vault.
 */
export type RedactionStrategy = 'tag' | 'mask' | 'last4' | 'pseudonym' | 'vault';

/** Options of {@link redact} and {@link createRedactor}. */
export interface RedactOptions {
  /** Types to find. Default: all. */
  readonly types?: readonly PiiType[] | undefined;
  /** One strategy for all types, or one per type (others use `tag`). Default `tag`. */
  readonly strategy?: RedactionStrategy | Partial<Record<PiiType, RedactionStrategy>> | undefined;
  /** Secret key for `pseudonym` (at least 16 bytes). Required when that strategy is used. */
  readonly pseudonymKey?: Uint8Array | undefined;
  /** Where `vault` stores originals. Required when that strategy is used. */
  readonly vault?: RedactionVault | undefined;
}

/** A reversible store of redacted values, scoped to e.g. one conversation. */
export interface RedactionVault {
  /** The token for a value (the same value gets the same token). */
  tokenFor(type: PiiType, value: string): string;
  /** The original value of a token, or undefined. */
  valueOf(token: string): string | undefined;
  /** Number of values stored. */
  readonly size: number;
}

/** Options of {@link createRedactionVault}. */
export interface RedactionVaultOptions {
  /** Most values held; beyond it new values are tagged (`[EMAIL]`), not stored. Default 10,000. */
  readonly maxEntries?: number | undefined;
}

/**
 * Creates an in-memory vault for the `vault` strategy. Tokens look like `[EMAIL_1]`.
 *
 * @example
 * ```ts
 * const vault = createRedactionVault();
 * const safe = redact('ana@example.com', { strategy: 'vault', vault }); // "[EMAIL_1]"
 * unredact(safe, vault); // "ana@example.com"
 * ```
 */
export function createRedactionVault(options: RedactionVaultOptions = {}): RedactionVault {
  const max = options.maxEntries ?? 10_000;
  if (!Number.isInteger(max) || max < 1) {
    throw new TypeError('createRedactionVault: maxEntries must be a positive integer');
  }
  const byValue = new Map<string, string>();
  const byToken = new Map<string, string>();
  const counters = new Map<string, number>();
  return {
    tokenFor(type, value) {
      const key = `${type}\u0000${value}`;
      const known = byValue.get(key);
      if (known !== undefined) return known;
      if (byToken.size >= max) return `[${type}]`;
      const n = (counters.get(type) ?? 0) + 1;
      counters.set(type, n);
      const token = `[${type}_${n}]`;
      byValue.set(key, token);
      byToken.set(token, value);
      return token;
    },
    valueOf: (token) => byToken.get(token),
    get size() {
      return byToken.size;
    },
  };
}

/**
 * Puts vaulted values back: every `[TYPE_n]` token the vault knows is replaced by its
 * original; unknown tokens are left as they are.
 *
 * @example
 * ```ts
 * unredact('Write to [EMAIL_1]', vault); // "Write to ana@example.com"
 * ```
 */
export function unredact(text: string, vault: RedactionVault): string {
  // A scan rather than a regex: at each `[`, look at most 48 characters ahead for `]`.
  let out = '';
  let at = 0;
  let i = text.indexOf('[');
  while (i >= 0) {
    const close = text.indexOf(']', i + 1);
    if (close < 0) break;
    if (close - i <= 48) {
      const value = vault.valueOf(text.slice(i, close + 1));
      if (value !== undefined) {
        out += text.slice(at, i) + value;
        at = close + 1;
        i = text.indexOf('[', at);
        continue;
      }
    }
    i = text.indexOf('[', i + 1);
  }
  return at === 0 ? text : out + text.slice(at);
}

const isAlnum = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127;

function maskValue(value: string, keep: number): string {
  let total = 0;
  for (let i = 0; i < value.length; i++) if (isAlnum(value.charCodeAt(i))) total++;
  let seen = 0;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (isAlnum(c)) {
      seen++;
      out += seen > total - keep ? value[i] : '*';
    } else out += value[i];
  }
  return out;
}

/** The value in a canonical form, so "4111 1111 1111 1111" and "4111111111111111" pseudonymize alike. */
function canonical(type: PiiType, value: string): string {
  switch (type) {
    case 'EMAIL':
      return value.toLowerCase();
    case 'CREDIT_CARD':
    case 'US_SSN':
    case 'PHONE_NUMBER':
    case 'IBAN': {
      let out = '';
      for (let i = 0; i < value.length; i++) {
        const c = value.charCodeAt(i);
        if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90)) out += value[i];
      }
      return out;
    }
    default:
      return value;
  }
}

const HEX = '0123456789abcdef';

/** A prepared redaction: options validated and keys imported once. */
export interface Redactor {
  /** Redacted copy of `text`. */
  redact(text: string): string;
  /** The entities `redact` would replace. */
  detect(text: string): DetectedEntity[];
}

/** What the streaming redactor needs from a redactor; kept off the public type. */
interface RedactorInternals {
  /** Replaces the given entities (sorted, non-overlapping) within [from, to). */
  replaceRange(text: string, from: number, to: number, entities: readonly RawEntity[]): string;
  /** Enabled type mask. */
  readonly mask: number;
}

const INTERNALS: unique symbol = Symbol('jaf-sec.redactor');

/** The internals of a redactor made by {@link createRedactor}; throws for any other object. */
export function getRedactorInternals(redactor: Redactor): RedactorInternals {
  const internals = (redactor as Redactor & { [INTERNALS]?: RedactorInternals })[INTERNALS];
  if (internals === undefined) {
    throw new TypeError('redact: pass a redactor made by createRedactor()');
  }
  return internals;
}

/**
 * Validates redaction options once and returns a reusable redactor. Throws when a strategy
 * needs a key or vault that is missing, or when the pseudonym key is shorter than 16 bytes.
 *
 * @example
 * ```ts
 * const r = createRedactor({ strategy: { CREDIT_CARD: 'last4' } });
 * r.redact('card 4111 1111 1111 1111'); // "card **** **** **** 1111"
 * ```
 */
export function createRedactor(options: RedactOptions = {}): Redactor {
  const mask = computeTypeMask(options.types);
  const strategyOption = options.strategy ?? 'tag';
  const strategyOf: (type: PiiType) => RedactionStrategy =
    typeof strategyOption === 'string'
      ? () => strategyOption
      : (type) => strategyOption[type] ?? 'tag';
  const used = new Set<RedactionStrategy>(
    typeof strategyOption === 'string' ? [strategyOption] : Object.values(strategyOption),
  );
  for (const s of used) {
    if (!['tag', 'mask', 'last4', 'pseudonym', 'vault'].includes(s)) {
      throw new TypeError(
        `redact: unknown strategy "${String(s)}"; use tag, mask, last4, pseudonym or vault`,
      );
    }
  }
  let key: HmacKey | undefined;
  if (used.has('pseudonym')) {
    if (!(options.pseudonymKey instanceof Uint8Array) || options.pseudonymKey.length < 16) {
      throw new TypeError(
        'redact: the pseudonym strategy needs `pseudonymKey`, a secret Uint8Array of at least 16 bytes',
      );
    }
    key = importHmacKey('sha256', options.pseudonymKey);
  }
  const vault = options.vault;
  if (used.has('vault') && vault === undefined) {
    throw new TypeError('redact: the vault strategy needs `vault` (see createRedactionVault())');
  }

  const replacement = (type: PiiType, value: string): string => {
    switch (strategyOf(type)) {
      case 'mask':
        return maskValue(value, 0);
      case 'last4':
        return maskValue(value, 4);
      case 'pseudonym': {
        const mac = key!.sign(`${type}:${canonical(type, value)}`);
        let hex = '';
        for (let i = 0; i < 5; i++) hex += HEX[mac[i]! >> 4]! + HEX[mac[i]! & 15]!;
        return `[${type}_${hex}]`;
      }
      case 'vault':
        return vault!.tokenFor(type, value);
      default:
        return `[${type}]`;
    }
  };

  const replaceRange = (
    text: string,
    from: number,
    to: number,
    entities: readonly RawEntity[],
  ): string => {
    let out = '';
    let at = from;
    for (const e of entities) {
      if (e.start < from || e.end > to) continue;
      out += text.slice(at, e.start) + replacement(e.type, text.slice(e.start, e.end));
      at = e.end;
    }
    return out + text.slice(at, to);
  };

  const internals: RedactorInternals = { mask, replaceRange };
  const redactor: Redactor & { [INTERNALS]: RedactorInternals } = {
    [INTERNALS]: internals,
    redact(text) {
      const raw = detectRaw(text, 0, mask, null);
      return raw.length === 0 ? text : replaceRange(text, 0, text.length, raw);
    },
    detect(text) {
      return detectRaw(text, 0, mask, null).map((e) => toDetected(text, e));
    },
  };
  return redactor;
}

/**
 * Replaces personal data and secrets in `text` (see {@link detect} for what is found).
 * For repeated use, {@link createRedactor} validates options and imports keys once.
 *
 * @param text - Any string.
 * @param options - Types, strategy (one or per type), pseudonym key, vault.
 * @returns The redacted text (the same string when nothing was found).
 * @example
 * ```ts
 * redact('mail ana@example.com, card 4111 1111 1111 1111');
 * // "mail [EMAIL], card [CREDIT_CARD]"
 * ```
 */
export function redact(text: string, options?: RedactOptions): string {
  return createRedactor(options).redact(text);
}
