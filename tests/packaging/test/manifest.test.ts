// The packed manifests: no `workspace:` range left (pnpm rewrites them at pack time; npm and
// yarn publish them as they are), and what every published package must carry.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPackageFromTarballData } from '@arethetypeswrong/core';
import { describe, expect, inject, it } from 'vitest';
import { workspaceRanges } from '../lib/checks.js';
import { packedFiles, packedManifest, readTarball, tarballPackage } from '../lib/packed.js';

const packed = inject('packed');
const REPOSITORY = 'https://github.com/jaf-sec/jaf-sec';

describe('workspaceRanges', () => {
  it('finds the protocol in every dependency field, whatever its form', () => {
    expect(
      workspaceRanges({
        dependencies: { '@jaf-sec/core': 'workspace:*', jose: '^6.0.0' },
        peerDependencies: { '@jaf-sec/core': 'workspace:^' },
        optionalDependencies: { '@jaf-sec/redis': 'workspace:~' },
        devDependencies: { '@jaf-sec/cli': ' workspace:0.1.0' },
      }),
    ).toEqual([
      'dependencies › @jaf-sec/core: workspace:*',
      'peerDependencies › @jaf-sec/core: workspace:^',
      'optionalDependencies › @jaf-sec/redis: workspace:~',
      'devDependencies › @jaf-sec/cli:  workspace:0.1.0',
    ]);
  });

  it('catches what `npm pack` ships: it leaves workspace:* in place (why releases use pnpm)', () => {
    const express = packed.find((p) => p.name === '@jaf-sec/express');
    if (!express) throw new Error('@jaf-sec/express was not packed');
    const dest = mkdtempSync(join(tmpdir(), 'jaf-sec-npm-pack-'));
    try {
      execFileSync('npm', ['pack', '--pack-destination', dest, '--silent'], {
        cwd: express.dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const [file] = readdirSync(dest);
      const tarball = readTarball({ ...express, tarball: join(dest, file ?? '') });
      const manifest = packedManifest(createPackageFromTarballData(tarball));
      expect(workspaceRanges(manifest)).toEqual(['dependencies › @jaf-sec/core: workspace:*']);
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  });

  it('accepts real ranges and manifests without dependencies', () => {
    expect(workspaceRanges({ dependencies: { '@jaf-sec/core': '0.1.0' } })).toEqual([]);
    expect(workspaceRanges({ name: 'x' })).toEqual([]);
  });
});

describe('packed with pnpm', () => {
  it('packs every publishable package', () => {
    expect(packed.map((p) => p.name)).toEqual([
      '@jaf-sec/cli',
      '@jaf-sec/core',
      '@jaf-sec/express',
      '@jaf-sec/fastify',
      '@jaf-sec/hono',
      '@jaf-sec/monitor',
      '@jaf-sec/next',
      '@jaf-sec/redis',
    ]);
  });

  for (const p of packed) {
    describe(p.name, () => {
      const pkg = tarballPackage(p);
      const manifest = packedManifest(pkg);
      const directory = p.dir.slice(p.dir.lastIndexOf('packages/'));

      it('has no workspace: range left in its packed package.json', () => {
        expect(workspaceRanges(manifest)).toEqual([]);
      });

      it('depends on the sibling packages at their released versions', () => {
        const core = (manifest.dependencies as Record<string, string> | undefined)?.[
          '@jaf-sec/core'
        ];
        if (p.name === '@jaf-sec/core') expect(core).toBeUndefined();
        else expect(core).toBe(packed.find((q) => q.name === '@jaf-sec/core')?.version);
      });

      it('ships LICENSE, README.md and its built dist', () => {
        const files = packedFiles(pkg);
        expect(files).toContain('LICENSE');
        expect(files).toContain('README.md');
        expect(files).toContain('package.json');
        expect(files.some((f) => f.startsWith('dist/') && f.endsWith('.d.ts'))).toBe(true);
        expect(files.filter((f) => !f.startsWith('dist/')).sort()).toEqual([
          'LICENSE',
          'README.md',
          'package.json',
        ]);
      });

      it('carries the registry metadata', () => {
        expect(manifest.license).toBe('MIT');
        expect(manifest.description).toEqual(expect.stringMatching(/\S{3}/));
        expect(manifest.keywords).toEqual(expect.arrayContaining(['security']));
        expect(manifest.repository).toEqual({
          type: 'git',
          url: `git+${REPOSITORY}.git`,
          directory,
        });
        expect(manifest.homepage).toBe(`${REPOSITORY}/tree/main/${directory}#readme`);
        expect(manifest.bugs).toEqual({ url: `${REPOSITORY}/issues` });
        expect(manifest.type).toBe('module');
      });

      it('has a README with an install line, a docs link and the ESM-only choice', () => {
        const readme = pkg.readFile(`/node_modules/${p.name}/README.md`);
        expect(readme).toMatch(new RegExp(`npm install (--save-dev )?${p.name}`));
        expect(readme).toContain(`${REPOSITORY}/blob/main/docs/`);
        expect(readme).toMatch(/ESM only/);
        expect(readme).toMatch(/```ts\n/);
      });
    });
  }
});

describe('@jaf-sec/redis', () => {
  it('marks both Redis clients as optional peers, so installing it pulls neither', () => {
    const p = packed.find((q) => q.name === '@jaf-sec/redis');
    if (!p) throw new Error('@jaf-sec/redis was not packed');
    const manifest = packedManifest(tarballPackage(p));
    expect(Object.keys(manifest.peerDependencies as object).sort()).toEqual(['ioredis', 'redis']);
    expect(manifest.peerDependenciesMeta).toEqual({
      ioredis: { optional: true },
      redis: { optional: true },
    });
  });
});
