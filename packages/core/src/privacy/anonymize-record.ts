import {
  createPseudonymKey,
  type PseudonymizeOptions,
  type PseudonymKey,
  pseudonymize,
} from './pseudonymize.js';

/**
 * What to do with one field:
 * - `'keep'`: unchanged. `'drop'`: removed. `'redact'`: replaced by `'[redacted]'`.
 * - `'pseudonymize'` or `{ pseudonymize: options }`: keyed pseudonym (needs `key`).
 * - `{ generalize: 'year' | 'month' | 'day' }`: a date cut to that precision (ISO text).
 * - `{ truncate: n }`: the first n characters of a string (e.g. a postcode's outward part).
 * - a function: your own transformation.
 */
export type FieldAction =
  | 'keep'
  | 'drop'
  | 'redact'
  | 'pseudonymize'
  | { readonly pseudonymize: PseudonymizeOptions }
  | { readonly generalize: 'year' | 'month' | 'day' }
  | { readonly truncate: number }
  | ((value: unknown, field: string) => unknown);

/** Field name -> action. Fields not listed follow `otherFields`. */
export type FieldPolicy = Readonly<Record<string, FieldAction>>;

/** Options of {@link anonymizeRecord}. */
export interface AnonymizeRecordOptions {
  /** Needed when any field is pseudonymized. */
  readonly key?: PseudonymKey | Uint8Array | undefined;
  /**
   * Fields the policy does not name: `'keep'` (default) or `'drop'`. Use `'drop'` for
   * records whose shape you do not control, so new columns never leak by default.
   */
  readonly otherFields?: 'keep' | 'drop' | undefined;
}

const REDACTED = '[redacted]';

function generalize(value: unknown, to: 'year' | 'month' | 'day'): string | null {
  const date =
    value instanceof Date
      ? value
      : typeof value === 'string' || typeof value === 'number'
        ? new Date(value)
        : undefined;
  if (!date || Number.isNaN(date.getTime())) return null;
  const iso = date.toISOString();
  return to === 'year' ? iso.slice(0, 4) : to === 'month' ? iso.slice(0, 7) : iso.slice(0, 10);
}

function checkPolicy(policy: FieldPolicy, key: unknown): void {
  if (typeof policy !== 'object' || policy === null)
    throw new TypeError('anonymizeRecord: policy must be an object');
  for (const [field, action] of Object.entries(policy)) {
    const needsKey =
      action === 'pseudonymize' || (typeof action === 'object' && 'pseudonymize' in action);
    if (needsKey && key === undefined) {
      throw new TypeError(`anonymizeRecord: field "${field}" is pseudonymized; pass { key }`);
    }
    const known =
      action === 'keep' ||
      action === 'drop' ||
      action === 'redact' ||
      action === 'pseudonymize' ||
      typeof action === 'function' ||
      (typeof action === 'object' &&
        action !== null &&
        ('pseudonymize' in action ||
          ('generalize' in action && ['year', 'month', 'day'].includes(action.generalize)) ||
          ('truncate' in action && Number.isInteger(action.truncate) && action.truncate >= 0)));
    if (!known) throw new TypeError(`anonymizeRecord: field "${field}" has an unknown action`);
  }
}

/**
 * Returns a copy of a record with personal fields removed, redacted, generalized or
 * replaced by keyed pseudonyms (the guide's `anonymize_personal_data`, with HMAC instead of
 * bare SHA-256). `null` and `undefined` values are left as they are.
 *
 * @param record - A flat record (top-level fields).
 * @param policy - Field name -> {@link FieldAction}.
 * @param options - The pseudonym key and what to do with unlisted fields.
 * @returns A new record (a plain object whose prototype the record cannot change: a
 *   `__proto__` key is dropped); the input is not modified.
 * @throws TypeError for an unknown action, a pseudonymized field without a key, or a record
 *   that is not an object.
 * @example
 * ```ts
 * anonymizeRecord(user, {
 *   email: { pseudonymize: { format: 'email' } },
 *   phone: 'drop',
 *   birthDate: { generalize: 'year' },
 *   name: 'redact',
 * }, { key });
 * ```
 */
export function anonymizeRecord<T extends Record<string, unknown>>(
  record: T,
  policy: FieldPolicy,
  options?: AnonymizeRecordOptions,
): Record<string, unknown> {
  checkPolicy(policy, options?.key);
  const key = options?.key instanceof Uint8Array ? createPseudonymKey(options.key) : options?.key;
  const out: Record<string, unknown> = {};
  if (typeof record !== 'object' || record === null) {
    throw new TypeError('anonymizeRecord: record must be an object');
  }
  for (const [field, value] of Object.entries(record)) {
    // A `__proto__` key (JSON.parse makes it an own property) would, assigned to `out`,
    // replace the copy's prototype and make injected fields appear on it. No real column is
    // called that: it is dropped, whatever the policy says.
    if (field === '__proto__') continue;
    const action = Object.hasOwn(policy, field) ? policy[field]! : (options?.otherFields ?? 'keep');
    if (action === 'drop') continue;
    if (action === 'keep' || value === null || value === undefined) {
      out[field] = value;
      continue;
    }
    if (typeof action === 'function') out[field] = action(value, field);
    else if (action === 'redact') out[field] = REDACTED;
    else if (action === 'pseudonymize' || 'pseudonymize' in action) {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      out[field] = pseudonymize(
        text,
        key!,
        action === 'pseudonymize' ? undefined : action.pseudonymize,
      );
    } else if ('generalize' in action) out[field] = generalize(value, action.generalize);
    else out[field] = typeof value === 'string' ? value.slice(0, action.truncate) : REDACTED;
  }
  return out;
}
