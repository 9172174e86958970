import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Tests start real servers on 127.0.0.1 and spawn the CLI; two cores, so keep the pool small.
    pool: 'forks',
    maxWorkers: 2,
  },
});
