// publint (strict: warnings count as errors) over each packed tarball.
import { describe, expect, inject, it } from 'vitest';
import { publintFindings } from '../lib/checks.js';
import { readTarball } from '../lib/packed.js';

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
});
