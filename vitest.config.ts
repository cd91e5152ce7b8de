import { configDefaults, defineConfig } from 'vitest/config';
import { serverTestFiles } from './test/projects';

// Files that read the servers of test/globalSetup.ts (Temporal, SeaweedFS) through `inject`: the
// integration project, the only one that pays for starting them. Everything else is the unit
// project (`npm run test:unit`), which needs no server. `npm test` runs both projects once.
const integration = serverTestFiles(import.meta.dirname);
// The fault suite (worker kills, server restarts: ~3 minutes of wall time) runs on its own, after the
// default suite (scripts/test.mjs: `npm test`, or alone with `npm run test:faults`), with TRAINCTL_FAULTS=1:
// its timed kills must not share the CPU with other heavy test files.
const exclude = [...configDefaults.exclude, ...(process.env.TRAINCTL_FAULTS ? [] : ['test/faults/**'])];

export default defineConfig({
  test: {
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
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...exclude, ...integration] },
      },
      {
        extends: true,
        test: { name: 'integration', include: integration, exclude, globalSetup: ['test/globalSetup.ts'] },
      },
    ],
  },
});
