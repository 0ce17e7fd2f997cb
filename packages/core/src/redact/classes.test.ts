// Issue 15: the classes of misses and false alarms an independent corpus found. Each case is a
// class, not one example: the values are built from the class's shape.
import { describe, expect, it } from 'vitest';
import { detect } from './detect.js';
import { redact } from './redact.js';
import type { PiiType } from './types.js';

const found = (text: string): [PiiType, string][] => detect(text).map((e) => [e.type, e.value]);

const luhnDigit = (body: string): string => {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
};

describe('values next to punctuation are found', () => {
  it.each([
    ['card (5311 9568 5822 3106)', 'CREDIT_CARD', '5311 9568 5822 3106'],
    ['card (4111-1111-1111-1111) declined', 'CREDIT_CARD', '4111-1111-1111-1111'],
    ['pan (4111111111111111)', 'CREDIT_CARD', '4111111111111111'],
    ['SSN (827-95-3902)', 'US_SSN', '827-95-3902'],
    ['(ssn 827-95-3902)', 'US_SSN', '827-95-3902'],
    ['_827-95-3902_', 'US_SSN', '827-95-3902'],
    ['call me (415-555-2671)', 'PHONE_NUMBER', '415-555-2671'],
    ['(+44) 20 7946 0958', 'PHONE_NUMBER', '(+44) 20 7946 0958'],
  ] as const)('%j', (text, type, value) => {
    expect(found(text)).toEqual([[type, value]]);
  });

  it('keeps the area-code parenthesis of a NANP number', () => {
    expect(found('ring (212) 555-0147')).toEqual([['PHONE_NUMBER', '(212) 555-0147']]);
  });
});

describe('dash-separated IBANs', () => {
  it.each([
    'DE89-3704-0044-0532-0130-00',
    'GB82-WEST-1234-5698-7654-32',
    'FR14-2004-1010-0505-0001-3M02-606',
  ])('finds %s', (iban) => {
    expect(found(`IBAN ${iban}, thanks`)).toEqual([['IBAN', iban]]);
  });

  it('does not mix spaces and dashes in one IBAN', () => {
    expect(found('IBAN DE89-3704 0044-0532 0130-00')).toEqual([]);
  });
});

describe('IPv6 with a zone id', () => {
  it.each([
    ['link-local fe80::1ff:fe23:4567:890a%en0.', 'fe80::1ff:fe23:4567:890a%en0'],
    ['via fe80::1%eth0, then', 'fe80::1%eth0'],
    ['addr fe80::abcd%12.', 'fe80::abcd%12'],
  ])('%j', (text, value) => {
    expect(found(text)).toEqual([['IP_ADDRESS', value]]);
  });
});

describe('false alarms that are gone', () => {
  it.each([
    'Firmware 3.17.1.151 is out',
    'updated to version 4.2.0.12 today',
    'build 10.0.190.41 failed',
    'kernel 5.15.0.91 panics',
    'User-Agent: Chrome/109.0.54.120 Safari/537.36',
  ])('a dotted version is not an address: %j', (text) => {
    expect(found(text)).toEqual([]);
  });

  it('still finds an address whose line mentions an update, when an IP word is nearer', () => {
    expect(found('after the update, server 3.17.1.151 is down')).toEqual([
      ['IP_ADDRESS', '3.17.1.151'],
    ]);
  });

  it.each(['logo@2x.png', 'icon@3x.webp', 'sprite@1.5x.jpg', 'hero@2x', 'bundle@1.2.3.js'])(
    'an asset name is not an email: %s',
    (asset) => {
      expect(found(`missing asset ${asset} in build`)).toEqual([]);
    },
  );

  it('still finds addresses on real domains', () => {
    expect(found('mail bob@42x.io or ana@2xample.com')).toEqual([
      ['EMAIL', 'bob@42x.io'],
      ['EMAIL', 'ana@2xample.com'],
    ]);
  });

  it.each([
    `ghp_${'x'.repeat(36)}`,
    `github_pat_${'X'.repeat(82)}`,
    'AKIAXXXXXXXXXXXXXXXX',
    `sk_live_${'0'.repeat(24)}`,
    `sk-${'x'.repeat(48)}`,
    `sk-proj-${'X'.repeat(40)}T3BlbkFJ${'X'.repeat(40)}`,
    `AIza${'x'.repeat(35)}`,
    `hf_${'x'.repeat(34)}`,
    `xoxb-123456789012-1234567890123-${'x'.repeat(24)}`,
    `glpat-${'glpat-'.repeat(4)}`,
    'aws_secret_access_key = AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
  ])('a placeholder is not a secret: %s', (placeholder) => {
    expect(found(`token: ${placeholder}`)).toEqual([]);
  });

  it.each([
    '-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----',
    '-----BEGIN PRIVATE KEY-----',
    'put it between -----BEGIN PRIVATE KEY----- and -----END PRIVATE KEY-----',
    '-----BEGIN OPENSSH PRIVATE KEY-----\n<your key here>\n-----END OPENSSH PRIVATE KEY-----',
  ])('PEM markers with no key body are not a key: %j', (text) => {
    expect(found(text)).toEqual([]);
  });

  it('a Luhn-valid 12-digit tail of a longer grouped reference number is not a card', () => {
    // Maestro (prefix 50) is the one network with 12-digit numbers.
    const tail = `501234567${'89'}`;
    const twelve = tail + luhnDigit(tail);
    const grouped = twelve.match(/.{4}/g)!.join(' ');
    expect(found(`card ${grouped}`)).toEqual([['CREDIT_CARD', grouped]]);
    expect(found(`reference 7782 ${grouped} ok`)).toEqual([]);
    expect(found(`ref 1234 5678 ${grouped}`)).toEqual([]);
  });

  it('two cards printed side by side are still two cards', () => {
    expect(found('4012888888881881 4012-8888-8888-1881 4012 8888 8888 1881')).toEqual([
      ['CREDIT_CARD', '4012888888881881'],
      ['CREDIT_CARD', '4012-8888-8888-1881'],
      ['CREDIT_CARD', '4012 8888 8888 1881'],
    ]);
  });

  it('redact() leaves versions, assets and placeholders alone', () => {
    const text = 'Firmware 3.17.1.151, logo@2x.png, AKIAXXXXXXXXXXXXXXXX';
    expect(redact(text)).toBe(text);
  });
});

describe('connection strings with passwords', () => {
  it.each([
    ['Server=db1;Database=orders;User Id=app;Password=S3cr3t!pass;', 'S3cr3t!pass'],
    ['host=db.internal port=5432 dbname=app user=svc password=hunter22x', 'hunter22x'],
    ['"Data Source=tcp:x.example.net;Initial Catalog=db;User ID=admin;Pwd=Qw3rty9!;"', 'Qw3rty9!'],
    ['DATABASE_URL=postgres://app:Pa55w0rd@db.internal:5432/app', 'app:Pa55w0rd'],
    ['mongodb+srv://ops:Zx81kPq0@cluster0.example.net/test', 'ops:Zx81kPq0'],
  ])('%j', (text, value) => {
    expect(found(text)).toEqual([['URL_CREDENTIALS', value]]);
  });

  it.each([
    'Server=db;Password={password};',
    'Server=db;User=a;Password=***;',
    'Server=db;User=a;Password=<secret>;',
    'reset your password=easy',
    'Password=abc with no connection key',
  ])('leaves templates and prose alone: %j', (text) => {
    expect(found(text)).toEqual([]);
  });
});
