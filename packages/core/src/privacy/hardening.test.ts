// Issue 19: untrusted records reaching the privacy functions (prototype pollution through
// anonymizeRecord, retention flags stored in other shapes, erasure leaving no mark).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anonymizeRecord } from './anonymize-record.js';
import { createMemoryDataTarget, type MemoryDataRecord } from './memory-data-target.js';
import { defineRetentionPolicy, evaluateRetention } from './retention.js';
import { eraseSubject } from './subject-rights.js';
import { sweepRetention } from './sweep-retention.js';

const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 28);
const policy = defineRetentionPolicy({
  classes: {
    conversations: { days: 30, action: 'delete' },
    analytics: { days: 30, action: 'anonymize' },
  },
});

describe('anonymizeRecord and a __proto__ key', () => {
  it('keeps the output a plain object: no injected field appears on it', () => {
    const record = JSON.parse('{"id":"u-1","__proto__":{"isAdmin":true,"role":"admin"}}');
    for (const otherFields of ['keep', 'drop'] as const) {
      const out = anonymizeRecord(record, { id: 'keep', __proto__: 'keep' } as never, {
        otherFields,
      });
      expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
      expect((out as Record<string, unknown>).isAdmin).toBeUndefined();
      expect((out as Record<string, unknown>).role).toBeUndefined();
      expect(Object.keys(out)).toEqual(['id']);
    }
    // Nothing leaked onto Object.prototype either.
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });

  it('property: for any record parsed from JSON, the output prototype is Object.prototype', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.string()),
          fc.jsonValue(),
        ),
        (dict) => {
          const rest = JSON.stringify(dict).slice(1);
          const record = JSON.parse(`{"__proto__":{"x":1}${rest === '}' ? '' : ','}${rest}`);
          const out = anonymizeRecord(record, {});
          expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
          expect(Object.hasOwn(out, '__proto__')).toBe(false);
          // `x` can only be there as the record's own field, never inherited.
          if (!Object.hasOwn(out, 'x')) expect((out as Record<string, unknown>).x).toBeUndefined();
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses a record that is not an object with a TypeError naming the function', () => {
    expect(() => anonymizeRecord(null as never, {})).toThrow(/anonymizeRecord: record/);
  });
});

describe('retention flags: one accepted shape each', () => {
  const expired = { dataClass: 'conversations', createdAt: now - 40 * DAY };

  it('holds only with legalHold === true; no hold with false, null or absent', () => {
    expect(evaluateRetention({ ...expired, legalHold: true }, policy, now)).toMatchObject({
      value: { action: 'keep', reason: 'legal-hold' },
    });
    for (const legalHold of [false, null, undefined]) {
      expect(evaluateRetention({ ...expired, legalHold }, policy, now)).toMatchObject({
        value: { action: 'delete' },
      });
    }
  });

  it('refuses a hold stored as 1, "true", "yes" or an object: never deleted', () => {
    for (const legalHold of [1, 0, 'true', 'false', 'yes', {}, [], Number.NaN]) {
      const r = evaluateRetention({ ...expired, legalHold } as never, policy, now);
      expect(r).toMatchObject({ ok: false, error: { code: 'RETENTION_FLAG_INVALID' } });
    }
  });

  it('refuses an anonymizedAt mark that is not a time', () => {
    const analytics = { dataClass: 'analytics', createdAt: now - 40 * DAY };
    for (const anonymizedAt of [true, 'yes', 'not a date', {}, Number.NaN]) {
      const r = evaluateRetention({ ...analytics, anonymizedAt } as never, policy, now);
      expect(r).toMatchObject({ ok: false, error: { code: 'RETENTION_FLAG_INVALID' } });
    }
    expect(evaluateRetention({ ...analytics, anonymizedAt: now - DAY }, policy, now)).toMatchObject(
      { value: { action: 'keep', reason: 'already-anonymized' } },
    );
  });

  it('a sweep reports records with a malformed hold and leaves them in place', async () => {
    const target = createMemoryDataTarget<MemoryDataRecord>({ name: 't' });
    target.insert({ id: 'a', subjectId: 'u', ...expired, legalHold: 1 as never });
    target.insert({ id: 'b', subjectId: 'u', ...expired, legalHold: 'true' as never });
    target.insert({ id: 'c', subjectId: 'u', ...expired });
    const report = await sweepRetention(target, policy, { now });
    expect(report.deleted).toBe(1);
    expect(report.skipped).toEqual([
      { id: 'a', code: 'RETENTION_FLAG_INVALID' },
      { id: 'b', code: 'RETENTION_FLAG_INVALID' },
    ]);
    expect(target.records().map((r) => r.id)).toEqual(['a', 'b']);
  });
});

describe('erasure by anonymization marks the records', () => {
  it('a later sweep neither anonymizes nor counts them again', async () => {
    const target = createMemoryDataTarget<MemoryDataRecord>({ name: 't', erasure: 'anonymize' });
    target.insert({ id: 'a', subjectId: 'u-1', dataClass: 'analytics', createdAt: now - 40 * DAY });
    target.insert({ id: 'b', subjectId: 'u-2', dataClass: 'analytics', createdAt: now - 40 * DAY });
    const erased = await eraseSubject('u-1', [target], { now: now - DAY });
    expect(erased.ok).toBe(true);
    expect(target.records()[0]).toMatchObject({
      id: 'a',
      subjectId: null,
      anonymizedAt: now - DAY,
    });
    const report = await sweepRetention(target, policy, { now });
    expect(report.anonymized).toBe(1); // only b
    expect(report.kept).toBe(1);
  });
});
