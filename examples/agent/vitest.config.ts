import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The soak runs on its own, without the Next.js build: vitest.soak.config.ts.
    exclude: [...configDefaults.exclude, 'test/soak.test.ts'],
    // Builds the Next.js example once and starts it; the scenario table runs against it too.
    globalSetup: ['test/next-global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
