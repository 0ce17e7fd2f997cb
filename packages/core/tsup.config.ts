import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

// One entry per public subpath (taken from the exports map) plus the two variants of the
// hashing primitive that the package's `imports` map picks between at runtime.
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, unknown>;
};
const entry: Record<string, string> = {
  'internal/hash': 'src/internal/hash.ts',
  'internal/hash.node': 'src/internal/hash.node.ts',
  'internal/kdf': 'src/internal/kdf.ts',
  'internal/kdf.node': 'src/internal/kdf.node.ts',
  'internal/cipher': 'src/internal/cipher.ts',
  'internal/cipher.node': 'src/internal/cipher.node.ts',
};
for (const subpath of Object.keys(pkg.exports)) {
  if (subpath === './package.json') continue;
  const name = subpath === '.' ? 'index' : `${subpath.slice(2)}/index`;
  entry[name] = `src/${name}.ts`;
}

export default defineConfig({
  entry,
  format: ['esm'],
  dts: {
    entry: Object.fromEntries(Object.entries(entry).filter(([k]) => !k.startsWith('internal/'))),
  },
  splitting: true,
  treeshake: true,
  sourcemap: false,
  clean: true,
  target: 'es2022',
  platform: 'neutral',
  external: ['#hash', '#kdf', '#cipher', /^node:/],
});
