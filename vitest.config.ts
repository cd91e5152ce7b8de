import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The fault suite (worker kills, server restarts: ~3 minutes of wall time) runs on its own, after the
    // default suite (scripts/test.mjs: `npm test`, or alone with `npm run test:faults`), with TRAINCTL_FAULTS=1:
    // its timed kills must not share the CPU with other heavy test files.
    exclude: [...configDefaults.exclude, ...(process.env.TRAINCTL_FAULTS ? [] : ['test/faults/**'])],
    // Native addons (koffi, onnxruntime, polars, Temporal core) are happier in forked processes.
    pool: 'forks',
    // Two test files at a time (vitest's default here is cores − 1 = 1): most files wait on servers and
    // child processes, not the CPU. The fault suite's timed kills run one file at a time.
    // TRAINCTL_TEST_FORKS overrides (1 = one file at a time).
    poolOptions: {
      forks: { maxForks: process.env.TRAINCTL_FAULTS ? 1 : Number(process.env.TRAINCTL_TEST_FORKS ?? 2), minForks: 1 },
    },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['test/globalSetup.ts'],
  },
});
