#!/usr/bin/env node
// Entry point of the `trainctl` CLI: TypeScript sources run through tsx's loader.
import { spawn } from 'node:child_process';

// Processes that train (worker, start) run XGBoost's rounds on libuv's thread pool so the event
// loop stays free. With one pool thread every round runs on the same OS thread and reuses its
// OpenMP team; with the default four, rounds hop between threads and training is ~1.5× slower
// (see bench/model-engine). The pool size is read before any of our code runs, hence the re-exec.
const training = ['worker', 'start'].includes(process.argv[2] ?? '');
if (training && process.env.UV_THREADPOOL_SIZE === undefined) {
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, UV_THREADPOOL_SIZE: '1' },
  });
  // Ctrl-C reaches the whole process group; the child shuts down gracefully, the parent waits.
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => {});
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('../client/cli.ts');
  process.exitCode = await main(process.argv);
}
