import { defineConfig } from 'vitest/config';

// The packages are packed once, in globalSetup (about 10 s for the seven of them); the tests
// only read the tarballs.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/global-setup.ts'],
    hookTimeout: 180_000,
    testTimeout: 60_000,
  },
});
