import { describe, expect, it } from 'vitest';
import { defineRetentionPolicy, evaluateRetention } from './retention.js';

const DAY = 86_400_000;
const now = Date.UTC(2026, 10, 28);
const policy = defineRetentionPolicy({
  classes: {
    conversations: { days: 365, action: 'delete' },
    analytics: { days: 90, action: 'anonymize' },
    invoices: { action: 'keep' },
  },
});

describe('evaluateRetention', () => {
  it('keeps records within their period and says when it ends', () => {
    const created = now - 10 * DAY;
    expect(
      evaluateRetention({ dataClass: 'conversations', createdAt: created }, policy, now),
    ).toEqual({
      ok: true,
      value: { action: 'keep', reason: 'within-period', expiresAt: created + 365 * DAY },
    });
  });

  it('deletes or anonymizes at the exact end of the period', () => {
    const created = now - 365 * DAY;
    expect(
      evaluateRetention({ dataClass: 'conversations', createdAt: created }, policy, now - 1),
    ).toMatchObject({
      value: { action: 'keep' },
    });
    expect(
      evaluateRetention({ dataClass: 'conversations', createdAt: created }, policy, now),
    ).toMatchObject({
      value: { action: 'delete', reason: 'expired' },
    });
    expect(
      evaluateRetention(
        { dataClass: 'analytics', createdAt: new Date(now - 91 * DAY) },
        policy,
        now,
      ),
    ).toMatchObject({ value: { action: 'anonymize', reason: 'expired' } });
  });

  it('keeps expired records under legal hold, and does not anonymize twice', () => {
    const old = now - 1000 * DAY;
    expect(
      evaluateRetention(
        { dataClass: 'conversations', createdAt: old, legalHold: true },
        policy,
        now,
      ),
    ).toMatchObject({
      value: { action: 'keep', reason: 'legal-hold' },
    });
    expect(
      evaluateRetention(
        { dataClass: 'analytics', createdAt: old, anonymizedAt: now - DAY },
        policy,
        now,
      ),
    ).toMatchObject({ value: { action: 'keep', reason: 'already-anonymized' } });
  });

  it('keeps classes marked keep indefinitely', () => {
    expect(evaluateRetention({ dataClass: 'invoices', createdAt: 0 }, policy, now)).toEqual({
      ok: true,
      value: { action: 'keep', reason: 'kept-indefinitely' },
    });
  });

  it('reports unknown classes and invalid records instead of guessing', () => {
    expect(evaluateRetention({ dataClass: 'logs', createdAt: now }, policy, now)).toMatchObject({
      error: { code: 'RETENTION_CLASS_UNKNOWN' },
    });
    expect(
      evaluateRetention({ dataClass: 'conversations', createdAt: 'yesterday' }, policy, now),
    ).toMatchObject({
      error: { code: 'RETENTION_RECORD_INVALID' },
    });
    expect(evaluateRetention(null as never, policy, now)).toMatchObject({
      error: { code: 'RETENTION_RECORD_INVALID' },
    });
    const withDefault = defineRetentionPolicy({
      classes: {},
      default: { days: 30, action: 'delete' },
    });
    expect(
      evaluateRetention({ dataClass: 'logs', createdAt: now - 31 * DAY }, withDefault, now),
    ).toMatchObject({
      value: { action: 'delete' },
    });
  });

  it('throws a fix-it message for malformed rules', () => {
    expect(() => defineRetentionPolicy({ classes: { a: { action: 'delete' } } })).toThrow(/days/);
    expect(() =>
      defineRetentionPolicy({ classes: { a: { days: 1, action: 'purge' as never } } }),
    ).toThrow(/action/);
    expect(() => defineRetentionPolicy({} as never)).toThrow(/classes/);
  });
});
