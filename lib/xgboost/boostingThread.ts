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
parentPort.on('message', (job) => {
  const stop = new Int32Array(job.stop);
  // The early-stopping rule of lib/xgboost/train.ts (the rounds before 'from' ran there).
  let best = job.best;
  let round = job.from;
  for (; round < job.rounds; round++) {
    if (Atomics.load(stop, 0) !== 0) return parentPort.postMessage({ type: 'stopped', rounds: round });
    const iteration = job.base + round;
    if (update(job.booster, iteration, job.train) !== 0)
      return parentPort.postMessage({ type: 'failed', what: 'boosting round ' + iteration, message: lastError() });
    const evals = {};
    if (job.valid) {
      const out = [null];
      if (evaluate(job.booster, iteration, [job.valid], ['valid'], 1, out) !== 0)
        return parentPort.postMessage({ type: 'failed', what: 'evaluation', message: lastError() });
      for (const part of (out[0] || '').split('\\t').slice(1)) {
        const [key, value] = part.split(':');
        if (key && value !== undefined) evals[key] = Number(value);
      }
    }
    parentPort.postMessage({ type: 'round', round: round + 1, evals });
    const loss = evals['valid-logloss'];
    if (loss !== undefined && loss < best.loss - 1e-12) best = { iteration: round, loss };
    if (loss === undefined) best = { iteration: round, loss: Infinity };
    if (job.earlyStoppingRounds > 0 && round - best.iteration >= job.earlyStoppingRounds) { round++; break; }
  }
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
}

export interface BoostRoundsResult {
  /** Rounds trained in all (including `from`). */
  rounds: number;
  best: { iteration: number; loss: number };
  /** The evaluations of rounds `from` … `rounds - 1`. */
  evals: Record<string, number>[];
}

type Message =
  | { type: 'round'; round: number; evals: Record<string, number> }
  | { type: 'done'; rounds: number; best: { iteration: number; loss: number } }
  | { type: 'stopped'; rounds: number }
  | { type: 'failed'; what: string; message: string };

/** Idle threads, reused by the next training; each ends after IDLE_MS without work. */
const idle: { worker: Worker; timer: NodeJS.Timeout }[] = [];
const IDLE_MS = 60_000;
let threadCode: { koffi: string; library: string } | undefined;

function takeThread(): Worker {
  const spare = idle.pop();
  if (spare) {
    clearTimeout(spare.timer);
    spare.worker.ref();
    return spare.worker;
  }
  threadCode ??= { koffi: createRequire(import.meta.url).resolve('koffi'), library: loadXGBoost().path };
  // No loader flags: the thread's code is plain JavaScript.
  return new Worker(THREAD, { eval: true, execArgv: [], workerData: threadCode });
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
        case 'round':
          evals.push(m.evals);
          progress = progress.then(async () => {
            if (callbackError !== undefined) return;
            try {
              await onRound?.(m.round, m.evals);
            } catch (err) {
              callbackError = err instanceof Error ? err : new Error('a round callback failed', { cause: err });
              Atomics.store(stop, 0, 1);
            }
          });
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
      stop: stop.buffer,
    });
  });
}

function cancelled(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error('training cancelled');
}
