import { callTime } from '../internal/options.js';
import {
  evaluateRetention,
  type RetentionErrorCode,
  type RetentionPolicy,
  type RetentionRecord,
} from './retention.js';

/** A record a retention sweep can act on: retention fields plus a stable id. */
export interface SweepableRecord extends RetentionRecord {
  readonly id: string;
}

/** One page of a scan. */
export interface RetentionPage<R extends SweepableRecord> {
  readonly records: readonly R[];
  /** Where the next page starts; absent when this was the last page. */
  readonly nextCursor?: string | undefined;
}

/**
 * A store a retention sweep walks. The cursor must be keyset-based (e.g. "id greater than"),
 * not an offset, so deleting records during the sweep does not skip any.
 */
export interface RetentionTarget<R extends SweepableRecord = SweepableRecord> {
  readonly name: string;
  /** Up to `limit` records after `cursor` (from the start when undefined), in a stable order. */
  scan(cursor: string | undefined, limit: number): Promise<RetentionPage<R>>;
  /** Deletes these records; returns how many went. Idempotent. */
  deleteRecords(ids: readonly string[]): Promise<number>;
  /** Anonymizes these records and marks them (`anonymizedAt`); returns how many. Idempotent. */
  anonymizeRecords(ids: readonly string[], now: number): Promise<number>;
}

/** Options of {@link sweepRetention}. */
export interface SweepRetentionOptions {
  /** ms since the epoch. Default: the clock. */
  readonly now?: number | undefined;
  /** Records per page. Default 100. */
  readonly batchSize?: number | undefined;
  /** Pages per call, so one invocation fits a serverless time limit. Default 50. */
  readonly maxBatches?: number | undefined;
  /** Resume from a previous report's `cursor`. */
  readonly cursor?: string | undefined;
  /** Called with a failing target's exception, for your own logs. */
  readonly onTargetError?: ((target: string, error: unknown) => void) | undefined;
}

/** A record the sweep could not evaluate: reported, never silently passed over. */
export interface SweepSkipped {
  readonly id: string;
  readonly code: RetentionErrorCode;
}

/** The outcome of one {@link sweepRetention} call. */
export interface SweepReport {
  readonly target: string;
  /** True when the whole store was walked; otherwise call again with `cursor`. */
  readonly done: boolean;
  /** Where to resume (the start of the failed page after a failure). */
  readonly cursor?: string | undefined;
  readonly batches: number;
  readonly scanned: number;
  readonly deleted: number;
  readonly anonymized: number;
  /** Within their period or kept indefinitely. */
  readonly kept: number;
  /** Expired but under legal hold. */
  readonly held: number;
  readonly skipped: readonly SweepSkipped[];
  /** Set when the target failed; `cursor` then points at the page to retry. */
  readonly error?: { readonly code: 'PRIVACY_TARGET_FAILED'; readonly message: string } | undefined;
}

/**
 * Applies a retention policy to a store in batches: scans a page, evaluates each record
 * (legal holds respected), deletes and anonymizes what is due, and moves on; stops after
 * `maxBatches` pages and returns a cursor to resume from. Records it cannot evaluate are
 * listed in `skipped`. A failing target stops the sweep with an error and the cursor of
 * the page to retry; the target's operations are idempotent, so retrying is safe.
 *
 * @param target - The store.
 * @param policy - From {@link defineRetentionPolicy}.
 * @param options - Time, batch size, batches per call, resume cursor.
 * @returns The sweep report.
 * @throws TypeError for a batch size or batch count that is not a positive integer.
 * @example
 * ```ts
 * let report = await sweepRetention(conversations, policy, { batchSize: 500 });
 * while (!report.done && !report.error) {
 *   report = await sweepRetention(conversations, policy, { cursor: report.cursor });
 * }
 * ```
 */
export async function sweepRetention<R extends SweepableRecord>(
  target: RetentionTarget<R>,
  policy: RetentionPolicy,
  options?: SweepRetentionOptions,
): Promise<SweepReport> {
  const batchSize = options?.batchSize ?? 100;
  const maxBatches = options?.maxBatches ?? 50;
  if (
    !Number.isInteger(batchSize) ||
    batchSize < 1 ||
    !Number.isInteger(maxBatches) ||
    maxBatches < 1
  ) {
    throw new TypeError('sweepRetention: batchSize and maxBatches must be positive integers');
  }
  const now = callTime('sweepRetention', options?.now, Date.now);
  let cursor = options?.cursor;
  let batches = 0;
  let scanned = 0;
  let deleted = 0;
  let anonymized = 0;
  let kept = 0;
  let held = 0;
  const skipped: SweepSkipped[] = [];
  const report = (done: boolean, error?: SweepReport['error']): SweepReport => ({
    target: target.name,
    done,
    ...(done ? {} : { cursor }),
    batches,
    scanned,
    deleted,
    anonymized,
    kept,
    held,
    skipped,
    ...(error ? { error } : {}),
  });

  while (batches < maxBatches) {
    try {
      const page = await target.scan(cursor, batchSize);
      const toDelete: string[] = [];
      const toAnonymize: string[] = [];
      // Page tallies are added only once the page is through, so a retried page is not counted twice.
      let pageKept = 0;
      let pageHeld = 0;
      const pageSkipped: SweepSkipped[] = [];
      for (const record of page.records) {
        const decision = evaluateRetention(record, policy, now);
        if (!decision.ok) {
          pageSkipped.push({ id: String(record?.id), code: decision.error.code });
          continue;
        }
        const { action, reason } = decision.value;
        if (action === 'delete') toDelete.push(record.id);
        else if (action === 'anonymize') toAnonymize.push(record.id);
        else if (reason === 'legal-hold') pageHeld++;
        else pageKept++;
      }
      if (toDelete.length > 0) deleted += await target.deleteRecords(toDelete);
      if (toAnonymize.length > 0) anonymized += await target.anonymizeRecords(toAnonymize, now);
      batches++;
      scanned += page.records.length;
      kept += pageKept;
      held += pageHeld;
      skipped.push(...pageSkipped);
      if (page.nextCursor === undefined) return report(true);
      cursor = page.nextCursor;
    } catch (error) {
      options?.onTargetError?.(target.name, error);
      return report(false, {
        code: 'PRIVACY_TARGET_FAILED',
        message: `The "${target.name}" data target failed; resume from the cursor.`,
      });
    }
  }
  return report(false);
}
