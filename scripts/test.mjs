#!/usr/bin/env node
// Runs the whole vitest suite (with one libuv pool thread, like the trainctl worker: bin/trainctl.mjs) and ends with the plain closing line `N passed, N failed, N skipped`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, '.trainctl', 'test-results.json');
mkdirSync(dirname(out), { recursive: true });
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const run = spawnSync(
  process.execPath,
  [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      UV_THREADPOOL_SIZE: '1',
      ...process.env,
      ...(process.env.CI ? { NO_COLOR: '1', FORCE_COLOR: '0' } : {}),
      // `node scripts/test.mjs test/faults` (npm run test:faults) includes the fault suite, which the default run leaves out.
      ...(process.argv.slice(2).some((a) => a.startsWith('test/faults')) ? { TRAINCTL_FAULTS: '1' } : {}),
    },
  },
);
if (existsSync(out)) {
  const r = JSON.parse(readFileSync(out, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  // A test file that throws while loading has no test results of its own: count it as a failure,
  // so a broken file can never hide behind "0 failed".
  const brokenFiles = (r.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0);
  for (const f of brokenFiles) console.log(`failed to load: ${f.name}${f.message ? ` — ${String(f.message).split('\n')[0]}` : ''}`);
  const reasons = skipReasons(r.testResults ?? []);
  if (reasons) console.log(`skipped: ${skipped} (${reasons})`);
  console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests + brokenFiles.length} failed, ${skipped} skipped`);
  if (brokenFiles.length && run.status === 0) process.exit(1);
}
process.exit(run.status ?? 1);

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
