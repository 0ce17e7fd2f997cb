import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // One consumer project is installed for the whole suite (see src/docs.test.ts).
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 240_000,
  },
});
