import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const core = (p: string) => fileURLToPath(new URL(`../core/src/${p}`, import.meta.url));

// These tests talk to a real Redis (127.0.0.1:6379 by default, REDIS_URL to override), to a
// real Redis Cluster of six nodes that the globalSetup starts and stops, and start a private
// redis-server for the fault tests; files run one after another so the
// round-trip counts are not disturbed by each other. @jaf-sec/core is read from source,
// so a rebuild of core's dist in the same tree cannot pull it away mid-run.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@jaf-sec\/core\/(\w+)$/, replacement: core('$1/index.ts') },
      { find: '#hash', replacement: core('internal/hash.node.ts') },
    ],
  },
  test: {
    include: ['src/**/*.test.ts'],
    globalSetup: ['src/test-utils/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    fileParallelism: false,
  },
});
