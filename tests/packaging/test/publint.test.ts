// publint (strict: warnings count as errors) over each packed tarball.
import { describe, expect, inject, it } from 'vitest';
import { publintFindings } from '../lib/checks.js';
import { readTarball } from '../lib/packed.js';
import { makeTarball } from './tarball-fixture.js';

const packed = inject('packed');

describe('publint strict', () => {
  for (const p of packed) {
    it(`${p.name}: no error, no warning`, async () => {
      expect(await publintFindings({ tarball: readTarball(p) })).toEqual([]);
    });
  }

  it('reports a broken package (export pointing at an unpublished file, types not first)', async () => {
    const manifest = {
      name: 'broken',
      version: '1.0.0',
      type: 'module',
      exports: { '.': { default: './dist/index.js', types: './dist/index.d.ts' } },
    };
    const findings = await publintFindings({
      files: [
        { name: 'package/package.json', data: JSON.stringify(manifest) },
        { name: 'package/dist/index.d.ts', data: 'export declare const x: number;\n' },
      ],
    });
    expect(findings.map((f) => f.code).sort()).toEqual([
      'EXPORTS_DEFAULT_SHOULD_BE_LAST',
      'EXPORTS_TYPES_SHOULD_BE_FIRST',
      'FILE_DOES_NOT_EXIST',
    ]);
    expect(findings.every((f) => f.type === 'error')).toBe(true);
  });

  it('reads a tarball, and strict mode raises warnings to errors', async () => {
    // "types" after "import": an error (types should come first) and, without strict, a
    // warning (EXPORTS_TYPES_INVALID_FORMAT) that strict mode reports as an error.
    const manifest = {
      name: 'broken',
      version: '1.0.0',
      type: 'module',
      exports: { '.': { import: './index.js', types: './index.d.ts' } },
    };
    const tarball = makeTarball({
      'package.json': JSON.stringify(manifest),
      'index.js': 'export const x = 1;\n',
      'index.d.ts': 'export declare const x: number;\n',
    });
    const findings = await publintFindings({ tarball });
    expect(findings.map((f) => [f.code, f.type]).sort()).toEqual([
      ['EXPORTS_TYPES_INVALID_FORMAT', 'error'],
      ['EXPORTS_TYPES_SHOULD_BE_FIRST', 'error'],
    ]);
  });
});
