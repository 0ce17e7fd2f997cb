import type { ErasureCounts, SubjectDataTarget, SubjectRequestContext } from './subject-rights.js';
import type { RetentionPage, RetentionTarget, SweepableRecord } from './sweep-retention.js';

/** A record kept by {@link createMemoryDataTarget}. */
export interface MemoryDataRecord extends SweepableRecord {
  readonly subjectId: string | null;
  readonly [field: string]: unknown;
}

/** Options of {@link createMemoryDataTarget}. */
export interface MemoryDataTargetOptions<R extends MemoryDataRecord> {
  readonly name: string;
  /** What erasure does to a subject's records: remove them (default) or anonymize them. */
  readonly erasure?: 'delete' | 'anonymize' | undefined;
  /**
   * Returns the anonymized form of a record (used by erasure in `anonymize` mode and by
   * retention). Default: `subjectId` set to null, every other field except id, dataClass,
   * createdAt and legalHold removed.
   */
  readonly anonymize?: ((record: R) => R) | undefined;
  /** Hard cap on records; inserting beyond it throws. Default 100,000. */
  readonly maxRecords?: number | undefined;
}

/** An in-memory store that is both a GDPR target and a retention target. */
export interface MemoryDataTarget<R extends MemoryDataRecord>
  extends SubjectDataTarget,
    RetentionTarget<R> {
  /** Adds or replaces a record (by id). */
  insert(record: R): void;
  /** Current records, in insertion order. */
  records(): R[];
}

function defaultAnonymize<R extends MemoryDataRecord>(record: R): R {
  return {
    id: record.id,
    dataClass: record.dataClass,
    createdAt: record.createdAt,
    ...(record.legalHold !== undefined ? { legalHold: record.legalHold } : {}),
    subjectId: null,
  } as unknown as R;
}

/**
 * An in-memory data target for tests, prototypes and single-process apps: keeps records
 * keyed by id, erases or exports a subject's records, and supports retention sweeps with
 * a keyset cursor (insertion sequence). Bounded by `maxRecords`.
 *
 * @param options - Name, erasure mode, anonymizer and cap.
 * @returns The target.
 * @throws TypeError for an empty name or a cap that is not a positive integer.
 * @example
 * ```ts
 * const notes = createMemoryDataTarget({ name: 'notes' });
 * notes.insert({ id: 'n1', subjectId: 'user-42', dataClass: 'notes', createdAt: Date.now(), text: 'hi' });
 * await eraseSubject('user-42', [notes]);
 * ```
 */
export function createMemoryDataTarget<R extends MemoryDataRecord>(
  options: MemoryDataTargetOptions<R>,
): MemoryDataTarget<R> {
  if (!options || typeof options.name !== 'string' || options.name === '') {
    throw new TypeError('createMemoryDataTarget: pass a name');
  }
  const maxRecords = options.maxRecords ?? 100_000;
  if (!Number.isInteger(maxRecords) || maxRecords < 1) {
    throw new TypeError('createMemoryDataTarget: maxRecords must be a positive integer');
  }
  const anonymize = options.anonymize ?? defaultAnonymize<R>;
  // Sequence numbers give a keyset cursor that deletions cannot shift.
  const rows = new Map<string, { seq: number; record: R }>();
  let seq = 0;

  const replace = (id: string, record: R) => {
    const row = rows.get(id);
    if (row) row.record = record;
  };
  const bySubject = (subjectId: string) =>
    [...rows.values()].filter((row) => row.record.subjectId === subjectId).map((row) => row.record);

  return {
    name: options.name,
    insert(record) {
      if (!rows.has(record.id) && rows.size >= maxRecords) {
        throw new RangeError(
          `memory data target "${options.name}" is full (${maxRecords} records)`,
        );
      }
      const existing = rows.get(record.id);
      rows.set(record.id, { seq: existing?.seq ?? ++seq, record });
    },
    records: () => [...rows.values()].sort((a, b) => a.seq - b.seq).map((row) => row.record),
    async eraseSubject(subjectId: string, context: SubjectRequestContext): Promise<ErasureCounts> {
      const mine = bySubject(subjectId);
      if (options.erasure === 'anonymize') {
        // Marked as retention marks it, so a later sweep neither anonymizes nor counts it again.
        for (const record of mine) {
          replace(record.id, { ...anonymize(record), anonymizedAt: context.now });
        }
        return { anonymized: mine.length };
      }
      for (const record of mine) rows.delete(record.id);
      return { deleted: mine.length };
    },
    async exportSubject(subjectId) {
      return bySubject(subjectId).map((record) => ({ ...record }));
    },
    async scan(cursor, limit): Promise<RetentionPage<R>> {
      const after = cursor === undefined ? 0 : Number(cursor);
      const page = [...rows.values()]
        .filter((row) => row.seq > after)
        .sort((a, b) => a.seq - b.seq)
        .slice(0, limit + 1);
      const more = page.length > limit;
      const records = page.slice(0, limit);
      return {
        records: records.map((row) => row.record),
        ...(more ? { nextCursor: String(records[records.length - 1]!.seq) } : {}),
      };
    },
    async deleteRecords(ids) {
      let n = 0;
      for (const id of ids) if (rows.delete(id)) n++;
      return n;
    },
    async anonymizeRecords(ids, now) {
      let n = 0;
      for (const id of ids) {
        const row = rows.get(id);
        if (!row) continue;
        row.record = { ...anonymize(row.record), anonymizedAt: now };
        n++;
      }
      return n;
    },
  };
}
