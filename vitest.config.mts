import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/require-ts.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // e2e tests spawn bin/run.js and servers; two cores, so keep the pool small.
    maxWorkers: 2,
  },
});
