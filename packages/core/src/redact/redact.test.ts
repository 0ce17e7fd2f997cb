import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detect } from './detect.js';
import { createRedactionVault, createRedactor, redact, unredact } from './redact.js';
import { redactObject } from './redact-object.js';

const KEY = new Uint8Array(32).fill(7);
const TEXT = 'mail ana@example.com, card 4111 1111 1111 1111, ssn 536-22-1234';

describe('redact', () => {
  it('replaces values with type tags by default', () => {
    expect(redact(TEXT)).toBe('mail [EMAIL], card [CREDIT_CARD], ssn [US_SSN]');
  });

  it('masks letters and digits but keeps separators', () => {
    expect(redact('card 4111-1111-1111-1111', { strategy: 'mask' })).toBe(
      'card ****-****-****-****',
    );
  });

  it('keeps the last four characters with last4', () => {
    expect(redact('card 4111 1111 1111 1111', { strategy: 'last4' })).toBe(
      'card **** **** **** 1111',
    );
  });

  it('applies a strategy per type', () => {
    const r = createRedactor({ strategy: { CREDIT_CARD: 'last4' } });
    expect(r.redact(TEXT)).toBe('mail [EMAIL], card **** **** **** 1111, ssn [US_SSN]');
  });

  it('gives stable keyed pseudonyms that ignore formatting', () => {
    const r = createRedactor({ strategy: 'pseudonym', pseudonymKey: KEY });
    const a = r.redact('card 4111 1111 1111 1111');
    const b = createRedactor({ strategy: 'pseudonym', pseudonymKey: KEY }).redact(
      'card 4111111111111111',
    );
    expect(a).toMatch(/^card \[CREDIT_CARD_[0-9a-f]{10}\]$/);
    expect(a).toBe(b);
    const other = createRedactor({
      strategy: 'pseudonym',
      pseudonymKey: new Uint8Array(32).fill(8),
    });
    expect(other.redact('card 4111 1111 1111 1111')).not.toBe(a);
  });

  it('round-trips through a vault', () => {
    const vault = createRedactionVault();
    const safe = redact(`${TEXT} again ana@example.com`, { strategy: 'vault', vault });
    expect(safe).toBe('mail [EMAIL_1], card [CREDIT_CARD_1], ssn [US_SSN_1] again [EMAIL_1]');
    expect(unredact(safe, vault)).toBe(`${TEXT} again ana@example.com`);
    expect(unredact('unknown [EMAIL_9]', vault)).toBe('unknown [EMAIL_9]');
  });

  it('stops storing at the vault cap and tags instead', () => {
    const vault = createRedactionVault({ maxEntries: 1 });
    expect(redact('a@example.com b@example.com', { strategy: 'vault', vault })).toBe(
      '[EMAIL_1] [EMAIL]',
    );
  });

  it('throws at construction when a strategy lacks its key or vault', () => {
    expect(() => createRedactor({ strategy: 'pseudonym' })).toThrow(/pseudonymKey/);
    expect(() =>
      createRedactor({ strategy: 'pseudonym', pseudonymKey: new Uint8Array(8) }),
    ).toThrow(/16 bytes/);
    expect(() => createRedactor({ strategy: 'vault' })).toThrow(/createRedactionVault/);
    expect(() => createRedactor({ strategy: 'shred' as 'tag' })).toThrow(/unknown strategy/);
  });

  it('returns the same string when nothing is found', () => {
    const clean = 'select * from users; drop table users';
    expect(redact(clean)).toBe(clean);
  });

  it('never leaves a detected value in its output (property)', () => {
    const pieces = fc.constantFrom(
      'ana@example.com',
      '4111 1111 1111 1111',
      '536-22-1234',
      '+44 20 7946 0958',
      '10.1.2.3',
      'DE89 3704 0044 0532 0130 00',
      'AKIAIOSFODNN7EXAMPLE',
      'hello',
      ' ',
      '\n',
      '-',
      '.',
      '@',
      '1',
      'x',
      '😀',
      '你好',
      '\u200b',
      'phone ',
      'ssn ',
    );
    fc.assert(
      fc.property(
        fc.array(pieces, { maxLength: 30 }),
        fc.constantFrom('tag', 'mask', 'last4'),
        (parts, strategy) => {
          const text = parts.join('');
          const out = redact(text, { strategy: strategy as 'tag' });
          const entities = detect(text);
          // What remains of the input outside the detected spans may repeat a value by chance
          // (e.g. an address glued to other text); the output must hold no more copies than that.
          let residual = '';
          let at = 0;
          for (const e of entities) {
            residual += `${text.slice(at, e.start)}\u0000`;
            at = e.end;
          }
          residual += text.slice(at);
          const count = (h: string, n: string) => h.split(n).length - 1;
          for (const e of entities)
            expect(count(out, e.value)).toBeLessThanOrEqual(count(residual, e.value));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('redactObject', () => {
  it('replaces sensitive keys whole and redacts strings everywhere', () => {
    const input = {
      user: 'ana@example.com',
      Password: 'hunter2',
      nested: { api_key: 'abc', notes: ['card 4111 1111 1111 1111', 42, null] },
    };
    expect(redactObject(input)).toEqual({
      user: '[EMAIL]',
      Password: '[REDACTED]',
      nested: { api_key: '[REDACTED]', notes: ['card [CREDIT_CARD]', 42, null] },
    });
    expect(input.Password).toBe('hunter2');
  });

  it('bounds depth and cycles and keeps __proto__ as data', () => {
    const a: Record<string, unknown> = { name: 'x' };
    a.self = a;
    expect(redactObject(a)).toEqual({ name: 'x', self: '[REDACTED]' });
    const evil = JSON.parse('{"__proto__": {"polluted": true}}') as object;
    const out = redactObject(evil) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(redactObject({ a: { b: { c: 1 } } }, { maxDepth: 2 })).toEqual({
      a: { b: '[REDACTED]' },
    });
  });

  it('replaces binary values by a type tag instead of printing their bytes', () => {
    const key = new Uint8Array(32).fill(7);
    const out = redactObject({
      key,
      nested: [new Uint16Array(4), new DataView(new ArrayBuffer(3)), new ArrayBuffer(5)],
    });
    expect(out).toEqual({
      key: '[BINARY 32 bytes]',
      nested: ['[BINARY 8 bytes]', '[BINARY 3 bytes]', '[BINARY 5 bytes]'],
    });
    expect(JSON.stringify(out)).not.toContain('7,7');
  });
});
