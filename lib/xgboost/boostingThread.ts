import { AsyncResource } from 'node:async_hooks';
import koffi from 'koffi';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ModelError } from '../util/errors';
import type { Booster } from './booster';
import type { DMatrix } from './dmatrix';
import { loadXGBoost } from './library';

/**
 * A training's boosting rounds, run back to back on a thread of their own, as Python's `xgb.train`
 * runs them in its calling thread. Through libuv's pool every round was a trip back to the event
 * loop and out again, on whichever pool thread was free: with one pool thread (what `trainctl
 * worker` sets so rounds reuse one OpenMP team) two trials' rounds took turns, and on a busy
 * machine each round also waited for the main thread to be scheduled. Here each training keeps one
 * OS thread (and its OpenMP team) for all its rounds, trainings run side by side, and the event loop
 * only hears about progress. The booster and matrices stay owned by the main thread; the thread
 * gets their native addresses and must be done with them before they are freed (`boostRounds`
 * resolves only after the thread has stopped).
 *
 * The thread is plain JavaScript (no loader, no build step): koffi and the same libxgboost, whose
 * last-error message is per thread, so it is read there.
 */
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const koffi = require(workerData.koffi);
const lib = koffi.load(workerData.library);
const update = lib.func('int XGBoosterUpdateOneIter(uintptr_t handle, int iter, uintptr_t dtrain)');
const evaluate = lib.func('int XGBoosterEvalOneIter(uintptr_t handle, int iter, uintptr_t* dmats, const char** names, uint64_t len, _Out_ const char** out)');
const lastError = lib.func('const char* XGBGetLastError()');
// This thread's own nice value (PRIO_PROCESS with a thread id: Linux), see boostingNice().
if (workerData.nice) {
  try {
    const libc = koffi.load('libc.so.6');
    libc.func('int setpriority(int which, unsigned int who, int prio)')(0, libc.func('int gettid()')(), workerData.nice);
  } catch {}
}
parentPort.on('message', (job) => {
  const stop = new Int32Array(job.stop);
  // The early-stopping rule of lib/xgboost/train.ts (the rounds before 'from' ran there).
  let best = job.best;
  let round = job.from;
  // Rounds are reported in batches, at most one message per progressMs: a message per round woke
  // the event loop (and its heartbeat) a thousand times a second, taking CPU from the boosting.
  let done = [];
  let posted = Date.now();
  const flush = () => { if (done.length) parentPort.postMessage({ type: 'rounds', rounds: done }); done = []; };
  for (; round < job.rounds; round++) {
    if (Atomics.load(stop, 0) !== 0) { flush(); return parentPort.postMessage({ type: 'stopped', rounds: round }); }
    const iteration = job.base + round;
    if (update(job.booster, iteration, job.train) !== 0) {
      flush();
      return parentPort.postMessage({ type: 'failed', what: 'boosting round ' + iteration, message: lastError() });
    }
    const evals = {};
    if (job.valid) {
      const out = [null];
      if (evaluate(job.booster, iteration, [job.valid], ['valid'], 1, out) !== 0) {
        flush();
        return parentPort.postMessage({ type: 'failed', what: 'evaluation', message: lastError() });
      }
      for (const part of (out[0] || '').split('\\t').slice(1)) {
        const [key, value] = part.split(':');
        if (key && value !== undefined) evals[key] = Number(value);
      }
    }
    done.push({ round: round + 1, evals });
    const now = Date.now();
    if (now - posted >= job.progressMs) { parentPort.postMessage({ type: 'rounds', rounds: done }); done = []; posted = now; }
    const loss = evals['valid-logloss'];
    if (loss !== undefined && loss < best.loss - 1e-12) best = { iteration: round, loss };
    if (loss === undefined) best = { iteration: round, loss: Infinity };
    if (job.earlyStoppingRounds > 0 && round - best.iteration >= job.earlyStoppingRounds) { round++; break; }
  }
  flush();
  parentPort.postMessage({ type: 'done', rounds: round, best });
});
`;

export interface BoostRoundsOptions {
  booster: Booster;
  train: DMatrix;
  /** Evaluated after every round (`valid-logloss`), for early stopping. */
  valid?: DMatrix;
  /** Iteration number of round 0 (a continued model's own rounds come first). */
  base: number;
  /** Rounds already trained by the caller (0 normally) and the total to reach. */
  from: number;
  rounds: number;
  /** The best round so far (`loss: Infinity` when none), carried over from the caller's rounds. */
  best: { iteration: number; loss: number };
  /** 0: no early stopping. */
  earlyStoppingRounds: number;
  onRound?: (round: number, evals: Record<string, number>) => void | Promise<void>;
  signal?: AbortSignal;
  /** The thread reports finished rounds at most this often (in order, none left out); default PROGRESS_MS. */
  progressMs?: number;
}

/** How often a boosting thread reports its finished rounds to the event loop. */
export const PROGRESS_MS = 100;

export interface BoostRoundsResult {
  /** Rounds trained in all (including `from`). */
  rounds: number;
  best: { iteration: number; loss: number };
  /** The evaluations of rounds `from` … `rounds - 1`. */
  evals: Record<string, number>[];
}

type Message =
  | { type: 'rounds'; rounds: { round: number; evals: Record<string, number> }[] }
  | { type: 'done'; rounds: number; best: { iteration: number; loss: number } }
  | { type: 'stopped'; rounds: number }
  | { type: 'failed'; what: string; message: string };

/** Idle threads, reused by the next training; each ends after IDLE_MS without work. */
const idle: { worker: Worker; timer: NodeJS.Timeout }[] = [];
const IDLE_MS = 60_000;
let threadCode: { koffi: string; library: string; nice: number } | undefined;

function takeThread(): Worker {
  const spare = idle.pop();
  if (spare) {
    clearTimeout(spare.timer);
    spare.worker.ref();
    return spare.worker;
  }
  threadCode ??= {
    koffi: createRequire(import.meta.url).resolve('koffi'),
    library: loadXGBoost().path,
    nice: boostingNice(),
  };
  // No loader flags: the thread's code is plain JavaScript.
  return new Worker(THREAD, { eval: true, execArgv: [], workerData: threadCode });
}

/**
 * The nice value of boosting threads (and of the OpenMP threads they start, which inherit it):
 * TRAINCTL_BOOSTING_NICE, default 10, 0 to leave them at the process's. Training takes every core it
 * gets; at a lower priority it still does whenever nothing else wants one, while the worker's
 * control plane (event loop, workflow tasks, heartbeats, the SDK's core threads) and the Temporal
 * server get a core as soon as they wake. A search's next fold waited on them: the workflow task
 * that schedules it took 14 ms among busy boosting threads, 10 ms with them niced (bench/hpo).
 * Linux only (a thread's nice value is its own there).
 */
export function boostingNice(env: NodeJS.ProcessEnv = process.env): number {
  if (process.platform !== 'linux') return 0;
  const n = Number(env.TRAINCTL_BOOSTING_NICE ?? 10);
  return Number.isInteger(n) && n >= 0 && n <= 19 ? n : 10;
}

function giveBack(worker: Worker): void {
  // An idle thread does not keep the process alive.
  worker.unref();
  const timer = setTimeout(() => {
    const i = idle.findIndex((t) => t.worker === worker);
    if (i >= 0) idle.splice(i, 1);
    void worker.terminate();
  }, IDLE_MS);
  timer.unref();
  idle.push({ worker, timer });
}

/**
 * Rounds `from` … `rounds - 1` of `booster` on a boosting thread; `onRound` is called on the event
 * loop, in order, as rounds finish (the thread does not wait for it). A cancellation (`signal`) or
 * a failing `onRound` stops the thread before its next round.
 */
export function boostRounds(o: BoostRoundsOptions): Promise<BoostRoundsResult> {
  if (o.signal?.aborted) return Promise.reject(cancelled(o.signal));
  // The thread's messages arrive outside the caller's async context; bound here, the callback runs
  // in it, so a Temporal activity's heartbeat(), its cancellation and its logger work per round.
  const onRound = o.onRound ? AsyncResource.bind(o.onRound) : undefined;
  const worker = takeThread();
  const stop = new Int32Array(new SharedArrayBuffer(4));
  const onAbort = () => Atomics.store(stop, 0, 1);
  o.signal?.addEventListener('abort', onAbort);
  const evals: Record<string, number>[] = [];
  let progress: Promise<void> = Promise.resolve();
  let callbackError: Error | undefined;
  return new Promise<BoostRoundsResult>((resolve, reject) => {
    const finish = (outcome: () => BoostRoundsResult) => {
      o.signal?.removeEventListener('abort', onAbort);
      // Only our own listeners go: removeAllListeners() would take the Worker's internal ones too.
      worker.off('message', onMessage).off('error', onError);
      giveBack(worker);
      // Every round's callback has run before the training is reported done.
      void progress.then(() => {
        try {
          if (callbackError !== undefined) throw callbackError;
          resolve(outcome());
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    };
    const onMessage = (m: Message) => {
      switch (m.type) {
        case 'rounds':
          for (const r of m.rounds) {
            evals.push(r.evals);
            progress = progress.then(async () => {
              if (callbackError !== undefined) return;
              try {
                await onRound?.(r.round, r.evals);
              } catch (err) {
                callbackError = err instanceof Error ? err : new Error('a round callback failed', { cause: err });
                Atomics.store(stop, 0, 1);
              }
            });
          }
          return;
        case 'done':
          return finish(() => ({ rounds: m.rounds, best: m.best, evals }));
        case 'stopped':
          return finish(() => {
            throw o.signal?.aborted ? cancelled(o.signal) : new Error('training stopped');
          });
        case 'failed':
          return finish(() => {
            throw new ModelError(`XGBoost ${m.what} failed: ${m.message}`);
          });
      }
    };
    // The thread itself failed (it is gone and not reused).
    const onError = (err: Error) => {
      o.signal?.removeEventListener('abort', onAbort);
      worker.off('message', onMessage).off('error', onError);
      reject(err);
    };
    worker.on('message', onMessage).on('error', onError);
    worker.postMessage({
      booster: koffi.address(o.booster.native),
      train: koffi.address(o.train.native),
      valid: o.valid ? koffi.address(o.valid.native) : null,
      base: o.base,
      from: o.from,
      rounds: o.rounds,
      best: o.best,
      earlyStoppingRounds: o.earlyStoppingRounds,
      progressMs: o.progressMs ?? PROGRESS_MS,
      stop: stop.buffer,
    });
  });
}

function cancelled(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('training cancelled');
}
