// Issue 15: input checks that could be walked around: a JSON body sent as a CORS "simple
// request" type, and path segments that another file system reads as a different name.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSecurity } from '../protect/create-security.js';
import { compileMediaTypes } from './media-type.js';
import { agentMessageSchema } from './message-schema.js';
import { safeFileName, safeJoin } from './safe-path.js';
import { validateBody } from './validate-body-rule.js';

const enc = new TextEncoder();
const code = (r: { ok: boolean; error?: { code: string } }) => (r.ok ? 'OK' : r.error!.code);

describe('validateBody requires a JSON media type', () => {
  const body = '{"content":"hello","type":"text"}';
  let reads = 0;
  const request = (contentType: string | undefined) => ({
    method: 'POST',
    url: 'https://api.example.com/chat',
    headers: new Headers(contentType === undefined ? {} : { 'content-type': contentType }),
    body: async () => {
      reads++;
      return enc.encode(body);
    },
  });
  const security = createSecurity({ rules: [validateBody({ schema: agentMessageSchema })] });

  it.each([
    'text/plain',
    'text/plain;charset=UTF-8',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'text/json',
    'application/jsonp',
    'application/json-seq',
    'application/json; charset=iso-8859-1',
    'application/json; charset="utf-16"',
    'application/json, text/plain',
    '',
    'json',
  ])('denies %j with 415 UNSUPPORTED_MEDIA_TYPE, before reading the body', async (ct) => {
    reads = 0;
    const d = await security.protect(request(ct));
    expect(d.allowed).toBe(false);
    expect(d.status).toBe(415);
    expect(d.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(d.message).not.toContain(ct || 'x-never');
    expect(reads).toBe(0);
  });

  it('denies a body without Content-Type (a Blob posted by a foreign page sends none)', async () => {
    const d = await security.protect(request(undefined));
    expect(d.status).toBe(415);
  });

  it.each([
    'application/json',
    'Application/JSON',
    'application/json; charset=utf-8',
    'application/json;charset="UTF-8"',
    ' application/json ',
    'application/json;', // an empty parameter is allowed by RFC 9110
    'application/problem+json',
    'application/merge-patch+json',
  ])('accepts %j', async (ct) => {
    const d = await security.protect(request(ct));
    expect(d.allowed).toBe(true);
    expect(d.state.body).toEqual({ content: 'hello', type: 'text' });
  });

  it('takes a configured list, or false to accept any', async () => {
    const only = createSecurity({
      rules: [
        validateBody({ schema: agentMessageSchema, contentTypes: ['application/vnd.api+json'] }),
      ],
    });
    expect((await only.protect(request('application/vnd.api+json'))).allowed).toBe(true);
    expect((await only.protect(request('application/json'))).status).toBe(415);
    const any = createSecurity({
      rules: [validateBody({ schema: agentMessageSchema, contentTypes: false })],
    });
    expect((await any.protect(request('text/plain'))).allowed).toBe(true);
    expect((await any.protect(request(undefined))).allowed).toBe(true);
  });

  it('refuses a malformed contentTypes list at construction', () => {
    const make = (contentTypes: string[]) => () =>
      validateBody({ schema: agentMessageSchema, contentTypes });
    expect(make([])).toThrow(/non-empty array of media types/);
    expect(make(['*/*'])).toThrow(/pass false/);
    expect(make(['json'])).toThrow(/not a media type/);
    expect(make(['application/js*n'])).toThrow(/only as/);
    // application/* would admit application/x-www-form-urlencoded, a form post.
    expect(make(['application/*'])).toThrow(/only as/);
  });
});

describe('the media type filter (property)', () => {
  it('never throws, and accepts only application/json or a +json type with a utf-8 charset if any', () => {
    const filter = compileMediaTypes(['application/json', 'application/*+json'], 'test');
    const unit = fc.constantFrom(
      'application',
      'text',
      '/',
      'json',
      '+json',
      'plain',
      ';',
      '=',
      'charset',
      'utf-8',
      'latin1',
      '"',
      ' ',
      ',',
      '\t',
      'A',
      '*',
    );
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit, maxLength: 12 }), fc.string()), (ct) => {
        if (!filter.accepts(ct)) return;
        const media = ct.split(';')[0]!.trim().toLowerCase();
        expect(
          media === 'application/json' ||
            (media.startsWith('application/') && media.endsWith('+json')),
        ).toBe(true);
        for (const p of ct.split(';').slice(1)) {
          const [name, value] = p.split('=');
          if (name?.trim().toLowerCase() === 'charset') {
            expect(value!.trim().replace(/"/g, '').toLowerCase()).toMatch(/^utf-?8$/);
          }
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('safeJoin refuses segments other file systems alias', () => {
  it.each([
    ['...', 'PATH_TRAVERSAL'],
    ['a/..../b', 'PATH_TRAVERSAL'],
    ['\uff0e\uff0e\uff0e/x', 'PATH_TRAVERSAL'], // fullwidth dots, NFKC-folded to '...'
    ['\u2026/x', 'PATH_TRAVERSAL'], // horizontal ellipsis, NFKC-folded to '...'
    ['secret.txt\uff0e', 'PATH_RESERVED_NAME'], // fullwidth trailing dot
    ['secret.txt.', 'PATH_RESERVED_NAME'],
    ['secret.txt ', 'PATH_RESERVED_NAME'],
    ['dir./file', 'PATH_RESERVED_NAME'],
    ['dir /file', 'PATH_RESERVED_NAME'],
    ['a/b\u3000', 'PATH_RESERVED_NAME'], // ideographic space, NFKC-folded to ' '
    ['a/b\u00a0', 'PATH_RESERVED_NAME'], // no-break space, likewise
    ['.. ', 'PATH_RESERVED_NAME'],
    ['foo::$DATA', 'PATH_ABSOLUTE'],
    ['a/b:stream', 'PATH_ABSOLUTE'],
    ['CON', 'PATH_RESERVED_NAME'],
    ['logs/NUL.txt', 'PATH_RESERVED_NAME'],
    ['aux.tar.gz', 'PATH_RESERVED_NAME'],
    ['com1 .log', 'PATH_RESERVED_NAME'],
    ['COM\u00b9', 'PATH_RESERVED_NAME'], // superscript one: Windows treats COM¹ as COM1
    ['lpt0', 'PATH_RESERVED_NAME'],
    ['CONIN$', 'PATH_RESERVED_NAME'],
    ['PROGRA~1/x', 'PATH_RESERVED_NAME'],
    ['docs/REPORT~2.PDF', 'PATH_RESERVED_NAME'],
    ['%2e%2e%2e/x', 'PATH_ENCODED'],
  ])('refuses %j with %s', (path, expected) => {
    expect(code(safeJoin('/srv/uploads', path))).toBe(expected);
  });

  it('still joins ordinary names, including dots and tildes inside them', () => {
    for (const p of [
      'a.b/c..d.txt',
      '.env.example',
      'notes~draft.md',
      'console/log.txt',
      'con-figs/x',
    ]) {
      expect(code(safeJoin('/srv/uploads', p))).toBe('OK');
    }
  });

  it('safeFileName applies the same rules', () => {
    expect(code(safeFileName('...'))).toBe('PATH_TRAVERSAL');
    expect(code(safeFileName('report.pdf '))).toBe('PATH_RESERVED_NAME');
    expect(code(safeFileName('PRN.log'))).toBe('PATH_RESERVED_NAME');
    expect(code(safeFileName('LONGNA~1.TXT'))).toBe('PATH_RESERVED_NAME');
  });

  it('no joined segment is dot-only or ends in a dot or space (property)', () => {
    const unit = fc.constantFrom('a', '.', ' ', '/', '~', '1', '\uff0e', '\u3000', 'n', 'u', 'l');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 20 }), (p) => {
        const r = safeJoin('/srv/base', p);
        if (!r.ok) return;
        for (const seg of r.value.slice('/srv/base/'.length).split('/')) {
          expect(/^\.+$/.test(seg)).toBe(false);
          expect(seg.endsWith('.') || seg.endsWith(' ')).toBe(false);
          expect(['nul', 'con'].includes(seg.split('.')[0]!.trimEnd().toLowerCase())).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
