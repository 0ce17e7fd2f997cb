import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBase64, encodeHex, utf8 } from '../internal/bytes.js';
import { createCanary, createLeakDetector, type Leak } from './leak-detector.js';

const canary = createCanary('bot-v1');
const secret = { id: 'stripe', value: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc' };
const instructions =
  'You are the billing assistant of Example Corp. Never reveal internal discount codes. ' +
  'Always answer in a friendly tone and escalate refunds above one hundred dollars to a human agent.';
const detector = createLeakDetector({ canaries: [canary], secrets: [secret], instructions });
const scan = (text: string): readonly Leak[] => {
  const r = detector.scan(text);
  if (!r.ok) throw new Error(r.error.code);
  return r.value;
};
const canaryEncodings = (text: string) =>
  scan(text)
    .filter((l) => l.kind === 'canary')
    .map((l) => (l as { encoding: string }).encoding);

describe('createCanary', () => {
  it('makes a random 26-character token and an instruction that carries it', () => {
    const a = createCanary('x');
    expect(a.token).toMatch(/^cn[a-z0-9]{24}$/);
    expect(a.instruction).toContain(a.token);
    expect(createCanary('x').token).not.toBe(a.token);
    expect(() => createCanary('')).toThrow(/label/);
  });
});

describe('createLeakDetector: canaries', () => {
  const t = canary.token;
  it('finds the canary as is, in any case, spaced out, punctuated or across lines', () => {
    expect(canaryEncodings(`the ref is ${t}.`)).toEqual(['plain']);
    expect(canaryEncodings(t.toUpperCase())).toEqual(['plain']);
    expect(canaryEncodings([...t].join(' '))).toEqual(['plain']);
    expect(canaryEncodings([...t].join('-\n'))).toEqual(['plain']);
    expect(canaryEncodings([...t].join('\u200b'))).toEqual(['plain']);
  });

  it('finds it reversed, base64 (any alignment, base64url) and hex', () => {
    expect(canaryEncodings([...t].reverse().join(''))).toEqual(['reversed']);
    for (const pre of ['', 'a', 'ab', 'abc']) {
      const b64 = encodeBase64(utf8(`${pre}secret ref ${t} end`));
      expect(canaryEncodings(`decoded: ${b64}`), pre).toContain('base64');
      expect(canaryEncodings(`x${b64.replace(/\+/g, '-').replace(/\//g, '_')}`), pre).toContain(
        'base64',
      );
    }
    expect(canaryEncodings(`0x${encodeHex(utf8(`ref=${t}`))}`)).toContain('hex');
    expect(canaryEncodings(encodeHex(utf8(`!${t}`)).toUpperCase())).toContain('hex');
  });

  it('does not report ordinary text', () => {
    expect(
      scan('Here is your summary: revenue grew 12% in Q3. SGVsbG8gd29ybGQh deadbeefcafebabe'),
    ).toEqual([]);
  });

  it('survives every chunking of the stream (property)', () => {
    const forms = fc.constantFrom<(s: string) => string>(
      (s) => s,
      (s) => [...s].join(' '),
      (s) => s.toUpperCase(),
      (s) => [...s].reverse().join(''),
      (s) => encodeBase64(utf8(`leak:${s}`)),
      (s) => encodeHex(utf8(`leak:${s}`)),
    );
    const filler = fc.stringMatching(/^[a-z ,.]{0,40}$/);
    fc.assert(
      fc.property(
        filler,
        forms,
        filler,
        fc.array(fc.nat(), { maxLength: 12 }),
        (before, form, after, cuts) => {
          const text = `${before} ${form(canary.token)} ${after}`;
          const whole = scan(text).filter((l) => l.kind === 'canary');
          expect(whole.length).toBeGreaterThan(0);
          // Cut the text at arbitrary points (single characters included) and stream it.
          const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
          const s = detector.stream();
          let last = 0;
          for (const p of [...points, text.length]) {
            s.push(text.slice(last, p));
            last = p;
          }
          s.push(' ');
          const streamed = s.leaks.filter((l) => l.kind === 'canary');
          expect(new Set(streamed.map((l) => JSON.stringify(l)))).toEqual(
            new Set(whole.map((l) => JSON.stringify(l))),
          );
        },
      ),
      { numRuns: 600 },
    );
  });

  it('streams one character at a time', () => {
    const s = detector.stream();
    const text = `ok ${encodeBase64(utf8(canary.token))} and ${secret.value.slice(5, 20)}`;
    for (const ch of text) s.push(ch);
    expect(s.leaks.map((l) => l.kind).sort()).toEqual(['canary', 'secret']);
  });
});

describe('createLeakDetector: secrets and the system prompt', () => {
  it('finds any 12-character fragment of a registered secret, and names it without its value', () => {
    const leaks = scan(`the key starts ${secret.value.slice(8, 20)} ok`);
    expect(leaks).toEqual([{ kind: 'secret', id: 'stripe', length: 12 }]);
    expect(JSON.stringify(leaks)).not.toContain(secret.value.slice(8, 20));
    expect(scan(`short ${secret.value.slice(8, 19)} only`)).toEqual([]);
  });

  it('finds reuse of the instructions by word n-grams, whatever the punctuation and case', () => {
    const leaks = scan(
      'Sure! My rules: "never REVEAL internal discount codes; always answer in a friendly tone and escalate refunds"',
    );
    expect(leaks).toHaveLength(1);
    expect(leaks[0]).toMatchObject({ kind: 'system-prompt' });
    expect((leaks[0] as { matched: number }).matched).toBeGreaterThanOrEqual(3);
    expect(scan('I can help with billing questions and refunds in a friendly way.')).toEqual([]);
  });

  it('refuses bad input and bad configuration', () => {
    expect(detector.scan(1 as unknown as string)).toMatchObject({
      ok: false,
      error: { code: 'LEAK_INPUT_INVALID' },
    });
    expect(createLeakDetector({ maxLength: 5 }).scan('abcdef')).toMatchObject({
      ok: false,
      error: { code: 'LEAK_INPUT_TOO_LARGE' },
    });
    expect(() => createLeakDetector({ secrets: [{ id: 'x', value: 'short' }] })).toThrow(
      /12 characters/,
    );
    expect(() => createLeakDetector({ canaries: [{ id: 'x', token: 'abc' }] })).toThrow(/16\+/);
    expect(() => createLeakDetector({ ngram: 1 })).toThrow(RangeError);
  });
});
