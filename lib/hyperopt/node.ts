/**
 * The Node-only part of hyperopt-ts: a journal file with Optuna's lock protocol (`<file>.lock` as
 * a symlink, stale after 30 s), whole records appended under the lock and fsynced. The core never
 * imports this file, so it stays usable inside Temporal workflows.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  lstatSync,
  openSync,
  readFileSync,
  renameSync,
  symlinkSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { parseJournal, type JournalStudy } from './journal';

const GRACE_MS = 30_000;

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function withJournalLock<T>(path: string, fn: () => T, timeoutMs = 60_000): T {
  const lock = `${path}.lock`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      symlinkSync(path, lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - lstatSync(lock).mtimeMs > GRACE_MS) renameSync(lock, `${lock}.${process.pid}.stale`);
      } catch {
        /* released meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`could not take the journal lock ${lock} within ${timeoutMs} ms`);
      sleep(5);
    }
  }
  try {
    return fn();
  } finally {
    unlinkSync(lock);
  }
}

export function appendJournal(path: string, lines: string[]): void {
  if (!lines.length) return;
  withJournalLock(path, () => {
    const fd = openSync(path, 'a');
    try {
      writeSync(fd, `${lines.join('\n')}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  });
}

export function readJournal(path: string): JournalStudy[] {
  return existsSync(path) ? parseJournal(readFileSync(path, 'utf8')) : [];
}

/** Number of trials already in the file (the next trial_id), for appending to a shared journal. */
export function journalTrialCount(path: string): number {
  return readJournal(path).reduce((n, s) => n + s.trials.length, 0);
}
