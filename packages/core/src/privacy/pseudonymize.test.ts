import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeHex, utf8 } from '../internal/bytes.js';
import { createPseudonymKey, pseudonymize } from './pseudonymize.js';

const raw = new Uint8Array(32).fill(7);
const key = createPseudonymKey(raw);

describe('pseudonymize', () => {
  it('is HMAC-SHA256 of context and value under the key (hex format)', () => {
    const expected = encodeHex(hmac(sha256, raw, utf8('\u0000user-42')).subarray(0, 16));
    expect(pseudonymize('user-42', key, { format: 'hex' })).toBe(expected);
    expect(pseudonymize('user-42', raw, { format: 'hex' })).toBe(expected);
    const mac = hmac(sha256, raw, utf8('analytics\u0000user-42'));
    const b64url = btoa(String.fromCharCode(...mac))
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
    expect(pseudonymize('user-42', key, { context: 'analytics' })).toBe(b64url.slice(0, 22));
  });

  it('is stable for one key and context, and differs across keys and contexts', () => {
    const a = pseudonymize('ada@example.com', key);
    expect(pseudonymize('ada@example.com', key)).toBe(a);
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(
      pseudonymize('ada@example.com', createPseudonymKey(new Uint8Array(32).fill(8))),
    ).not.toBe(a);
    expect(pseudonymize('ada@example.com', key, { context: 'analytics' })).not.toBe(a);
    expect(pseudonymize('ada@example.com', key, { prefix: 'u_' })).toBe(`u_${a}`);
  });

  it('keeps emails email-shaped, normalizing case and spaces', () => {
    const p = pseudonymize('Ada@Example.com ', key, { format: 'email' });
    expect(p).toMatch(/^[a-z2-7]{26}@pseudonym\.invalid$/);
    expect(pseudonymize('ada@example.com', key, { format: 'email' })).toBe(p);
    expect(
      pseudonymize('ada@example.com', key, { format: 'email', keepEmailDomain: true }),
    ).toMatch(/^[a-z2-7]{26}@example\.com$/);
    expect(
      pseudonymize('ada@example.com', key, { format: 'email', emailDomain: 'anon.test' }),
    ).toMatch(/@anon\.test$/);
    expect(pseudonymize('not an email', key, { format: 'email' })).toMatch(
      /^[a-z2-7]{26}@pseudonym\.invalid$/,
    );
  });

  it('keeps phone numbers phone-shaped and ignores separators when matching', () => {
    const p = pseudonymize('+44 20 7946 0958', key, { format: 'digits' });
    expect(p).toMatch(/^\+\d\d \d\d \d{4} \d{4}$/);
    expect(p).not.toBe('+44 20 7946 0958');
    const same = pseudonymize('+44-20-7946-0958', key, { format: 'digits' });
    expect(same.replace(/\D/g, '')).toBe(p.replace(/\D/g, ''));
    // Long digit strings extend the keyed stream rather than repeating it.
    const long = pseudonymize('1'.repeat(80), key, { format: 'digits' });
    expect(long).toMatch(/^\d{80}$/);
    expect(long.slice(0, 32)).not.toBe(long.slice(32, 64));
  });

  it('keeps the shape of any input in the email and digits formats', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (value) => {
        expect(pseudonymize(value, key, { format: 'email' })).toMatch(
          /^[a-z2-7]{26}@pseudonym\.invalid$/,
        );
        const digits = pseudonymize(value, key, { format: 'digits' });
        expect(digits.length).toBe(value.length);
        for (let i = 0; i < value.length; i++) {
          if (!/\d/.test(value[i]!)) expect(digits[i]).toBe(value[i]);
        }
      }),
    );
  });

  it('refuses keys shorter than 16 bytes', () => {
    expect(() => createPseudonymKey(new Uint8Array(8))).toThrow(/16/);
    expect(() => pseudonymize('x', new Uint8Array(4))).toThrow(/16/);
  });
});
