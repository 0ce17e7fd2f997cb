import { describe, expect, it } from 'vitest';
import { createMemoryDataTarget, type MemoryDataRecord } from './memory-data-target.js';
import { eraseSubject, exportSubject, type SubjectDataTarget } from './subject-rights.js';

const now = Date.UTC(2026, 10, 28);

function setup() {
  const conversations = createMemoryDataTarget<MemoryDataRecord>({ name: 'conversations' });
  const analytics = createMemoryDataTarget<MemoryDataRecord>({
    name: 'analytics',
    erasure: 'anonymize',
  });
  conversations.insert({
    id: 'c1',
    subjectId: 'u-1',
    dataClass: 'conversations',
    createdAt: now,
    text: 'hi',
  });
  conversations.insert({
    id: 'c2',
    subjectId: 'u-1',
    dataClass: 'conversations',
    createdAt: now,
    text: 'again',
  });
  conversations.insert({
    id: 'c3',
    subjectId: 'u-2',
    dataClass: 'conversations',
    createdAt: now,
    text: 'other',
  });
  analytics.insert({
    id: 'a1',
    subjectId: 'u-1',
    dataClass: 'analytics',
    createdAt: now,
    page: '/pricing',
  });
  return { conversations, analytics };
}

/** A target that fails a set number of times, then works: a flaky store. */
function flaky(failures: number): SubjectDataTarget & { calls: number } {
  const target = {
    name: 'profile',
    calls: 0,
    async eraseSubject() {
      target.calls++;
      if (target.calls <= failures) throw new Error('connection reset for ada@example.com');
      return { deleted: target.calls === failures + 1 ? 1 : 0 };
    },
    async exportSubject() {
      target.calls++;
      if (target.calls <= failures) throw new Error('timeout');
      return [{ name: 'Ada' }];
    },
  };
  return target;
}

describe('eraseSubject', () => {
  it('erases from every target and reports each one', async () => {
    const { conversations, analytics } = setup();
    const result = await eraseSubject('u-1', [conversations, analytics], { now });
    expect(result).toEqual({
      ok: true,
      value: {
        subjectId: 'u-1',
        requestedAt: now,
        complete: true,
        failed: [],
        targets: [
          { target: 'conversations', status: 'done', deleted: 2, anonymized: 0 },
          { target: 'analytics', status: 'done', deleted: 0, anonymized: 1 },
        ],
      },
    });
    expect(conversations.records().map((r) => r.id)).toEqual(['c3']);
    expect(analytics.records()).toEqual([
      { id: 'a1', dataClass: 'analytics', createdAt: now, subjectId: null, anonymizedAt: now },
    ]);
  });

  it('is idempotent: erasing again succeeds with zero counts', async () => {
    const { conversations, analytics } = setup();
    await eraseSubject('u-1', [conversations, analytics], { now });
    const again = await eraseSubject('u-1', [conversations, analytics], { now });
    expect(again.ok && again.value.targets).toEqual([
      { target: 'conversations', status: 'done', deleted: 0, anonymized: 0 },
      { target: 'analytics', status: 'done', deleted: 0, anonymized: 0 },
    ]);
  });

  it('reports a failing target without its error text, goes on with the others, and can retry just it', async () => {
    const { conversations } = setup();
    const profile = flaky(1);
    const seen: unknown[] = [];
    const first = await eraseSubject('u-1', [profile, conversations], {
      now,
      onTargetError: (_t, e) => seen.push(e),
    });
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    expect(first.value.complete).toBe(false);
    expect(first.value.failed).toEqual(['profile']);
    expect(first.value.targets[0]).toEqual({
      target: 'profile',
      status: 'failed',
      error: {
        code: 'PRIVACY_TARGET_FAILED',
        message: 'The "profile" data target failed; retry it.',
      },
    });
    expect(JSON.stringify(first.value)).not.toContain('ada@example.com');
    expect(seen).toHaveLength(1);
    expect(first.value.targets[1]).toMatchObject({
      target: 'conversations',
      status: 'done',
      deleted: 2,
    });

    const retry = await eraseSubject('u-1', [profile, conversations], {
      now,
      only: first.value.failed,
    });
    expect(retry.ok && retry.value).toMatchObject({
      complete: true,
      targets: [{ target: 'profile', status: 'done', deleted: 1 }],
    });
  });

  it('rejects an invalid subject id or an unknown retry target with a code', async () => {
    const { conversations } = setup();
    expect(await eraseSubject('', [conversations])).toMatchObject({
      error: { code: 'PRIVACY_SUBJECT_INVALID' },
    });
    expect(await eraseSubject('x'.repeat(513), [conversations])).toMatchObject({
      error: { code: 'PRIVACY_SUBJECT_INVALID' },
    });
    expect(await eraseSubject('u-1', [conversations], { only: ['nope'] })).toMatchObject({
      error: { code: 'PRIVACY_TARGET_UNKNOWN' },
    });
  });

  it('throws for misconfigured targets', async () => {
    const { conversations } = setup();
    await expect(eraseSubject('u-1', [])).rejects.toThrow(/at least one/);
    await expect(eraseSubject('u-1', [conversations, conversations])).rejects.toThrow(/twice/);
    await expect(eraseSubject('u-1', [{ name: 'x' } as never])).rejects.toThrow(/eraseSubject/);
  });
});

describe('exportSubject', () => {
  it("collects the subject's records from every target, and only theirs", async () => {
    const { conversations, analytics } = setup();
    const result = await exportSubject('u-1', [conversations, analytics], { now });
    expect(result.ok && result.value.complete).toBe(true);
    expect(result.ok && result.value.targets).toEqual([
      {
        target: 'conversations',
        status: 'done',
        records: [
          { id: 'c1', subjectId: 'u-1', dataClass: 'conversations', createdAt: now, text: 'hi' },
          { id: 'c2', subjectId: 'u-1', dataClass: 'conversations', createdAt: now, text: 'again' },
        ],
      },
      {
        target: 'analytics',
        status: 'done',
        records: [
          { id: 'a1', subjectId: 'u-1', dataClass: 'analytics', createdAt: now, page: '/pricing' },
        ],
      },
    ]);
  });

  it('marks the export incomplete when a target fails, and a retry fills it in', async () => {
    const { conversations } = setup();
    const profile = flaky(1);
    const first = await exportSubject('u-1', [conversations, profile], { now });
    expect(first.ok && first.value).toMatchObject({ complete: false, failed: ['profile'] });
    const retry = await exportSubject('u-1', [conversations, profile], { now, only: ['profile'] });
    expect(retry.ok && retry.value.targets).toEqual([
      { target: 'profile', status: 'done', records: [{ name: 'Ada' }] },
    ]);
  });
});
