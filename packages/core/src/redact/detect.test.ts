import { describe, expect, it } from 'vitest';
import { generateApiKey } from '../keys/generate-api-key.js';
import { containsPii, detect } from './detect.js';
import type { PiiType } from './types.js';

const found = (text: string): [PiiType, string][] => detect(text).map((e) => [e.type, e.value]);

describe('detect', () => {
  it.each([
    [
      'EMAIL',
      'write to ana.lopez+news@mail.example.co.uk today',
      'ana.lopez+news@mail.example.co.uk',
    ],
    ['CREDIT_CARD', 'card 4111 1111 1111 1111 exp 12/29', '4111 1111 1111 1111'],
    ['CREDIT_CARD', 'amex 3782-822463-10005.', '3782-822463-10005'],
    ['CREDIT_CARD', 'pan=5555555555554444;', '5555555555554444'],
    ['US_SSN', 'my ssn is 536-22-1234', '536-22-1234'],
    ['US_SSN', 'SSN: 536221234', '536221234'],
    ['PHONE_NUMBER', 'call +1 (415) 555-2671 now', '+1 (415) 555-2671'],
    ['PHONE_NUMBER', 'office +44 20 7946 0958', '+44 20 7946 0958'],
    ['PHONE_NUMBER', 'ring (212) 555-0147', '(212) 555-0147'],
    ['PHONE_NUMBER', 'Paris 01 42 68 53 00', '01 42 68 53 00'],
    ['PHONE_NUMBER', 'phone: 4155552671', '4155552671'],
    ['IP_ADDRESS', 'from 203.0.113.7:443', '203.0.113.7'],
    ['IP_ADDRESS', 'net 10.0.0.0/8 only', '10.0.0.0/8'],
    ['IP_ADDRESS', 'v6 2001:db8:85a3::8a2e:370:7334 ok', '2001:db8:85a3::8a2e:370:7334'],
    ['IP_ADDRESS', 'link fe80::1%eth0 up', 'fe80::1%eth0'],
    ['IP_ADDRESS', 'mapped ::ffff:192.0.2.128 here', '::ffff:192.0.2.128'],
    ['IP_ADDRESS', 'route 2001:db8::/32.', '2001:db8::/32'],
    ['IBAN', 'IBAN DE89 3704 0044 0532 0130 00 thanks', 'DE89 3704 0044 0532 0130 00'],
    ['IBAN', 'to GB82WEST12345698765432', 'GB82WEST12345698765432'],
    ['AWS_ACCESS_KEY_ID', 'key AKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLE'],
    [
      'AWS_SECRET_ACCESS_KEY',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ],
    [
      'GITHUB_TOKEN',
      'ghp_16C7e42F292c6912E7710c838347Ae178B4a here',
      'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
    ],
    [
      'SLACK_TOKEN',
      'xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
      'xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx',
    ],
    ['STRIPE_KEY', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
    [
      'JWT',
      'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    ],
    [
      'URL_CREDENTIALS',
      'DATABASE_URL=postgres://app:Pa55w0rd@db.internal:5432/app',
      'app:Pa55w0rd',
    ],
  ] as const)('finds %s in %j', (type, text, value) => {
    expect(found(text)).toEqual([[type, value]]);
  });

  it('finds a PEM private key block whole', () => {
    const pem =
      '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49\n-----END EC PRIVATE KEY-----';
    expect(found(`key:\n${pem}\nend`)).toEqual([['PRIVATE_KEY', pem]]);
  });

  it('finds a PEM header and body even when the footer is cut off', () => {
    expect(found('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n\nbye')).toEqual([
      ['PRIVATE_KEY', '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC'],
    ]);
  });

  it.each([
    ['a Luhn-failing card number', 'card 4111 1111 1111 1112'],
    ['a number with no card network', 'id 9111111111111111'],
    [
      'SSNs the SSA never issues',
      'ssn 000-12-3456, 666-12-3456, 912-12-3456, 123-00-4567, 123-45-0000',
    ],
    ['the voided Woolworth SSN', 'ssn 078-05-1120'],
    ['an order number', 'Order #4815162342 shipped, order 415-555-2671, order number 415-555-2671'],
    ['a bare digit run with no cue word', 'ref 4155552671 and 536221234'],
    ['timestamps', '2024-01-15 10:30:00, 2024-01-15T10:30:00Z, 1700000000'],
    ['version strings', 'v1.2.3, 10.0.19041, node 20.19.0'],
    ['ISBNs', 'ISBN 978-0-306-40615-7 and 0-306-40615-2'],
    ['a UUID', 'id 550e8400-e29b-41d4-a716-446655440000'],
    ['hashes', 'sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
    ['prices', 'total $1,234.56 or 4 111.11 EUR'],
    ['an invalid IPv4', 'addr 256.1.1.1 and 1.2.3'],
    ['a time that looks like IPv6', 'at 10:30:15 and std::vector and 00:1A:2B:3C:4D:5E'],
    ['an IBAN with a wrong check', 'DE89 3704 0044 0532 0130 01'],
    ['an email-like string without a real domain', 'user@localhost and a@b.c and x@-bad.com'],
    ['a URL user without a password', 'https://user@example.com/x'],
    ['an AWS-shaped 40 characters with no cue', 'hash wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['SQL that mentions drop table', 'select * from users; drop table users; -- 3 times'],
  ])('ignores %s', (_label, text) => {
    expect(found(text)).toEqual([]);
  });

  it('finds jaf-sec API keys by their checksum and ignores a mistyped one', () => {
    const { key } = generateApiKey();
    expect(found(`x-api-key: ${key} ok`)).toEqual([['JAF_API_KEY', key]]);
    const typo = key.slice(0, 20) + (key[20] === 'a' ? 'b' : 'a') + key.slice(21);
    expect(found(`x-api-key: ${typo} ok`)).toEqual([]);
  });

  it('keeps offsets right around emoji and CJK text', () => {
    const text = '😀👍🏽 你好，请写信给 ana@example.com 谢谢 📞 +81 3-1234-5678';
    const entities = detect(text);
    expect(entities.map((e) => e.type)).toEqual(['EMAIL', 'PHONE_NUMBER']);
    for (const e of entities) expect(text.slice(e.start, e.end)).toBe(e.value);
    expect(entities[0]!.value).toBe('ana@example.com');
    expect(entities[0]!.start).toBe(text.indexOf('ana@'));
  });

  it('sees through zero-width characters and reports the original span', () => {
    const text = 'card 4111\u200b1111\u200b1111\u200b1111 and ana\u200d@example.com';
    const entities = detect(text);
    expect(entities.map((e) => e.type)).toEqual(['CREDIT_CARD', 'EMAIL']);
    expect(entities[0]!.value).toBe('4111\u200b1111\u200b1111\u200b1111');
    expect(entities[1]!.value).toBe('ana\u200d@example.com');
  });

  it('sees through fullwidth digits and letters', () => {
    const text = 'ssn ５３６-２２-１２３４ mail ａｎａ＠ｅｘａｍｐｌｅ．ｃｏｍ';
    expect(found(text)).toEqual([
      ['US_SSN', '５３６-２２-１２３４'],
      ['EMAIL', 'ａｎａ＠ｅｘａｍｐｌｅ．ｃｏｍ'],
    ]);
  });

  it('restricts detection to the requested types', () => {
    const text = 'ana@example.com 4111 1111 1111 1111';
    expect(detect(text, { types: ['CREDIT_CARD'] }).map((e) => e.type)).toEqual(['CREDIT_CARD']);
  });

  it('throws once on an unknown type name (a developer mistake)', () => {
    expect(() => detect('x', { types: ['NAME' as PiiType] })).toThrow(/unknown PII type "NAME"/);
  });

  it('answers containsPii without allocating entities', () => {
    expect(containsPii('just a clean line of chat text')).toBe(false);
    expect(containsPii('mail ana@example.com')).toBe(true);
  });
});
