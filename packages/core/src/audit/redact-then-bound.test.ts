import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateApiKey } from '../keys/generate-api-key.js';
import { redactObject } from '../redact/redact-object.js';
import { type AuditRedactor, createAuditLog } from './create-audit-log.js';
import type { SecurityEvent } from './types.js';

// One value per detector: each is recognised whole, and none shares an 8-character run with
// the text around it, so finding such a run in the log means a part of the secret leaked.
const SECRETS: readonly (readonly [string, string])[] = [
  ['EMAIL', 'ana.lopez@example.com'],
  ['CREDIT_CARD', '4111 1111 1111 1111'],
  ['US_SSN', 'ssn 536-22-8726'],
  ['PHONE_NUMBER', 'call +1 415 555 2671'],
  ['IP_ADDRESS', '2001:db8:85a3::8a2e:370:7334'],
  ['IBAN', 'IBAN DE89 3704 0044 0532 0130 00'],
  ['AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE'],
  ['AWS_SECRET_ACCESS_KEY', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
  ['GITHUB_TOKEN', 'ghp_16C7e42F292c6912E7710c838347Ae178B4a'],
  ['SLACK_TOKEN', 'xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx'],
  ['STRIPE_KEY', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
  ['JWT', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'],
  [
    'PRIVATE_KEY',
    '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49\n-----END EC PRIVATE KEY-----',
  ],
  ['JAF_API_KEY', generateApiKey().key],
  ['URL_CREDENTIALS', 'postgres://app:Pa55w0rdXyZ@db.internal:5432/app'],
];

/** The secret part of each sample (cue words such as `ssn`, a URL's host, are not secret). */
const bodyOf = (sample: string): string =>
  sample.startsWith('postgres://')
    ? 'app:Pa55w0rdXyZ'
    : sample
        .replace(/^(ssn |call |IBAN |aws_secret_access_key = )/, '')
        .replace(/^-----BEGIN EC PRIVATE KEY-----\n/, '');

/** True when `out` holds 8 or more consecutive characters of `secret`. */
function leaks(out: string, secret: string): boolean {
  for (let i = 0; i + 8 <= secret.length; i++) {
    if (out.includes(secret.slice(i, i + 8))) return true;
  }
  return false;
}

function recordNote(note: string, maxStringLength: number, redact?: AuditRedactor) {
  const events: SecurityEvent[] = [];
  const audit = createAuditLog({
    sink: (e) => events.push(e),
    clock: () => 0,
    limits: { maxStringLength },
    ...(redact ? { redact } : {}),
  });
  audit.record('authn_login_fail', { details: { note } });
  return String(events[0]!.details.note);
}

describe('audit details are redacted before they are bounded', () => {
  it.each(SECRETS)('no cut point lets a %s through', (_type, sample) => {
    const secret = bodyOf(sample);
    const text = `before ${sample} after`;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: text.length + 8 }), (cut) => {
        const out = recordNote(text, cut);
        expect(leaks(out, secret)).toBe(false);
        // The bound still holds: the cut text plus the marker, never more.
        expect(out.length).toBeLessThanOrEqual(cut + '…[truncated]'.length);
      }),
      { numRuns: 60 },
    );
  });

  it('every cut point of a jaf-sec API key: none leaves enough of its body to rebuild it', () => {
    const { key } = generateApiKey();
    const text = `x-api-key: ${key} done`;
    for (let cut = 1; cut <= text.length; cut++) {
      expect(leaks(recordNote(text, cut), key)).toBe(false);
    }
  });

  it('keeps text that is not secret, and marks the cut', () => {
    expect(recordNote('hello world, no secrets here', 11)).toBe('hello world…[truncated]');
    expect(recordNote(`mail ana.lopez@example.com ${'x'.repeat(50)}`, 20)).toBe(
      'mail [EMAIL] xxxxxxx…[truncated]',
    );
  });

  it('a custom redactor sees the whole string, not the bounded one', () => {
    const seen: string[] = [];
    const { key } = generateApiKey();
    const out = recordNote(`key ${key}`, 10, ((d: Record<string, unknown>) => {
      seen.push(String(d.note));
      return redactObject(d);
    }) as never);
    expect(seen).toEqual([`key ${key}`]);
    expect(leaks(out, key)).toBe(false);
  });

  it('a string longer than the redaction window: a secret across its edge is dropped, not logged', () => {
    const { key } = generateApiKey();
    for (const offset of [1, 8, 20, key.length - 3]) {
      // The key starts `offset` characters before the window's edge (65,536).
      const head = 'lorem ipsum '.repeat(6000).slice(0, 65_536 - offset);
      const text = `${head}${key} ${'tail '.repeat(4000)}`;
      const out = recordNote(text, 200_000);
      expect(leaks(out, key)).toBe(false);
      expect(out.endsWith('…[truncated]')).toBe(true);
      // What is far from the edge is still there.
      expect(out.startsWith('lorem ipsum lorem')).toBe(true);
      expect(out.length).toBeGreaterThan(30_000);
    }
  });
});
