// The public API of each packed package (every exports-map subpath: names and declared
// types, from the packed .d.ts) against the committed snapshot in api/<package>.api.txt.
// After an intended API change: `npx vitest run -u` here, then review and commit the diff.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { tarballPackage, unpackInto } from '../lib/packed.js';
import { extractPublicApi, PublicApiError, typesEntries } from '../lib/public-api.js';

const packed = inject('packed');
const fallbackDirs = new Map(packed.map((p) => [p.name, p.dir]));
let root = '';

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'jaf-sec-api-'));
  for (const p of packed) unpackInto(root, tarballPackage(p));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('public API snapshot', () => {
  for (const p of packed) {
    it(`${p.name} matches api/${p.name.split('/')[1]}.api.txt`, async () => {
      const api = extractPublicApi({ root, name: p.name, fallbackDirs });
      await expect(api).toMatchFileSnapshot(`../api/${p.name.split('/')[1]}.api.txt`);
    });
  }
});

describe('extractPublicApi', () => {
  function fixtureRoot(dts: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'jaf-sec-api-fx-'));
    const pkg = join(dir, 'node_modules', 'fx');
    unpackInto(dir, {
      listFiles: () => ['/node_modules/fx/package.json', '/node_modules/fx/index.d.ts'],
      readFile: (f: string) =>
        f.endsWith('package.json')
          ? JSON.stringify({
              name: 'fx',
              type: 'module',
              exports: { '.': { types: './index.d.ts', default: './index.js' } },
            })
          : dts,
    } as never);
    writeFileSync(join(pkg, 'index.js'), '');
    return dir;
  }

  const describeFx = (dts: string) => {
    const dir = fixtureRoot(dts);
    try {
      return extractPublicApi({ root: dir, name: 'fx', fallbackDirs: new Map() });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('lists names with their signatures, members and expansions, sorted', () => {
    const api = describeFx(
      [
        'interface Hidden { readonly a: string; b?(x: number): void }',
        'export interface Shown extends Hidden { c: Hidden }',
        'export type Code = "A" | "B";',
        'export declare function make(code: Code, n?: number): Shown;',
        'export declare const LIMIT: 3;',
        'export declare class Oops extends Error { constructor(ms: number); readonly ms: number }',
        'export {};',
      ].join('\n'),
    );
    expect(api).toBe(
      [
        '# fx',
        '',
        '## .',
        '',
        "type Code = 'A' | 'B'",
        'const LIMIT: 3',
        'class Oops extends Error',
        '  constructor(ms: number): Oops',
        '  readonly ms: number',
        'interface Shown extends Hidden',
        '  readonly a: string',
        '  b?(x: number): void',
        '  c: Hidden',
        'function make(code: Code, n?: number): Shown',
        '',
      ].join('\n'),
    );
  });

  it('changes when a parameter type changes (what the snapshot guards)', () => {
    const before = describeFx('export declare function f(a: string): void;');
    const after = describeFx('export declare function f(a: string | number): void;');
    expect(before).not.toBe(after);
    expect(after).toContain('function f(a: string | number): void');
  });

  it('refuses a package whose .d.ts imports a module it cannot resolve', () => {
    expect(() => describeFx("export { x } from 'not-installed-anywhere';")).toThrow(PublicApiError);
  });

  it('reads the types entry of every subpath and skips package.json', () => {
    expect(
      typesEntries({
        exports: {
          '.': { types: './dist/index.d.ts', default: './dist/index.js' },
          './a': { types: './dist/a.d.ts', default: './dist/a.js' },
          './package.json': './package.json',
        },
      }),
    ).toEqual(
      new Map([
        ['.', './dist/index.d.ts'],
        ['./a', './dist/a.d.ts'],
      ]),
    );
    expect(() => typesEntries({})).toThrow(PublicApiError);
  });
});
