import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redact } from './redact.js';
import { OPENAI_CHAT_SSE, redactSseResponse, redactSseStream } from './sse.js';
import { createIncrementalRedactor, createRedactionStream } from './stream.js';

const runChunks = (chunks: string[], batchSize?: number): string => {
  const r = createIncrementalRedactor({ batchSize });
  let out = '';
  for (const c of chunks) out += r.push(c);
  return out + r.end();
};

const splitAt = (text: string, cuts: number[]): string[] => {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let at = 0;
  for (const p of points) {
    out.push(text.slice(at, p));
    at = p;
  }
  out.push(text.slice(at));
  return out;
};

const PIECES = [
  'ana@example.com',
  'https://u:p4ss@host.io/x',
  '4111 1111 1111 1111',
  '536-22-1234',
  '+44 20 7946 0958',
  '(415) 555-2671',
  '10.1.2.3',
  '2001:db8::1',
  'fe80::1%eth0',
  'DE89 3704 0044 0532 0130 00',
  'AKIAIOSFODNN7EXAMPLE',
  'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
  'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
  '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----',
  'secret: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  // Provider keys (issue 15), cue words and the punctuation around values.
  'sk-proj-Xq9Lm2Rt7Vb4Nc8Kd1Zs5Wf3Hg6Jp0Ty2Ue4Io7PaT3BlbkFJQw8Er5Ty1Ui3Op6As9Df2Gh4Jk7Lz0Xc',
  'sk-ant-api03-Ab3Cd5Ef7Gh9Ij1Kl3Mn5Op7Qr9St1Uv3Wx5Yz7Ab9Cd1Ef3Gh5Ij7Kl9Mn1Op3Qr5AA',
  'AIzaSyB3k9Qw7Er5Ty1Ui3Op6As9Df2Gh4Jk7Lz',
  'hf_AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh',
  'AZURE_OPENAI_API_KEY=9f86d081884c7d659a2feaa0c55ad015',
  'api-key: 9f86d081884c7d659a2feaa0c55ad015',
  'MTIzNDU2Nzg5MDEyMzQ1Njc4.Gh4Jk7.Lz0Xc9Vb8Nm7Qw6Er5Ty4Ui3Op2As1D',
  '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw9',
  'glpat-Ab3Cd5Ef7Gh9Ij1Kl3Mn',
  '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',
  'dapi0a1b2c3d4e5f60718293a4b5c6d7e8f9',
  'Server=db;User Id=app;Password=S3cr3t!pass;',
  'password=',
  'Firmware 3.17.1.151',
  'logo@2x.png',
  'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
  '(',
  ')',
  '[',
  '_',
  'key',
  'KEY=',
  'hello',
  'the',
  ' ',
  ' ',
  '\n',
  '-',
  '.',
  ':',
  '@',
  '1',
  '12',
  'x',
  '😀',
  '你好',
  '\u200b',
  '５',
  'phone ',
  'ssn ',
  'order #',
];

describe('streaming redactor', () => {
  it('catches a card split across chunks', () => {
    expect(runChunks(['card 4111 11', '11 1111 1', '111 thanks'])).toBe(
      'card [CREDIT_CARD] thanks',
    );
  });

  it('gives the same output as whole-text redaction for every chunking (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (parts, cuts) => {
          const text = parts.join('');
          expect(runChunks(splitAt(text, cuts))).toBe(redact(text));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('gives the same output when every chunk is scanned at once (batchSize 1, property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (parts, cuts) => {
          const text = parts.join('');
          expect(runChunks(splitAt(text, cuts), 1)).toBe(redact(text));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('gives the same output when fed one character at a time', () => {
    const text = PIECES.join(' x ');
    expect(runChunks([...text])).toBe(redact(text));
    expect(runChunks([...text], 1)).toBe(redact(text));
  });

  it('holds back only a bounded tail on clean text', () => {
    const r = createIncrementalRedactor();
    let out = '';
    for (let i = 0; i < 200; i++) out += r.push('plain words flowing by ');
    // At most one batch (128) plus the word being written.
    expect(200 * 23 - out.length).toBeLessThanOrEqual(128 + 23);
  });

  it('refuses a redactor that createRedactor did not make, and options out of range', () => {
    const fake = { redact: (t: string) => t, detect: () => [] };
    expect(() => createIncrementalRedactor({ redactor: fake })).toThrow(/createRedactor/);
    expect(() => createIncrementalRedactor({ batchSize: 0 })).toThrow(/batchSize/);
    expect(() => createIncrementalRedactor({ maxHoldBack: 10 })).toThrow(/maxHoldBack/);
  });

  it('works as a TransformStream', async () => {
    const source = new ReadableStream<string>({
      start(c) {
        c.enqueue('write to ana@exa');
        c.enqueue('mple.com please');
        c.close();
      },
    });
    let out = '';
    const reader = source.pipeThrough(createRedactionStream()).getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      out += value;
    }
    expect(out).toBe('write to [EMAIL] please');
  });
});

const bytes = (parts: string[]): ReadableStream<Uint8Array> => {
  const enc = new TextEncoder();
  return new ReadableStream({
    start(c) {
      for (const p of parts) c.enqueue(enc.encode(p));
      c.close();
    },
  });
};

describe('SSE redaction', () => {
  it('gives the same events for CRLF line ends at every chunk boundary', async () => {
    const whole =
      'event: delta\r\ndata: mail ana@example.com now\r\n\r\nevent: delta\r\ndata: ok\r\n\r\n';
    const expected = await new Response(redactSseStream(bytes([whole]))).text();
    // Both events keep their event field with their data, and the address is redacted.
    expect(expected.split('event: delta\ndata: ')).toHaveLength(3);
    expect(expected).toContain('[EMAIL]');
    expect(expected).not.toContain('ana@');
    for (let i = 1; i < whole.length; i++) {
      const split = bytes([whole.slice(0, i), whole.slice(i)]);
      expect(await new Response(redactSseStream(split)).text()).toBe(expected);
    }
  });

  it('stops with an error, leaking nothing, when an event never ends within maxEventLength', async () => {
    const parts = ['data: ok\n\n'];
    for (let i = 0; i < 50; i++) parts.push(`data: secret ana${i}@example.com filler filler\n`);
    const reader = redactSseStream(bytes(parts), { maxEventLength: 1000 }).getReader();
    const seen: string[] = [];
    const dec = new TextDecoder();
    const failure = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return undefined;
        seen.push(dec.decode(value));
      }
    })().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RangeError);
    expect(String((failure as Error).message)).toMatch(/maxEventLength \(1000 characters\)/);
    expect(String((failure as Error).message)).not.toContain('ana');
    // The complete first event went out (its text may be held back as the redactor's tail);
    // nothing of the unfinished one did.
    expect(seen.join('')).toMatch(/^data: (ok)?\n\n$/);
    expect(() => redactSseStream(bytes([]), { maxEventLength: 0 })).toThrow(RangeError);
  });

  it('redacts plain-text event data split across events', async () => {
    const body = bytes(['data: card 4111 11\n\n', 'data: 11 1111 1111 ok\n', '\n']);
    const text = await new Response(redactSseStream(body)).text();
    const data = text
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(6))
      .join('');
    expect(data).toBe('card [CREDIT_CARD] ok');
    expect(text).not.toContain('4111');
  });

  it('redacts OpenAI chat chunks and flushes before [DONE]', async () => {
    const chunk = (content: string) =>
      `data: ${JSON.stringify({ choices: [{ delta: { content } }] })}\n\n`;
    const res = new Response(
      bytes([chunk('mail ana@'), chunk('example.com'), 'data: [DONE]\n\n']),
      {
        headers: { 'content-type': 'text/event-stream', 'content-length': '999' },
      },
    );
    const out = redactSseResponse(res, { codec: OPENAI_CHAT_SSE });
    expect(out.headers.get('content-length')).toBeNull();
    const text = await out.text();
    const contents = text
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map(
        (l) =>
          (JSON.parse(l.slice(6)) as { choices: { delta: { content: string } }[] }).choices[0]!
            .delta.content,
      );
    expect(contents.join('')).toBe('mail [EMAIL]');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(text).not.toContain('example.com');
  });
});
