// Packs every publishable workspace package (packages/*) with pnpm, as a release would:
// pnpm rewrites `workspace:` ranges to the real versions in the packed manifest.
// Usage: node scripts/pack-all.mjs <destination folder>   (prints the tarball paths as JSON)
// As a module: `await packAll(dest)` returns [{ name, dir, tarball }].
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const PNPM = ['-y', 'pnpm@12.4.2'];

/** The publishable packages: every packages/* whose manifest is not private. */
export function publishablePackages() {
  const base = join(repoRoot, 'packages');
  return readdirSync(base, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const dir = join(base, d.name);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { name: manifest.name, version: manifest.version, private: manifest.private, dir };
    })
    .filter((p) => !p.private)
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Packs each package into `dest` (built dist/ is expected to exist). */
export function packAll(dest) {
  mkdirSync(dest, { recursive: true });
  return publishablePackages().map((p) => {
    const out = execFileSync('npx', [...PNPM, 'pack', '--pack-destination', dest, '--json'], {
      cwd: p.dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const info = JSON.parse(out.slice(out.indexOf('{')));
    const tarball = info.filename.startsWith('/') ? info.filename : join(dest, info.filename);
    return { name: p.name, version: p.version, dir: p.dir, tarball };
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dest = resolve(process.argv[2] ?? join(repoRoot, '.packed'));
  process.stdout.write(`${JSON.stringify(packAll(dest), null, 2)}\n`);
}
