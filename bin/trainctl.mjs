#!/usr/bin/env node
// Entry point of the `trainctl` CLI: the compiled build in dist/ (made by the set-up, see
// scripts/build.mjs) when it is up to date with the sources, else the TypeScript sources through
// tsx's loader (slower to start, same behaviour).
import { spawn } from 'node:child_process';
import { isFresh } from '../scripts/build.mjs';

// Processes that train (worker, start): boosting rounds run on a thread per training
// (lib/xgboost/boostingThread.ts); one libuv pool thread is enough for the remaining short native
// calls (predict, DMatrix) and keeps them on one OpenMP team. The pool size is read before any of
// our code runs, hence the re-exec.
const training = ['worker', 'start'].includes(process.argv[2] ?? '');
if (training && process.env.UV_THREADPOOL_SIZE === undefined) {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, UV_THREADPOOL_SIZE: '1' },
  });
  // Ctrl-C reaches the whole process group; the child shuts down gracefully, the parent waits.
  process.on('SIGINT', () => {});
  // A SIGTERM is usually sent to this pid alone (kill, systemd, a supervisor): pass it on.
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  let cli;
  if (isFresh()) {
    // Long-running processes report activity failures with stack traces: map them to the sources.
    if (training || process.env.TRAINCTL_DEBUG) process.setSourceMapsEnabled(true);
    cli = await import('../dist/cli.js');
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    cli = await import('../client/cli.ts');
  }
  process.exitCode = await cli.main(process.argv);
  // A worker or `start` that has returned is done, also when it stopped on an error after its
  // runtime, connections or log transport were set up (they would keep the process alive).
  if (training) process.exit(process.exitCode);
}
