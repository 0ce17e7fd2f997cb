import { defineConfig } from 'vitest/config';

// The soak test on its own (`pnpm test:soak`): no Next.js build, one file, a timeout that
// follows SOAK_SECONDS (default 60) plus start-up and teardown.
const seconds = Number(process.env.SOAK_SECONDS ?? 60);

export default defineConfig({
  test: {
    include: ['test/soak.test.ts'],
    testTimeout: (seconds + 90) * 1000,
    hookTimeout: 60_000,
  },
});
