#!/usr/bin/env node
// Runs the vitest suite (with one libuv pool thread, like the trainctl worker: bin/trainctl.mjs) and ends with the plain closing line `N passed, N failed, N skipped`.
//
// Two vitest projects (vitest.config.ts; test/projects.ts decides which file goes where):
//   unit         every test that needs no server: no Temporal, no SeaweedFS, no global set-up (library tests,
//                property tests, replay, activity tests with MockActivityEnvironment …)
//   integration  the files that read the Temporal dev server or the SeaweedFS S3 server of test/globalSetup.ts
//                (`inject('temporalAddress')` / `inject('s3Endpoint')`, directly or through a test/ helper) or
//                start a server of their own (MLflow); only these pay for starting the servers.
//
// Commands:
//   npm test                    the default suite (both projects, each file once), then the fault suite (test/faults,
//                               TRAINCTL_FAULTS=1) on its own, so its timing-sensitive kills do not share the CPU with
//                               other heavy test files; a failure in either fails the run. TRAINCTL_SKIP_FAULTS=1
//                               leaves the fault suite out.
//   npm run test:unit           the unit project only (node scripts/test.mjs --project unit --no-isolate): no server
//                               starts; its files share two processes (vitest's --no-isolate) instead of one each.
//   npm run test:faults         the fault suite alone (node scripts/test.mjs test/faults).
//   TRAINCTL_TEST_FORKS=1 node scripts/test.mjs test/lib/registry/crash.test.ts
//                               one file (or several, or a folder); the servers start only if a file needs them.
//                               Other vitest arguments pass through, e.g. `-t 's3'` for matching test names.
// Environment:
//   TRAINCTL_TEST_FORKS=N       test files run at a time (default 2; 1 for the fault suite).
//   TRAINCTL_TEST_TEMPORAL_ADDRESS=host:port   use a running Temporal server instead of starting one.
//   TRAINCTL_TEST_WEED_V=2 TRAINCTL_TEST_WEED_LOG=/tmp/weed.log   keep SeaweedFS's log (every S3 request with its
//                               status at verbosity 2) after the run, for a failure that involves the bucket.
// Results: .trainctl/test-results.json (per-file durations; the fault suite's in test-results-faults.json).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const args = process.argv.slice(2);
const faultsOnly = args.length > 0 && args.every((a) => a.startsWith('test/faults'));
const passes = [];
if (args.length === 0) {
  passes.push({ name: 'default suite', args: [], faults: false });
  if (process.env.TRAINCTL_SKIP_FAULTS !== '1') passes.push({ name: 'fault suite', args: ['test/faults'], faults: true });
} else
  passes.push({
    name: faultsOnly ? 'fault suite' : 'selected tests',
    args,
    faults: faultsOnly || args.some((a) => a.startsWith('test/faults')),
  });

const totals = { passed: 0, failed: 0, skipped: 0 };
const summaries = [];
let status = 0;
for (const pass of passes) {
  const out = join(root, '.trainctl', pass.faults && passes.length > 1 ? 'test-results-faults.json' : 'test-results.json');
  mkdirSync(dirname(out), { recursive: true });
  rmSync(out, { force: true });
  if (passes.length > 1) console.log(`\n=== ${pass.name} ===\n`);
  const started = Date.now();
  const run = spawnSync(
    process.execPath,
    [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...pass.args],
    {
      cwd: root,
      stdio: 'inherit',
      env: {
        UV_THREADPOOL_SIZE: '1',
        ...process.env,
        ...(process.env.CI ? { NO_COLOR: '1', FORCE_COLOR: '0' } : {}),
        // vitest.config.ts leaves test/faults out unless this is set.
        ...(pass.faults ? { TRAINCTL_FAULTS: '1' } : {}),
      },
    },
  );
  const seconds = Math.round((Date.now() - started) / 1000);
  let failed = run.status === 0 ? 0 : 1;
  let line = `exit ${run.status ?? run.signal}, no results file`;
  if (existsSync(out)) {
    const r = JSON.parse(readFileSync(out, 'utf8'));
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    // A test file that throws while loading has no test results of its own: count it as a failure,
    // so a broken file can never hide behind "0 failed".
    const brokenFiles = (r.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0);
    for (const f of brokenFiles) console.log(`failed to load: ${f.name}${f.message ? ` — ${String(f.message).split('\n')[0]}` : ''}`);
    const reasons = skipReasons(r.testResults ?? []);
    if (reasons) console.log(`skipped: ${skipped} (${reasons})`);
    failed = r.numFailedTests + brokenFiles.length + (run.status !== 0 && r.numFailedTests + brokenFiles.length === 0 ? 1 : 0);
    totals.passed += r.numPassedTests;
    totals.skipped += skipped;
    line = `${r.numPassedTests} passed, ${failed} failed, ${skipped} skipped${run.status !== 0 && r.numFailedTests + brokenFiles.length === 0 ? ` (vitest exited ${run.status ?? run.signal})` : ''}`;
  }
  totals.failed += failed;
  if (failed) status = 1;
  summaries.push(`${pass.name}: ${line} (${seconds} s)`);
}
if (passes.length > 1) console.log(`\n${summaries.join('\n')}`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(status);

/**
 * Why tests were skipped, by the optional component they need: a test (or its describe block)
 * that skips when a component is missing names it in its title as `[needs COMPONENT]`, e.g.
 * `it.skipIf(!hasChromium)('renders the page [needs chromium]', …)`. Other skips count as "not
 * marked". Returns e.g. "chromium missing: 2, Debian libxgboost0 missing: 3", or "" for none.
 */
function skipReasons(files) {
  const counts = new Map();
  for (const f of files)
    for (const a of f.assertionResults ?? []) {
      if (a.status !== 'pending' && a.status !== 'skipped' && a.status !== 'todo') continue;
      const title = [...(a.ancestorTitles ?? []), a.title ?? ''].join(' ');
      const needs = /\[needs ([^\]]+)\]/.exec(title)?.[1]?.trim();
      const key = needs ? `${needs} missing` : a.status === 'todo' ? 'todo' : 'not marked';
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  return [...counts].map(([k, n]) => `${k}: ${n}`).join(', ');
}
