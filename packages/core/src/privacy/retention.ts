import { numberOption, TIME_MS } from '../internal/options.js';
import { fail, ok, type Result } from '../internal/result.js';

/** What happens to a record once its retention period is over. */
export type RetentionAction = 'keep' | 'delete' | 'anonymize';

/** How long one data class is kept, and what happens after. */
export interface RetentionRule {
  /** Days after `createdAt`; ignored when `action` is `keep` (kept indefinitely). */
  readonly days?: number | undefined;
  readonly action: RetentionAction;
}

/** Retention rules per data class (e.g. `conversations`, `analytics`, `invoices`). */
export interface RetentionPolicy {
  readonly classes: Readonly<Record<string, RetentionRule>>;
  /** Rule for classes not listed; without one, an unknown class is reported, not guessed. */
  readonly default?: RetentionRule | undefined;
}

/** The fields of a record that retention looks at. */
export interface RetentionRecord {
  readonly dataClass: string;
  /** ms since the epoch, a Date, or an ISO 8601 string. */
  readonly createdAt: number | Date | string;
  /**
   * A legal hold (litigation, tax audit) suspends deletion and anonymization. Exactly `true`
   * holds; `false`, `null` or absent does not. Any other value (`1`, `'true'`, `'yes'`) is
   * refused as `RETENTION_FLAG_INVALID`, so the record is reported and left alone rather
   * than deleted: store the flag as a boolean.
   */
  readonly legalHold?: boolean | null | undefined;
  /**
   * Set once anonymized (by a sweep or by erasure), so a sweep does not anonymize and count
   * the same record again: a time (ms since the epoch, a Date or an ISO 8601 string).
   * `null` or absent means not anonymized; any other value is `RETENTION_FLAG_INVALID`.
   */
  readonly anonymizedAt?: number | Date | string | null | undefined;
}

/** Why a decision was taken. */
export type RetentionReason =
  | 'within-period'
  | 'expired'
  | 'legal-hold'
  | 'kept-indefinitely'
  | 'already-anonymized';

/** The outcome of {@link evaluateRetention}. */
export interface RetentionDecision {
  readonly action: RetentionAction;
  readonly reason: RetentionReason;
  /** When the period ends (ms since the epoch); absent for indefinite retention. */
  readonly expiresAt?: number;
}

/**
 * Why a record could not be evaluated:
 * - `RETENTION_CLASS_UNKNOWN`: its data class has no rule and the policy has no default.
 * - `RETENTION_RECORD_INVALID`: no data class, or `createdAt` is not a valid time.
 * - `RETENTION_FLAG_INVALID`: `legalHold` is neither a boolean nor null/absent, or
 *   `anonymizedAt` is neither a valid time nor null/absent. Such a record is never deleted
 *   or anonymized: a hold stored as `1` or `"true"` must not be read as "no hold".
 */
export type RetentionErrorCode =
  | 'RETENTION_CLASS_UNKNOWN'
  | 'RETENTION_RECORD_INVALID'
  | 'RETENTION_FLAG_INVALID';

const DAY = 86_400_000;

function checkRule(name: string, rule: RetentionRule): void {
  if (!rule || !['keep', 'delete', 'anonymize'].includes(rule.action)) {
    throw new TypeError(`retention rule "${name}": action must be 'keep', 'delete' or 'anonymize'`);
  }
  if (
    rule.action !== 'keep' &&
    (typeof rule.days !== 'number' || !(rule.days >= 0) || !Number.isFinite(rule.days))
  ) {
    throw new TypeError(
      `retention rule "${name}": days must be a non-negative number for '${rule.action}'`,
    );
  }
}

/**
 * Validates a retention policy once (throws on mistakes) and returns it frozen.
 *
 * @param policy - Rules per data class and an optional default.
 * @returns The same policy, frozen.
 * @throws TypeError naming the rule that is wrong.
 * @example
 * ```ts
 * const policy = defineRetentionPolicy({
 *   classes: {
 *     conversations: { days: 365, action: 'delete' },
 *     analytics: { days: 90, action: 'anonymize' },
 *     invoices: { action: 'keep' },
 *   },
 * });
 * ```
 */
export function defineRetentionPolicy(policy: RetentionPolicy): RetentionPolicy {
  if (!policy || typeof policy.classes !== 'object' || policy.classes === null) {
    throw new TypeError(
      'defineRetentionPolicy: pass { classes: { <dataClass>: { days, action } } }',
    );
  }
  for (const [name, rule] of Object.entries(policy.classes)) checkRule(name, rule);
  if (policy.default !== undefined) checkRule('default', policy.default);
  return Object.freeze({
    classes: Object.freeze({ ...policy.classes }),
    ...(policy.default ? { default: Object.freeze({ ...policy.default }) } : {}),
  });
}

/** Milliseconds since the epoch of a time field; NaN when invalid. */
export function toEpochMs(value: number | Date | string | null | undefined): number {
  if (typeof value === 'number') return Number.isFinite(value) ? value : Number.NaN;
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') return Date.parse(value);
  return Number.NaN;
}

/**
 * Decides what to do with one record now: keep it, delete it or anonymize it. A legal hold
 * always keeps; an anonymized record is not anonymized twice.
 *
 * @param record - The record's data class, creation time and flags.
 * @param policy - From {@link defineRetentionPolicy}.
 * @param now - ms since the epoch.
 * @returns The decision, or `RETENTION_CLASS_UNKNOWN` / `RETENTION_RECORD_INVALID` /
 *   `RETENTION_FLAG_INVALID`.
 * @throws TypeError/RangeError when `now` is not a finite time (a caller bug: NaN would make
 *   every record look expired).
 * @example
 * ```ts
 * const decision = evaluateRetention(row, policy, Date.now());
 * if (decision.ok && decision.value.action === 'delete') await db.delete(row.id);
 * ```
 */
export function evaluateRetention(
  record: RetentionRecord,
  policy: RetentionPolicy,
  now: number,
): Result<RetentionDecision, RetentionErrorCode> {
  // A NaN `now` would make every record look expired (`now < expiresAt` is false): refused.
  numberOption('evaluateRetention', 'now', now, 0, TIME_MS);
  if (typeof record !== 'object' || record === null || typeof record.dataClass !== 'string') {
    return fail('RETENTION_RECORD_INVALID', 'The record has no data class.');
  }
  const created = toEpochMs(record.createdAt);
  if (Number.isNaN(created))
    return fail('RETENTION_RECORD_INVALID', 'The record has no valid creation time.');
  const hold = record.legalHold;
  if (hold !== undefined && hold !== null && typeof hold !== 'boolean') {
    return fail('RETENTION_FLAG_INVALID', 'The record legalHold flag is not a boolean.');
  }
  const anonymizedAt = record.anonymizedAt;
  const anonymized = anonymizedAt !== undefined && anonymizedAt !== null;
  if (anonymized && Number.isNaN(toEpochMs(anonymizedAt))) {
    return fail('RETENTION_FLAG_INVALID', 'The record anonymizedAt mark is not a valid time.');
  }
  const rule = Object.hasOwn(policy.classes, record.dataClass)
    ? policy.classes[record.dataClass]!
    : policy.default;
  if (!rule) return fail('RETENTION_CLASS_UNKNOWN', 'The record data class has no retention rule.');
  if (rule.action === 'keep') return ok({ action: 'keep', reason: 'kept-indefinitely' });
  const expiresAt = created + (rule.days ?? 0) * DAY;
  if (now < expiresAt) return ok({ action: 'keep', reason: 'within-period', expiresAt });
  if (hold === true) return ok({ action: 'keep', reason: 'legal-hold', expiresAt });
  if (rule.action === 'anonymize' && anonymized) {
    return ok({ action: 'keep', reason: 'already-anonymized', expiresAt });
  }
  return ok({ action: rule.action, reason: 'expired', expiresAt });
}
