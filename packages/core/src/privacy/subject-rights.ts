import { callTime } from '../internal/options.js';
import { fail, ok, type Result } from '../internal/result.js';

/** Passed to every target call. */
export interface SubjectRequestContext {
  /** ms since the epoch, the same for every target of one request. */
  readonly now: number;
}

/** What one target did for an erasure request. */
export interface ErasureCounts {
  /** Records removed. */
  readonly deleted?: number | undefined;
  /** Records kept but stripped of the subject (e.g. analytics rows re-keyed to a pseudonym). */
  readonly anonymized?: number | undefined;
}

/**
 * A store that holds personal data about subjects, registered for GDPR requests. Both
 * operations must be idempotent: a retried erasure of an already-erased subject succeeds
 * with zero counts. Throw (or reject) to report a failure; the request goes on with the
 * other targets and the failure is reported.
 */
export interface SubjectDataTarget {
  /** Unique name, shown in reports (e.g. `conversations`, `profile`, `analytics`). */
  readonly name: string;
  /**
   * Deletes or anonymizes everything the target holds about the subject (GDPR art. 17). A
   * target that anonymizes should also mark the records (`anonymizedAt = context.now`), as a
   * retention sweep does, so a later sweep does not anonymize and count them again.
   */
  eraseSubject(subjectId: string, context: SubjectRequestContext): Promise<ErasureCounts>;
  /** Returns everything the target holds about the subject, JSON-serializable (art. 15/20). */
  exportSubject(subjectId: string, context: SubjectRequestContext): Promise<readonly unknown[]>;
}

/** A target's failure, with a message safe to store (no exception text, which may hold data). */
export interface TargetFailure {
  readonly code: 'PRIVACY_TARGET_FAILED';
  readonly message: string;
}

/** One target's part of an erasure report. */
export type TargetErasureResult =
  | {
      readonly target: string;
      readonly status: 'done';
      readonly deleted: number;
      readonly anonymized: number;
    }
  | { readonly target: string; readonly status: 'failed'; readonly error: TargetFailure };

/** One target's part of an export report. */
export type TargetExportResult =
  | { readonly target: string; readonly status: 'done'; readonly records: readonly unknown[] }
  | { readonly target: string; readonly status: 'failed'; readonly error: TargetFailure };

/** The outcome of {@link eraseSubject}: every target named, none skipped. */
export interface ErasureReport {
  readonly subjectId: string;
  /** ms since the epoch. */
  readonly requestedAt: number;
  /** True when every target succeeded. */
  readonly complete: boolean;
  readonly targets: readonly TargetErasureResult[];
  /** Names of the targets to retry (pass as `only`). */
  readonly failed: readonly string[];
}

/** The outcome of {@link exportSubject}. */
export interface ExportReport {
  readonly subjectId: string;
  readonly exportedAt: number;
  readonly complete: boolean;
  readonly targets: readonly TargetExportResult[];
  readonly failed: readonly string[];
}

/** Options of {@link eraseSubject} and {@link exportSubject}. */
export interface SubjectRequestOptions {
  /** ms since the epoch. Default: the clock. */
  readonly now?: number | undefined;
  /** Run only these targets (a retry of `report.failed`). Default: all. */
  readonly only?: readonly string[] | undefined;
  /** Called with each target's exception, for your own logs (reports never carry it). */
  readonly onTargetError?: ((target: string, error: unknown) => void) | undefined;
}

/**
 * Why a request could not start:
 * - `PRIVACY_SUBJECT_INVALID`: the subject id is empty, not a string or over 512 characters.
 * - `PRIVACY_TARGET_UNKNOWN`: `only` names a target that is not registered.
 */
export type SubjectRequestErrorCode = 'PRIVACY_SUBJECT_INVALID' | 'PRIVACY_TARGET_UNKNOWN';

function checkTargets(targets: readonly SubjectDataTarget[]): void {
  if (!Array.isArray(targets) || targets.length === 0) {
    throw new TypeError('register at least one data target');
  }
  const names = new Set<string>();
  for (const target of targets) {
    if (
      !target ||
      typeof target.name !== 'string' ||
      target.name === '' ||
      typeof target.eraseSubject !== 'function' ||
      typeof target.exportSubject !== 'function'
    ) {
      throw new TypeError('each data target needs a name, eraseSubject() and exportSubject()');
    }
    if (names.has(target.name))
      throw new TypeError(`data target "${target.name}" is registered twice`);
    names.add(target.name);
  }
}

function select(
  subjectId: string,
  targets: readonly SubjectDataTarget[],
  only: readonly string[] | undefined,
): Result<readonly SubjectDataTarget[], SubjectRequestErrorCode> {
  checkTargets(targets);
  if (typeof subjectId !== 'string' || subjectId === '' || subjectId.length > 512) {
    return fail('PRIVACY_SUBJECT_INVALID', 'The subject id is invalid.');
  }
  if (only === undefined) return ok(targets);
  const byName = new Map(targets.map((t) => [t.name, t]));
  const chosen: SubjectDataTarget[] = [];
  for (const name of only) {
    const target = byName.get(name);
    if (!target)
      return fail('PRIVACY_TARGET_UNKNOWN', 'A requested data target is not registered.');
    chosen.push(target);
  }
  return ok(chosen);
}

const failure = (target: string): TargetFailure => ({
  code: 'PRIVACY_TARGET_FAILED',
  message: `The "${target}" data target failed; retry it.`,
});

const count = (n: unknown): number =>
  typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : 0;

/**
 * Erases a subject's personal data from every registered target (GDPR article 17, the
 * right to erasure). Targets run one after another; one failing does not stop the others;
 * the report names every target with its counts or its failure, so nothing is skipped
 * silently. Retry with `{ only: report.failed }`; targets are idempotent.
 *
 * @param subjectId - The data subject (e.g. a user id).
 * @param targets - Registered stores, each deleting or anonymizing its own data.
 * @param options - Time, targets to retry, an error callback for your logs.
 * @returns The report, or `PRIVACY_SUBJECT_INVALID` / `PRIVACY_TARGET_UNKNOWN`.
 * @throws TypeError when targets are misconfigured (missing methods, duplicate names).
 * @example
 * ```ts
 * const result = await eraseSubject('user-42', [conversations, profiles, analytics]);
 * if (result.ok && !result.value.complete) await queueRetry(result.value.failed);
 * ```
 */
export async function eraseSubject(
  subjectId: string,
  targets: readonly SubjectDataTarget[],
  options?: SubjectRequestOptions,
): Promise<Result<ErasureReport, SubjectRequestErrorCode>> {
  const chosen = select(subjectId, targets, options?.only);
  if (!chosen.ok) return chosen;
  const now = callTime('eraseSubject', options?.now, Date.now);
  const results: TargetErasureResult[] = [];
  for (const target of chosen.value) {
    try {
      const counts = await target.eraseSubject(subjectId, { now });
      results.push({
        target: target.name,
        status: 'done',
        deleted: count(counts?.deleted),
        anonymized: count(counts?.anonymized),
      });
    } catch (error) {
      options?.onTargetError?.(target.name, error);
      results.push({ target: target.name, status: 'failed', error: failure(target.name) });
    }
  }
  const failed = results.filter((r) => r.status === 'failed').map((r) => r.target);
  return ok({
    subjectId,
    requestedAt: now,
    complete: failed.length === 0,
    targets: results,
    failed,
  });
}

/**
 * Collects a subject's personal data from every registered target (GDPR article 15, the
 * right of access, and 20, portability). Failures are reported per target, as for
 * {@link eraseSubject}; an incomplete export must not be handed over as complete.
 *
 * @param subjectId - The data subject.
 * @param targets - Registered stores.
 * @param options - Time, targets to retry, an error callback.
 * @returns The report with each target's records, or a request error code.
 * @throws TypeError when targets are misconfigured.
 * @example
 * ```ts
 * const result = await exportSubject('user-42', targets);
 * if (result.ok && result.value.complete) return Response.json(result.value);
 * ```
 */
export async function exportSubject(
  subjectId: string,
  targets: readonly SubjectDataTarget[],
  options?: SubjectRequestOptions,
): Promise<Result<ExportReport, SubjectRequestErrorCode>> {
  const chosen = select(subjectId, targets, options?.only);
  if (!chosen.ok) return chosen;
  const now = callTime('exportSubject', options?.now, Date.now);
  const results: TargetExportResult[] = [];
  for (const target of chosen.value) {
    try {
      const records = await target.exportSubject(subjectId, { now });
      if (!Array.isArray(records)) throw new TypeError('exportSubject must return an array');
      results.push({ target: target.name, status: 'done', records });
    } catch (error) {
      options?.onTargetError?.(target.name, error);
      results.push({ target: target.name, status: 'failed', error: failure(target.name) });
    }
  }
  const failed = results.filter((r) => r.status === 'failed').map((r) => r.target);
  return ok({
    subjectId,
    exportedAt: now,
    complete: failed.length === 0,
    targets: results,
    failed,
  });
}
