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
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['test/globalSetup.ts'],
  },
});
