import { defineConfig } from 'vitest/config';

// One file; its subprocesses (Bun, Deno) and workerd start together in beforeAll.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
