// Runs the conformance module (src/conformance.mjs, over the BUILT packages) on Node, Bun,
// Deno and in workerd, serves the Hono adapter on Bun and in workerd, and imports core's dist/
// by file path from Deno. Bun and Deno take the `node` condition (dist/node/, node:crypto);
// workerd, without nodejs_compat, gets dist/ (@noble/hashes and Web Crypto).
import { execFile, execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { EdgeVM } from '@edge-runtime/vm';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleFor } from '../src/bundle-worker.mjs';
import { CAPABILITIES, runConformance } from '../src/conformance.mjs';
import { mintToken } from '../src/hono-app.mjs';

interface CheckResult {
  name: string;
  capability: string;
  ok: boolean;
  detail: string;
}
interface Report {
  runtime: string;
  version: string;
  hashBackend: string;
  results: CheckResult[];
}

const here = fileURLToPath(new URL('..', import.meta.url));
const repo = join(here, '..', '..');
const bin = (name: string) => join(here, 'node_modules', '.bin', name);
const src = (name: string) => join(here, 'src', name);
// No update checks, prompts or telemetry: CI reaches no network but the npm registry.
const env = { ...process.env, DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1', DO_NOT_TRACK: '1' };

function run(command: string, args: string[], cwd = here): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd, env, timeout: 45_000, maxBuffer: 8 << 20 },
      (error, stdout, stderr) => {
        if (error)
          reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
        else resolve(stdout);
      },
    );
  });
}
const lastJsonLine = <T>(stdout: string): T => JSON.parse(stdout.trim().split('\n').at(-1) ?? '');

const versionOf = (command: string): string =>
  execFileSync(command, ['--version'], { cwd: here, env, encoding: 'utf8' })
    .trim()
    .split('\n')[0] ?? '';
const BUN = versionOf(bin('bun'));
const DENO =
  versionOf(bin('deno'))
    .replace(/^deno /, '')
    .split(' ')[0] ?? '';
const requireFromMiniflare = createRequire(createRequire(import.meta.url).resolve('miniflare'));
const WORKERD = JSON.parse(
  readFileSync(requireFromMiniflare.resolve('workerd/package.json'), 'utf8'),
).version as string;

function expectAllPassed(report: Report) {
  expect(report.results.filter((r) => !r.ok)).toEqual([]);
  // Every capability of the issue ran at least one check.
  expect([...new Set(report.results.map((r) => r.capability))].sort()).toEqual(
    [...CAPABILITIES].sort(),
  );
  expect(report.results.length).toBeGreaterThanOrEqual(CAPABILITIES.length);
}

const EDGE_VM = JSON.parse(
  readFileSync(join(here, 'node_modules', '@edge-runtime', 'vm', 'package.json'), 'utf8'),
).version as string;

// Started together, asserted separately: the subprocesses overlap on the two cores.
let bunReport: Promise<Report>;
let denoReport: Promise<Report>;
interface HonoReport {
  runtime: string;
  version: string;
  port: number;
  anonymous: unknown;
  authorized: unknown;
}
let bunHono: Promise<HonoReport>;
let mf: Miniflare | undefined;
let worker: Promise<{ mf: Miniflare; inputs: string[] }>;

beforeAll(() => {
  bunReport = run(bin('bun'), [src('run-conformance.mjs')]).then(lastJsonLine<Report>);
  denoReport = run(bin('deno'), [
    'run',
    '--no-prompt',
    '--no-lock',
    src('run-conformance.mjs'),
  ]).then(lastJsonLine<Report>);
  bunHono = run(bin('bun'), [src('hono-bun.mjs')]).then(lastJsonLine<HonoReport>);
  worker = bundleFor('workerd').then(({ code, inputs }) => {
    // nodejs_compat OFF: node:* imports do not exist here, so only dist/ can run.
    mf = new Miniflare({
      modules: true,
      script: code,
      compatibilityDate: '2026-04-01',
      compatibilityFlags: [],
    });
    return { mf, inputs };
  });
  // Keep the promises from rejecting unobserved before their test awaits them.
  for (const p of [bunReport, denoReport, bunHono, worker]) p.catch(() => {});
});

afterAll(async () => {
  await mf?.dispose();
});

describe('conformance', () => {
  it(`runs on Node ${process.versions.node} (node:crypto path)`, async () => {
    const report = { runtime: 'node', version: process.versions.node, ...(await runConformance()) };
    expectAllPassed(report);
    expect(report.hashBackend).toBe('node');
  });

  it(`runs on Bun ${BUN} (node:crypto path)`, async () => {
    const report = await bunReport;
    expect([report.runtime, report.version]).toEqual(['bun', BUN]);
    expectAllPassed(report);
    expect(report.hashBackend).toBe('node');
  });

  it(`runs on Deno ${DENO} (node:crypto path)`, async () => {
    const report = await denoReport;
    expect(report.runtime).toBe('deno');
    expect(report.version).toBe(DENO);
    expectAllPassed(report);
    expect(report.hashBackend).toBe('node');
  });

  it(`runs in workerd ${WORKERD} via miniflare, nodejs_compat off (@noble path)`, async () => {
    const { mf, inputs } = await worker;
    const core = inputs.filter((f) => f.includes('packages/core/dist/'));
    expect(core.length).toBeGreaterThan(0);
    expect(core.filter((f) => f.includes('/dist/node/'))).toEqual([]);
    const response = await mf.dispatchFetch('http://worker.test/conformance');
    const report = (await response.json()) as Report & { userAgent: string };
    expect(report.userAgent).toBe('Cloudflare-Workers');
    expectAllPassed(report);
    expect(report.hashBackend).toBe('noble');
  });
});

describe('conformance in the edge runtime', () => {
  it(`runs in @edge-runtime/vm ${EDGE_VM}, no Node globals (@noble path)`, async () => {
    const { code, inputs } = await bundleFor('edge');
    const core = inputs.filter((f) => f.includes('packages/core/dist/'));
    expect(core.length).toBeGreaterThan(0);
    expect(core.filter((f) => f.includes('/dist/node/'))).toEqual([]);
    const vm = new EdgeVM();
    expect(vm.evaluate('typeof process')).toBe('undefined');
    vm.evaluate(code);
    const report = (await vm.evaluate('globalThis.__jafSecConformance()')) as Report;
    expect(report.runtime).toBe('edge-runtime');
    expectAllPassed(report);
    expect(report.hashBackend).toBe('noble');
  });
});

describe('the Hono adapter serving a request', () => {
  it(`on Bun ${BUN} (Bun.serve, port 0): 401 without credentials, 200 with a minted token`, async () => {
    const r = await bunHono;
    expect(r.runtime).toBe('bun');
    expect(r.port).toBeGreaterThan(0);
    expect(r.anonymous).toEqual({
      status: 401,
      body: { error: { code: 'AUTH_MISSING', message: expect.any(String) } },
    });
    expect(r.authorized).toEqual({ status: 200, body: { hello: 'runtime-user' } });
  });

  it(`in workerd ${WORKERD} (miniflare dispatchFetch): 401, then 200`, async () => {
    const { mf } = await worker;
    const anonymous = await mf.dispatchFetch('http://worker.test/chat');
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe(
      'AUTH_MISSING',
    );
    const token = await mintToken(Date.now());
    const authorized = await mf.dispatchFetch('http://worker.test/chat', {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(authorized.status).toBe(200);
    expect(await authorized.json()).toEqual({ hello: 'runtime-user' });
  });
});

describe('Deno imports core by file path', () => {
  // A Deno project with no package.json (only a deno.json import map for core's npm
  // dependencies): nothing resolves a `#` subpath import there, so the built files must not
  // contain any. The map points at the installed copies so no network is needed.
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'jaf-sec-deno-'));
    const core = join(repo, 'packages', 'core');
    // Where a package is installed, as seen from the package (or core) that depends on it.
    const pkgDir = (name: string, from = join(core, 'node_modules')) =>
      realpathSync(join(from, name));
    const entry = (dirOfPkg: string) => {
      const manifest = JSON.parse(readFileSync(join(dirOfPkg, 'package.json'), 'utf8'));
      let target = manifest.exports?.['.'] ?? manifest.module ?? manifest.main;
      while (typeof target !== 'string') target = target.import ?? target.default;
      return pathToFileURL(join(dirOfPkg, target)).href;
    };
    // Every runtime dependency core declares, and theirs (pnpm installs a package's own
    // dependencies beside it), so a new one cannot be forgotten here.
    const imports: Record<string, string> = {};
    // tldts's ES module tree imports tldts-core without file extensions, which Deno refuses
    // outside npm: its self-contained ES bundle is the file to map (npm:tldts works as well).
    const bundled: Record<string, string> = { tldts: 'dist/index.esm.min.js' };
    const add = (name: string, from?: string) => {
      if (imports[name] || imports[`${name}/`]) return;
      const at = pkgDir(name, from);
      if (bundled[name]) {
        imports[name] = pathToFileURL(join(at, bundled[name])).href;
        return;
      }
      if (name === '@noble/hashes') imports[`${name}/`] = `${pathToFileURL(at).href}/`;
      else imports[name] = entry(at);
      const manifest = JSON.parse(readFileSync(join(at, 'package.json'), 'utf8'));
      const beside = at.slice(0, at.length - name.length);
      for (const dep of Object.keys(manifest.dependencies ?? {})) add(dep, beside);
    };
    const coreManifest = JSON.parse(readFileSync(join(core, 'package.json'), 'utf8'));
    for (const name of Object.keys(coreManifest.dependencies ?? {})) add(name);
    writeFileSync(join(dir, 'deno.json'), JSON.stringify({ imports }, null, 2));
    copyFileSync(src('deno-file-path.mjs'), join(dir, 'main.mjs'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases = [
    ['dist/index.js', 'noble'],
    ['dist/node/index.js', 'node'],
  ] as const;
  for (const [file, backend] of cases) {
    it(`${file} (${backend} path)`, async () => {
      const core = pathToFileURL(join(repo, 'packages', 'core')).href;
      const args = ['run', '--no-prompt', '--no-lock', `--allow-read=${repo}`, 'main.mjs'];
      const out = lastJsonLine<{
        exports: number;
        checks: Record<string, boolean>;
        hashBackend: string;
      }>(await run(bin('deno'), [...args, `${core}/${file}`, `${core}/test-vectors/`], dir));
      expect(out.exports).toBeGreaterThan(100);
      expect(out.checks).toEqual({ fernet: true, webhook: true });
      expect(out.hashBackend).toBe(backend);
    });
  }

  it('no built file of core carries a # subpath import', () => {
    const dist = join(repo, 'packages', 'core', 'dist');
    const files = readdirSync(dist, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.js'))
      .map((f) => join('dist', f));
    expect(files.length).toBeGreaterThan(10);
    const offenders = files.filter((f) =>
      /\bfrom\s*['"]#|import\(\s*['"]#/.test(
        readFileSync(join(repo, 'packages', 'core', f), 'utf8'),
      ),
    );
    expect(offenders).toEqual([]);
  });
});
