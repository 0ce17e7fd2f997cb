// arethetypeswrong over each packed tarball, with the ESM-only profile: the packages are ESM
// only (documented in each README), so node16-cjs (require from CommonJS) and node10 (no
// exports map support) are not checked; node16-esm and bundler are.
import { Package } from '@arethetypeswrong/core';
import { describe, expect, inject, it } from 'vitest';
import { esmOnlyTypeProblems } from '../lib/checks.js';
import { tarballPackage } from '../lib/packed.js';

const packed = inject('packed');

function fixture(exportsMap: unknown, files: Record<string, string>): Package {
  const manifest = { name: 'fx', version: '1.0.0', type: 'module', exports: exportsMap };
  const all: Record<string, string> = { 'package.json': JSON.stringify(manifest), ...files };
  return new Package(
    Object.fromEntries(Object.entries(all).map(([k, v]) => [`/node_modules/fx/${k}`, v])),
    'fx',
    '1.0.0',
  );
}

describe('arethetypeswrong, ESM-only profile', () => {
  for (const p of packed) {
    it(`${p.name}: types resolve for node16-esm and bundler`, async () => {
      expect(await esmOnlyTypeProblems(tarballPackage(p))).toEqual([]);
    });
  }

  it('ignores only what the profile ignores: CJS require of an ESM-only package', async () => {
    const ok = fixture(
      { '.': { types: './index.d.ts', default: './index.js' } },
      { 'index.js': 'export const x = 1;\n', 'index.d.ts': 'export declare const x: number;\n' },
    );
    expect(await esmOnlyTypeProblems(ok)).toEqual([]);
  });

  it('reports types that do not resolve under node16-esm and bundler', async () => {
    const broken = fixture(
      { '.': { types: './missing.d.ts', default: './index.js' } },
      { 'index.js': 'export const x = 1;\n', 'other.d.ts': 'export declare const y: number;\n' },
    );
    const problems = await esmOnlyTypeProblems(broken);
    expect(problems.map((p) => p.kind)).toContain('UntypedResolution');
    expect(problems.flatMap((p) => p.affects)).toEqual(
      expect.arrayContaining(['node16-esm', 'bundler']),
    );
  });

  it('reports CommonJS types for an ESM implementation (FalseCJS)', async () => {
    const broken = fixture(
      { '.': { types: './index.d.cts', default: './index.js' } },
      { 'index.js': 'export const x = 1;\n', 'index.d.cts': 'export declare const x: number;\n' },
    );
    expect((await esmOnlyTypeProblems(broken)).map((p) => p.kind)).toContain('FalseCJS');
  });
});
