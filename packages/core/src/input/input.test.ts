import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { createSecurity } from '../protect/create-security.js';
import {
  agentMessageSchema,
  checkMetadataBounds,
  checkToolArguments,
  createJsonDepthScanner,
  createMessageSchema,
  parseJsonWithLimits,
  readJsonBodyWithLimits,
  safeFileName,
  safeJoin,
  validateBody,
} from './index.js';

const enc = new TextEncoder();
const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'OK' : r.error!.code);

describe('agent message schema', () => {
  it('accepts chat text that talks about SQL and scripts (no keyword blacklist)', () => {
    const msg = {
      content: 'select * from users; drop table users; <script> is a tag',
      type: 'text',
    };
    expect(v.safeParse(agentMessageSchema, msg).success).toBe(true);
  });

  it('enforces length 1..10,000, the type list and unknown keys', () => {
    expect(v.safeParse(agentMessageSchema, { content: '', type: 'text' }).success).toBe(false);
    expect(
      v.safeParse(agentMessageSchema, { content: 'x'.repeat(10_001), type: 'text' }).success,
    ).toBe(false);
    expect(
      v.safeParse(agentMessageSchema, { content: 'x'.repeat(10_000), type: 'document' }).success,
    ).toBe(true);
    expect(v.safeParse(agentMessageSchema, { content: 'x', type: 'video' }).success).toBe(false);
    expect(
      v.safeParse(agentMessageSchema, { content: 'x', type: 'text', role: 'system' }).success,
    ).toBe(false);
  });

  it('bounds metadata depth, keys, string length and total size', () => {
    const schema = createMessageSchema({
      metadata: { maxDepth: 2, maxKeys: 3, maxStringLength: 5, maxTotalSize: 60 },
    });
    const ok = (metadata: unknown) =>
      v.safeParse(schema, { content: 'x', type: 'text', metadata }).success;
    expect(ok({ a: { b: 1 } })).toBe(true);
    expect(ok({ a: { b: { c: 1 } } })).toBe(false);
    expect(ok({ a: 1, b: 2, c: 3, d: 4 })).toBe(false);
    expect(ok({ a: 'toolong' })).toBe(false);
    expect(
      code(
        checkMetadataBounds(
          { a: 'x'.repeat(5), b: 'y'.repeat(5), c: ['z'.repeat(5), 'w'.repeat(5)] },
          { maxTotalSize: 30 },
        ),
      ),
    ).toBe('METADATA_TOO_LARGE');
    expect(code(checkMetadataBounds({ a: () => 1 }))).toBe('METADATA_INVALID_VALUE');
    expect(code(checkMetadataBounds({ a: Number.NaN }))).toBe('METADATA_INVALID_VALUE');
  });

  it('rejects nonsense options at construction', () => {
    expect(() => createMessageSchema({ minLength: 5, maxLength: 1 })).toThrow(/min <= max/);
  });
});

describe('tool-call arguments', () => {
  const schema = v.object({ city: v.pipe(v.string(), v.maxLength(50)) });
  it('accepts arguments that match the tool schema', () => {
    expect(checkToolArguments({ city: 'Oslo' }, schema)).toEqual({
      ok: true,
      value: { city: 'Oslo' },
    });
  });
  it('refuses oversized or mismatched arguments with codes', () => {
    expect(code(checkToolArguments({ city: 42 }, schema))).toBe('TOOL_ARGUMENTS_INVALID');
    let deep: unknown = 1;
    for (let i = 0; i < 20; i++) deep = { d: deep };
    expect(code(checkToolArguments(deep, schema))).toBe('METADATA_TOO_DEEP');
  });
});

describe('JSON body limits', () => {
  it('refuses deep bodies before parsing, ignoring brackets inside strings', () => {
    expect(code(parseJsonWithLimits(enc.encode('[[[[1]]]]'), { maxDepth: 3 }))).toBe(
      'BODY_TOO_DEEP',
    );
    expect(code(parseJsonWithLimits(enc.encode('{"a":"[[[[[[["}'), { maxDepth: 3 }))).toBe('OK');
    expect(code(parseJsonWithLimits(enc.encode('{"a":"\\"[[[[["}'), { maxDepth: 1 }))).toBe('OK');
  });
  it('refuses large, non-UTF-8 and invalid bodies', () => {
    expect(code(parseJsonWithLimits(enc.encode('"abcdef"'), { maxBytes: 4 }))).toBe(
      'BODY_TOO_LARGE',
    );
    expect(code(parseJsonWithLimits(new Uint8Array([0x22, 0xff, 0x22])))).toBe('BODY_NOT_UTF8');
    expect(code(parseJsonWithLimits(enc.encode('{a:1}')))).toBe('BODY_INVALID_JSON');
  });
  it('stops reading a stream as soon as a limit is passed', async () => {
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(enc.encode('['.repeat(10)));
      },
    });
    expect(code(await readJsonBodyWithLimits(stream, { maxDepth: 25 }))).toBe('BODY_TOO_DEEP');
    expect(pulled).toBeLessThan(6);
    const big = new ReadableStream<Uint8Array>({
      pull: (c) => c.enqueue(new Uint8Array(1000).fill(32)),
    });
    expect(code(await readJsonBodyWithLimits(big, { maxBytes: 2500 }))).toBe('BODY_TOO_LARGE');
  });
  it('feeds the depth scanner chunk by chunk', () => {
    const s = createJsonDepthScanner(2);
    expect(s.push(enc.encode('[['))).toBe(true);
    expect(s.push(enc.encode('['))).toBe(false);
  });
});

describe('safe paths', () => {
  it.each([
    ['../etc/passwd', 'PATH_TRAVERSAL'],
    ['a/../../b', 'PATH_TRAVERSAL'],
    ['%2e%2e/secret', 'PATH_ENCODED'],
    ['%252e%252e/secret', 'PATH_ENCODED'],
    ['..\\windows', 'PATH_BACKSLASH'],
    ['/etc/passwd', 'PATH_ABSOLUTE'],
    ['C:/Windows', 'PATH_ABSOLUTE'],
    ['c:evil', 'PATH_ABSOLUTE'],
    ['~/x', 'PATH_ABSOLUTE'],
    ['a\u0000.txt', 'PATH_NUL'],
    ['\uff0e\uff0e\uff0fsecret', 'PATH_TRAVERSAL'],
    ['\u2025/x', 'PATH_TRAVERSAL'],
    ['a\u2215..\u2215b', 'PATH_TRAVERSAL'],
    ['', 'PATH_EMPTY'],
  ])('safeJoin refuses %j with %s', (path, expected) => {
    expect(code(safeJoin('/srv/uploads', path))).toBe(expected);
  });

  it('joins clean relative paths under the base', () => {
    expect(safeJoin('/srv/uploads/', 'alice/./notes.txt')).toEqual({
      ok: true,
      value: '/srv/uploads/alice/notes.txt',
    });
    expect(code(safeJoin('relative', 'a'))).toBe('PATH_INVALID_BASE');
  });

  it('checks single file names', () => {
    expect(safeFileName('report 2024.pdf')).toEqual({ ok: true, value: 'report 2024.pdf' });
    expect(code(safeFileName('a/b.txt'))).toBe('PATH_TRAVERSAL');
    expect(code(safeFileName('CON.txt'))).toBe('PATH_RESERVED_NAME');
    expect(code(safeFileName('..'))).toBe('PATH_TRAVERSAL');
    expect(code(safeFileName('x'.repeat(256)))).toBe('PATH_TOO_LONG');
  });
});

describe('validateBody rule', () => {
  const request = (body: string) => ({
    method: 'POST',
    url: 'https://api.example.com/chat',
    headers: new Headers({ 'content-type': 'application/json' }),
    body: async () => enc.encode(body),
  });
  const security = createSecurity({
    rules: [validateBody({ schema: agentMessageSchema, maxBytes: 200, maxDepth: 4 })],
  });

  it('allows a valid message and publishes the parsed body', async () => {
    const d = await security.protect(request('{"content":"drop table users","type":"text"}'));
    expect(d.allowed).toBe(true);
    expect(d.state.body).toEqual({ content: 'drop table users', type: 'text' });
  });

  it('denies with codes and never echoes the body', async () => {
    expect((await security.protect(request('x'.repeat(300)))).code).toBe('BODY_TOO_LARGE');
    expect((await security.protect(request('x'.repeat(300)))).status).toBe(413);
    expect((await security.protect(request('[[[[[1]]]]]'))).code).toBe('BODY_TOO_DEEP');
    const bad = await security.protect(request('{"content":"secret-value","type":"video"}'));
    expect(bad.code).toBe('BODY_SCHEMA_INVALID');
    expect(JSON.stringify(bad)).not.toContain('secret-value');
  });
});

describe('properties', () => {
  const pathChars = fc.constantFrom(
    'a',
    'b',
    '.',
    '/',
    '\\',
    '%',
    '2',
    'e',
    ':',
    '~',
    '\u0000',
    '\uff0e',
    '\uff0f',
    '\u2024',
    ' ',
  );
  it('safeJoin never escapes the base and never keeps a ".." segment', () => {
    fc.assert(
      fc.property(fc.string({ unit: pathChars, maxLength: 24 }), (p) => {
        const r = safeJoin('/srv/base', p);
        if (!r.ok) return;
        expect(r.value.startsWith('/srv/base/')).toBe(true);
        const rest = r.value.slice('/srv/base/'.length).split('/');
        expect(rest.includes('..')).toBe(false);
        expect(rest.includes('')).toBe(false);
        expect(r.value.includes('\\')).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('parseJsonWithLimits never throws and agrees with JSON.parse on what it accepts', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        const r = parseJsonWithLimits(enc.encode(text), { maxDepth: 1000 });
        let parsed: unknown;
        let valid = true;
        try {
          parsed = JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(r.ok).toBe(valid);
        if (r.ok) expect(r.value).toEqual(parsed);
      }),
      { numRuns: 1000 },
    );
  });
});
