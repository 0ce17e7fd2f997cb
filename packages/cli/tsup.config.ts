import { defineConfig } from 'tsup';

// Two entries: the `jaf-sec` executable (with its shebang) and a library entry exposing
// the same commands as functions, for scripts and tests that prefer not to spawn.
export default defineConfig([
  {
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    clean: true,
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    entry: { index: 'src/index.ts' },
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    dts: true,
  },
]);
