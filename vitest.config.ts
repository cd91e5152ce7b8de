import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The fault suite (kills, server restarts, 5 runs per scenario: minutes of wall time) runs with
    // `npm run test:faults`, which sets TRAINCTL_FAULTS=1; the default suite stays within CI's budget.
    exclude: [...configDefaults.exclude, ...(process.env.TRAINCTL_FAULTS ? [] : ['test/faults/**'])],
    // Native addons (koffi, onnxruntime, polars, Temporal core) are happier in forked processes.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['test/globalSetup.ts'],
  },
});
