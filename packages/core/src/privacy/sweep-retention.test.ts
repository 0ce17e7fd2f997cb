import { describe, expect, it } from 'vitest';
import { createMemoryDataTarget, type MemoryDataRecord } from './memory-data-target.js';
import { defineRetentionPolicy } from './retention.js';
import { type RetentionTarget, sweepRetention } from './sweep-retention.js';

const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 28);
const policy = defineRetentionPolicy({
  classes: {
    conversations: { days: 30, action: 'delete' },
    analytics: { days: 30, action: 'anonymize' },
  },
});

function fill(n: number) {
  const target = createMemoryDataTarget<MemoryDataRecord>({ name: 'mixed' });
  for (let i = 0; i < n; i++) {
    const old = i % 2 === 0;
    target.insert({
      id: `r${i}`,
      subjectId: `u-${i % 7}`,
      dataClass: i % 3 === 0 ? 'analytics' : 'conversations',
      createdAt: now - (old ? 40 : 5) * DAY,
      legalHold: i === 10,
      payload: `secret ${i}`,
    });
  }
  return target;
}

describe('sweepRetention', () => {
  it('walks every record in batches, deleting and anonymizing what is due and respecting holds', async () => {
    const target = fill(25);
    const report = await sweepRetention(target, policy, { now, batchSize: 4 });
    expect(report).toMatchObject({
      target: 'mixed',
      done: true,
      batches: 7,
      scanned: 25,
      held: 1,
      skipped: [],
    });
    // 13 old records (even i): i=10 is held; of the other 12, i%3==0 are analytics (0,6,12,18,24).
    expect(report.anonymized).toBe(5);
    expect(report.deleted).toBe(7);
    expect(report.kept).toBe(12);
    const left = target.records();
    expect(left).toHaveLength(18);
    expect(left.find((r) => r.id === 'r10')).toMatchObject({ payload: 'secret 10' });
    expect(left.find((r) => r.id === 'r6')).toEqual({
      id: 'r6',
      dataClass: 'analytics',
      createdAt: now - 40 * DAY,
      legalHold: false,
      subjectId: null,
      anonymizedAt: now,
    });
    // A second sweep finds nothing left to do.
    const again = await sweepRetention(target, policy, { now, batchSize: 4 });
    expect(again).toMatchObject({ done: true, deleted: 0, anonymized: 0 });
  });

  it('stops after maxBatches with a cursor, and resuming finishes the walk', async () => {
    const target = fill(25);
    const first = await sweepRetention(target, policy, { now, batchSize: 5, maxBatches: 2 });
    expect(first).toMatchObject({ done: false, batches: 2, scanned: 10 });
    expect(first.cursor).toBeDefined();
    const rest = await sweepRetention(target, policy, { now, batchSize: 5, cursor: first.cursor });
    expect(rest).toMatchObject({ done: true, scanned: 15 });
    expect(first.deleted + rest.deleted).toBe(7);
    expect(first.anonymized + rest.anonymized).toBe(5);
  });

  it('lists records it cannot evaluate instead of passing over them', async () => {
    const target = createMemoryDataTarget<MemoryDataRecord>({ name: 't' });
    target.insert({ id: 'a', subjectId: null, dataClass: 'unknown', createdAt: now });
    target.insert({ id: 'b', subjectId: null, dataClass: 'conversations', createdAt: 'soon' });
    const report = await sweepRetention(target, policy, { now });
    expect(report.skipped).toEqual([
      { id: 'a', code: 'RETENTION_CLASS_UNKNOWN' },
      { id: 'b', code: 'RETENTION_RECORD_INVALID' },
    ]);
    expect(target.records()).toHaveLength(2);
  });

  it('reports a failing target with the cursor of the page to retry, and the retry completes', async () => {
    const inner = fill(12);
    let failNext = false;
    let pages = 0;
    const target: RetentionTarget<MemoryDataRecord> = {
      name: 'flaky',
      scan: (cursor, limit) => {
        pages++;
        if (pages === 2) failNext = true;
        return inner.scan(cursor, limit);
      },
      deleteRecords: async (ids) => {
        if (failNext) {
          failNext = false;
          throw new Error('deadlock');
        }
        return inner.deleteRecords(ids);
      },
      anonymizeRecords: (ids, t) => inner.anonymizeRecords(ids, t),
    };
    const first = await sweepRetention(target, policy, { now, batchSize: 4 });
    expect(first).toMatchObject({
      done: false,
      batches: 1,
      error: { code: 'PRIVACY_TARGET_FAILED' },
    });
    const retry = await sweepRetention(target, policy, { now, batchSize: 4, cursor: first.cursor });
    expect(retry).toMatchObject({ done: true });
    expect(retry.error).toBeUndefined();
    // All old conversations are gone after the retry: ids 2, 4, 8 (10 held; 0 and 6 analytics).
    expect(
      inner
        .records()
        .filter((r) => r.subjectId !== null && r.createdAt === now - 40 * DAY)
        .map((r) => r.id),
    ).toEqual(['r10']);
  });

  it('refuses a batch size that is not a positive integer', async () => {
    await expect(sweepRetention(fill(1), policy, { batchSize: 0 })).rejects.toThrow(/positive/);
  });
});
