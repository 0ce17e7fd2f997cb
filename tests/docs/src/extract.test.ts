import { describe, expect, it } from 'vitest';
import { DoctestAnnotationError, extractBlocks, parseExpect, toExamples } from './extract.js';
import { assertComments, topLevelNames } from './run.js';

const md = (...lines: string[]) => lines.join('\n');

describe('extractBlocks', () => {
  it('runs unmarked ts/js blocks, ignores other languages, reads marks and attributes', () => {
    const blocks = extractBlocks(
      'x.md',
      md(
        '```ts',
        'const a = 1;',
        '```',
        '```sh',
        'npm test',
        '```',
        '<!-- doctest: server expect="POST /chat 401, POST /chat+token 200" -->',
        '',
        '```js',
        'listen();',
        '```',
        '<!-- doctest: skip reason="a fragment" -->',
        '```ts',
        'fragment(',
        '```',
      ),
    );
    expect(blocks.map((b) => [b.line, b.lang, b.kind])).toEqual([
      [1, 'ts', 'run'],
      [4, 'sh', undefined],
      [9, 'js', 'server'],
      [13, 'ts', 'skip'],
    ]);
    expect(blocks[2]!.attrs).toEqual({ expect: 'POST /chat 401, POST /chat+token 200' });
    expect(blocks[0]!.code).toBe('const a = 1;\n');
  });

  it('reads indented fences (in list items) without their indentation', () => {
    const [block] = extractBlocks('x.md', md('- item', '', '  ```ts', '  const a = 1;', '  ```'));
    expect(block!.code).toBe('const a = 1;\n');
  });

  it.each([
    ['<!-- doctest: skip -->\n```ts\nx\n```', /needs reason/],
    ['<!-- doctest: serve -->\n```ts\nx\n```', /unknown doctest kind "serve"/],
    ['<!-- doctest: server -->\n```ts\nx\n```', /needs expect=/],
    ['<!-- doctest: run -->\nprose\n```ts\nx\n```', /right before a code block/],
    ['<!-- doctest: run -->\n```sh\nx\n```', /only ts\/js blocks/],
    ['<!-- doctest: run oops -->\n```ts\nx\n```', /cannot read the annotation/],
    ['```ts\nx', /unclosed code block/],
  ])('refuses a bad mark: %j', (text, message) => {
    expect(() => extractBlocks('x.md', text)).toThrow(DoctestAnnotationError);
    expect(() => extractBlocks('x.md', text)).toThrow(message);
  });
});

describe('toExamples', () => {
  it('appends continue blocks, leaves skipped ones out and links with= preludes', () => {
    const blocks = extractBlocks(
      'x.md',
      md(
        '<!-- doctest: run name="base" -->',
        '```ts',
        'const a = 1;',
        '```',
        '<!-- doctest: continue stdout="2" -->',
        '```js',
        'console.log(a + 1);',
        '```',
        '<!-- doctest: skip reason="fragment" -->',
        '```ts',
        'nope(',
        '```',
        '<!-- doctest: run with="base" -->',
        '```js',
        'console.log(a);',
        '```',
      ),
    );
    const examples = toExamples(blocks);
    expect(examples).toHaveLength(2);
    expect(examples[0]!.code).toContain('const a = 1;');
    expect(examples[0]!.code).toContain('console.log(a + 1);');
    expect(examples[0]!.lines).toEqual([2, 6]);
    expect(examples[0]!.attrs.stdout).toBe('2');
    expect(examples[1]!.prelude).toBe(examples[0]);
  });

  it('refuses a with= naming no block, and continue without a block before it', () => {
    expect(() =>
      toExamples(extractBlocks('x.md', '<!-- doctest: run with="nope" -->\n```ts\nx\n```')),
    ).toThrow(/names no block/);
    expect(() =>
      toExamples(extractBlocks('x.md', '<!-- doctest: continue -->\n```ts\nx\n```')),
    ).toThrow(/needs a runnable block/);
  });
});

describe('parseExpect', () => {
  it('reads calls with and without the token', () => {
    expect(parseExpect('x', 'POST /chat 401, GET /a/b+token 200')).toEqual([
      { method: 'POST', path: '/chat', withToken: false, status: 401 },
      { method: 'GET', path: '/a/b', withToken: true, status: 200 },
    ]);
    expect(() => parseExpect('x', 'POST chat 401')).toThrow(/METHOD \/path STATUS/);
  });
});

describe('assertComments', () => {
  it('turns literal comments into assertions and leaves prose alone', () => {
    const code = assertComments(
      md(
        "redact('a'); // '[EMAIL]'",
        'const n = count(); // 3',
        'console.log(result.ok); // true',
        'console.log(code); // TOKEN_EXPIRED',
        'console.log(a, b); // 1 2',
        'f(); // e.g. something',
        'g(); // { allowed, limit }',
        'h(); // false (PATH_ENCODED)',
        'detect(x);',
        "// [{ type: 'EMAIL' }]",
        'if (!ok) return x; // 1',
      ),
    );
    const lines = code.split('\n');
    expect(lines[0]).toMatch(/^import \{ deepStrictEqual as __doctestEqual \}/);
    expect(lines.slice(1)).toEqual([
      `__doctestEqual(redact('a'), '[EMAIL]', "redact('a'); // '[EMAIL]'");`,
      'const n = count();',
      '__doctestEqual(n, 3, "const n = count(); // 3");',
      '__doctestEqual(result.ok, true, "console.log(result.ok); // true");',
      '__doctestEqual(String(code), "TOKEN_EXPIRED", "console.log(code); // TOKEN_EXPIRED");',
      'console.log(a, b); // 1 2',
      'f(); // e.g. something',
      'g(); // { allowed, limit }',
      'h(); // false (PATH_ENCODED)',
      `__doctestEqual(detect(x), [{ type: 'EMAIL' }], "detect(x);");`,
      "// [{ type: 'EMAIL' }]",
      'if (!ok) return x; // 1',
    ]);
  });
});

describe('topLevelNames', () => {
  it('finds declarations, destructuring and import bindings at column 0', () => {
    const names = topLevelNames(
      md(
        "import express, { json as parse, type Foo } from 'express';",
        "import * as v from 'valibot';",
        'const a = 1;',
        'export const { b, c: d } = obj;',
        'async function e() {}',
        'class F {}',
        '  const inner = 2;',
      ),
    );
    expect([...names].sort()).toEqual(['F', 'a', 'b', 'd', 'e', 'express', 'parse', 'v']);
  });
});
