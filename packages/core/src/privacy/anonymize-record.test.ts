import { describe, expect, it } from 'vitest';
import { anonymizeRecord } from './anonymize-record.js';
import { createPseudonymKey, pseudonymize } from './pseudonymize.js';

const key = createPseudonymKey(new Uint8Array(32).fill(3));
const user = {
  id: 'u-1',
  email: 'ada@example.com',
  phone: '+44 20 7946 0958',
  name: 'Ada Lovelace',
  birthDate: '1815-12-10',
  postcode: 'SW1A 1AA',
  plan: 'pro',
  notes: null,
};

describe('anonymizeRecord', () => {
  it('applies each field action and leaves the input untouched', () => {
    const out = anonymizeRecord(
      user,
      {
        email: { pseudonymize: { format: 'email' } },
        phone: 'drop',
        name: 'redact',
        birthDate: { generalize: 'year' },
        postcode: { truncate: 4 },
        id: 'pseudonymize',
        notes: 'redact',
      },
      { key },
    );
    expect(out).toEqual({
      id: pseudonymize('u-1', key),
      email: pseudonymize('ada@example.com', key, { format: 'email' }),
      name: '[redacted]',
      birthDate: '1815',
      postcode: 'SW1A',
      plan: 'pro',
      notes: null,
    });
    expect(user.email).toBe('ada@example.com');
  });

  it('drops unlisted fields when asked, so new columns never leak', () => {
    expect(anonymizeRecord(user, { plan: 'keep' }, { otherFields: 'drop' })).toEqual({
      plan: 'pro',
    });
  });

  it('generalizes dates to month or day and makes unparseable dates null', () => {
    const at = { a: new Date(Date.UTC(2026, 10, 28, 9)), b: 'not a date', c: Date.UTC(2026, 0, 2) };
    expect(
      anonymizeRecord(at, {
        a: { generalize: 'month' },
        b: { generalize: 'day' },
        c: { generalize: 'day' },
      }),
    ).toEqual({
      a: '2026-11',
      b: null,
      c: '2026-01-02',
    });
  });

  it('runs custom functions', () => {
    expect(
      anonymizeRecord({ age: 37 }, { age: (v) => `${Math.floor(Number(v) / 10) * 10}s` }),
    ).toEqual({ age: '30s' });
  });

  it('throws a fix-it message for a pseudonymized field without a key, or an unknown action', () => {
    expect(() => anonymizeRecord(user, { email: 'pseudonymize' })).toThrow(/pass \{ key \}/);
    expect(() => anonymizeRecord(user, { email: 'hash' as never })).toThrow(/unknown action/);
    expect(() => anonymizeRecord(user, { email: { generalize: 'week' } as never })).toThrow(
      /unknown action/,
    );
  });
});
