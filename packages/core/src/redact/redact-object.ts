import { createRedactor, type RedactOptions, type Redactor } from './redact.js';

/** Options of {@link redactObject}. */
export interface RedactObjectOptions extends RedactOptions {
  /**
   * Key names whose values are replaced whole, compared case-insensitively with `_`, `-` and
   * spaces ignored. Default: {@link SENSITIVE_KEYS}.
   */
  readonly keys?: readonly string[] | undefined;
  /** What a sensitive key's value becomes. Default `"[REDACTED]"`. */
  readonly replacement?: string | undefined;
  /** Deepest level walked; deeper values are replaced by `replacement`. Default 32. */
  readonly maxDepth?: number | undefined;
  /** A redactor from {@link createRedactor}, to reuse keys and a vault. */
  readonly redactor?: Redactor | undefined;
}

/** Key names treated as secret by default (normalized: lower case, no `_`, `-` or spaces). */
export const SENSITIVE_KEYS: readonly string[] = [
  'password',
  'passwd',
  'pwd',
  'secret',
  'clientsecret',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'apikey',
  'xapikey',
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'session',
  'sessionid',
  'privatekey',
  'ssn',
  'socialsecuritynumber',
  'creditcard',
  'cardnumber',
  'cvv',
  'cvc',
  'pin',
  'iban',
  'accountnumber',
];

const normalizeKey = (k: string): string => {
  let out = '';
  for (let i = 0; i < k.length; i++) {
    const c = k.charCodeAt(i);
    if (c === 95 || c === 45 || c === 32) continue;
    out += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : k[i];
  }
  return out;
};

/**
 * Returns a deep copy of `value` with secrets removed: values under sensitive key names are
 * replaced whole, and every string is redacted like {@link redact}. Cycles and depth are
 * bounded; class instances other than plain objects and arrays are copied as strings of
 * their type (`[object Date]` becomes its ISO string), never walked. Binary values
 * (`Uint8Array`, `Buffer`, any typed array, `DataView`, `ArrayBuffer`) become a type tag
 * `[BINARY n bytes]`: their contents are never printed.
 *
 * @example
 * ```ts
 * redactObject({ user: 'ana@example.com', password: 'hunter2' });
 * // { user: '[EMAIL]', password: '[REDACTED]' }
 * ```
 */
export function redactObject<T>(value: T, options: RedactObjectOptions = {}): T {
  return createObjectRedactor(options)(value);
}

/**
 * Prepares {@link redactObject} once (options, keys) for repeated use.
 *
 * @example
 * ```ts
 * const clean = createObjectRedactor({ keys: ['password', 'token'] });
 * clean({ token: 'abc' }); // { token: '[REDACTED]' }
 * ```
 */
export function createObjectRedactor(options: RedactObjectOptions = {}): <T>(value: T) => T {
  const redactor = options.redactor ?? createRedactor(options);
  const keys = new Set((options.keys ?? SENSITIVE_KEYS).map(normalizeKey));
  const replacement = options.replacement ?? '[REDACTED]';
  const maxDepth = options.maxDepth ?? 32;
  const walk = (v: unknown, depth: number, seen: WeakSet<object>): unknown => {
    if (typeof v === 'string') return redactor.redact(v);
    if (typeof v !== 'object' || v === null) return v;
    if (depth >= maxDepth || seen.has(v)) return replacement;
    if (v instanceof Date) return v.toISOString();
    // String(bytes) would print every byte ("0,0,7,…"), putting key material into logs.
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return `[BINARY ${v.byteLength} bytes]`;
    seen.add(v);
    let out: unknown;
    if (Array.isArray(v)) out = v.map((item) => walk(item, depth + 1, seen));
    else if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) {
      const o: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        // defineProperty, so a "__proto__" key stays data and cannot reach the prototype.
        Object.defineProperty(o, k, {
          value: keys.has(normalizeKey(k)) ? replacement : walk(item, depth + 1, seen),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      out = o;
    } else out = redactor.redact(String(v));
    seen.delete(v);
    return out;
  };
  return <T>(value: T): T => walk(value, 0, new WeakSet()) as T;
}
