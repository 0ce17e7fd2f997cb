import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds the Next.js example once and starts it; the scenario table runs against it too.
    globalSetup: ['test/next-global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
