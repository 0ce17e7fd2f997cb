import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Options } from 'tsup';

// Two builds of the same entries, each with its variant of the internal primitives (#hash,
// #kdf, #cipher) bundled in, so that no built file carries a `#` subpath import (those
// resolve only through the package's own package.json, i.e. not for a file imported by path
// from Deno, a CDN copy or a vendored dist/):
//   dist/       @noble/hashes and Web Crypto: runs everywhere (edge, Workers, browsers, Deno);
//   dist/node/  node:crypto: what the exports map gives under the `node` condition
//               (Node, Bun, Deno through npm/node_modules).
// Both trees share the types in dist/*.d.ts.
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  exports: Record<string, unknown>;
};
const entry: Record<string, string> = {};
for (const subpath of Object.keys(pkg.exports)) {
  if (subpath === './package.json') continue;
  const name = subpath === '.' ? 'index' : `${subpath.slice(2)}/index`;
  entry[name] = `src/${name}.ts`;
}

/** Resolves `#hash` & co. to one variant's source file, which is then bundled in. */
function primitives(variant: 'node' | 'default'): NonNullable<Options['esbuildPlugins']>[number] {
  const suffix = variant === 'node' ? '.node' : '';
  return {
    name: `jaf-sec-primitives-${variant}`,
    setup(build) {
      build.onResolve({ filter: /^#(?:hash|kdf|cipher)$/ }, (args) => {
        const name = args.path.slice(1);
        return {
          path: fileURLToPath(new URL(`./src/internal/${name}${suffix}.ts`, import.meta.url)),
        };
      });
    },
  };
}

const common: Options = {
  entry,
  format: ['esm'],
  splitting: true,
  treeshake: true,
  sourcemap: false,
  // package.json's build script empties dist/ first: the two builds run in parallel and
  // one must not clean away the other's output.
  clean: false,
  target: 'es2022',
  platform: 'neutral',
  external: [/^node:/],
  // Keep `node:crypto` as written: a bare `crypto` is not a builtin for Deno outside npm.
  removeNodeProtocol: false,
};

export default defineConfig([
  {
    ...common,
    outDir: 'dist',
    dts: { entry },
    esbuildPlugins: [primitives('default')],
  },
  {
    ...common,
    outDir: 'dist/node',
    dts: false,
    esbuildPlugins: [primitives('node')],
  },
]);
