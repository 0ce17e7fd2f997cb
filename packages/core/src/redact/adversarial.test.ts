import { describe, expect, it } from 'vitest';
import { detect } from './detect.js';
import { redact } from './redact.js';
import { createIncrementalRedactor } from './stream.js';

const N = 100_000;
const fill = (unit: string, tail = ''): string =>
  unit.repeat(Math.ceil((N - tail.length) / unit.length)) + tail;

// Inputs built to make each detector's handler do the most work per character: long runs of
// the characters it expands over, repeated triggers, unterminated candidates. Each must finish
// (the suite's 5 s test timeout is the guard against anything superlinear) with the right answer.
const CASES: [string, string, number][] = [
  ['email: local-part characters then @', fill('a.'), 0],
  ['email: many @', fill('a@'), 0],
  ['email: a domain that never ends', `x@${fill('a.')}`, 0],
  ['url credentials: userinfo that never finds ://', fill('a:b'), 0],
  ['url credentials: many schemes', fill('h://u:p@'), Math.ceil(N / 8) - 1],
  ['digits: spaced single digits', fill('1 '), 0],
  ['digits: dashes', fill('1-'), 0],
  ['digits: card groups without Luhn', fill('4111 '), 0],
  ['digits: plus signs', fill('+1 '), 0],
  ['digits: parentheses', fill('(1) '), 0],
  ['ip: dotted digits', fill('1.'), 0],
  ['ipv6: colons', fill(':'), 0],
  ['ipv6: hex and colons', fill('a:'), 0],
  ['ipv6: many compressions', fill('fe80::'), 0],
  ['ipv6: zone markers', fill('::1%'), 0],
  ['iban: country letters and digits', fill('DE89 '), 0],
  // A header with no key body is a marker, not a key (documentation, templates).
  ['pem: headers without footers', fill('-----BEGIN PRIVATE KEY-----'), 0],
  ['pem: headers with a short body', fill('-----BEGIN PRIVATE KEY-----\nMIIE\n'), 0],
  ['pem: BEGIN and nothing else', fill('-----BEGIN '), 0],
  ['jwt: header prefixes', fill('eyJ'), 0],
  ['jwt: dots', fill('eyJa.'), 0],
  ['github: prefixes', fill('ghp_'), 0],
  ['slack: prefixes', fill('xoxb-'), 0],
  ['stripe: prefixes', fill('sk_live_'), 0],
  ['aws: key id prefixes', fill('AKIA'), 0],
  ['aws: secret cues', fill('secret '), 0],
  ['aws: a cue then base64 that never stops', `secret ${fill('aB1/')}`, 0],
  [
    'jaf keys: underscores in long words',
    fill('a_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'),
    0,
  ],
  ['openai/anthropic: sk- prefixes', fill('sk-'), 0],
  ['openai: a body that never ends', `sk-proj-${fill('aB1-')}`, 0],
  ['google: prefixes', fill('AIza'), 0],
  ['gitlab: prefixes', fill('glpat-'), 0],
  ['gitlab: dotted segments', `glpat-${fill('a.')}`, 0],
  ['sendgrid: prefixes', fill('SG.'), 0],
  ['twilio: prefixes', fill('SK0'), 0],
  ['databricks: prefixes', fill('dapi'), 0],
  ['discord: base64 snowflakes', fill('MTAx.'), 0],
  ['discord: many dots', fill('MTIzNDU2Nzg5MDEyMzQ1Njc4OTAx.abcdef.'), 0],
  ['key cues: provider names before key', fill('azure_key='), 0],
  ['key cues: long values', `MISTRAL_API_KEY=${fill('a')}`, 0],
  ['telegram: bot ids', fill('12345678:AA'), 0],
  ['connection strings: password keys', fill('Password='), 0],
  ['connection strings: a value that never ends', `Server=x;Password=${fill('a')}`, 0],
  ['underscore providers: prefixes', fill('hf_aaaaaaaaaaaaaaaaaaaa '), 0],
  ['placeholders: long runs', fill('ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx '), 0],
  ['normalization: zero-width everywhere', fill('1\u200b'), 0],
  ['normalization: fullwidth digits', fill('１ '), 0],
];

describe('adversarial 100 KB inputs', () => {
  it.each(CASES)('%s', (_label, text, expected) => {
    expect(text.length).toBeGreaterThanOrEqual(N);
    expect(detect(text).length).toBe(expected);
    expect(redact(text).length).toBeGreaterThan(0);
  });

  it('streams an adversarial input in small chunks with the same output', () => {
    const text = fill('4111 1111 ');
    const r = createIncrementalRedactor();
    let out = '';
    for (let i = 0; i < text.length; i += 97) out += r.push(text.slice(i, i + 97));
    expect(out + r.end()).toBe(redact(text));
  });
});
