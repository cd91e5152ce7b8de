import { AsyncLocalStorage } from 'node:async_hooks';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { walkForwardFolds } from '../../../lib/evaluation/folds';
import { trainLightGBM } from '../../../lib/lightgbm';
import { trainModel, type Dataset, type XgbHyperparams } from '../../../lib/xgboost';
import { boostingPlan, defaultHyperparams } from '../../../lib/xgboost/params';
import { boostingNice } from '../../../lib/xgboost/boostingThread';
import { runPythonJson, WITHOUT_OPTIONAL_IMPORTS } from '../../support/python';
import { makeDataset } from './fixtures';

/**
 * Issue 16, item 4: a trial's result must not depend on what else trains at the same time.
 * XGBoost keeps its random engine per thread and our native calls run on libuv's pool, so two
 * boosters training at once used to draw each other's row and column samples.
 */

const data = makeDataset({ rows: 1200, cols: 8, seed: 31, nanRate: 0.02 });
const other = makeDataset({ rows: 900, cols: 8, seed: 32 });

/** Makes two trainings alternate strictly, round by round (A, B, A, B, …) whatever the pool does. */
function lockstep() {
  let turn = 0;
  let finished = false;
  const waiters = new Map<number, () => void>();
  const wait = (me: number) =>
    new Promise<void>((resolve) => {
      if (finished || turn % 2 === me) resolve();
      else waiters.set(me, resolve);
    });
  const pass = () => {
    turn++;
    const next = waiters.get(turn % 2);
    waiters.delete(turn % 2);
    next?.();
  };
  return {
    onRound: (me: number) => async () => {
      pass();
      await wait(me);
    },
    // The one that finishes first must not block the other.
    done: () => {
      finished = true;
      for (const resolve of waiters.values()) resolve();
      waiters.clear();
    },
  };
}

const sampled: Partial<XgbHyperparams> = { nEstimators: 25, maxDepth: 4, learningRate: 0.2, subsample: 0.7, colsampleBytree: 0.6 };

async function xgbPredictions(train: Dataset, params: Partial<XgbHyperparams>, seed: number, onRound?: () => Promise<void>) {
  const { booster } = await trainModel({ train, modelType: 'xgb', params, seed, onRound });
  try {
    return Array.from(await booster.predict(data.X));
  } finally {
    booster.dispose();
  }
}

describe('boosting thread', () => {
  it("calls onRound in the caller's async context (an activity's heartbeat and cancellation live there), also on a reused thread", async () => {
    const context = new AsyncLocalStorage<string>();
    // The second training reuses the first one's idle thread, whose messages belong to the first context.
    for (const activity of ['activity-1', 'activity-2']) {
      const seen: (string | undefined)[] = [];
      const { booster } = await context.run(activity, () =>
        trainModel({
          train: data,
          modelType: 'xgb',
          params: { ...sampled, nEstimators: 6 },
          seed: 7,
          onRound: () => void seen.push(context.getStore()),
        }),
      );
      booster.dispose();
      expect(seen).toEqual(Array(6).fill(activity));
    }
  });

  it('reports every round once, in order, with its evaluation, though the thread sends them in batches', async () => {
    const valid = makeDataset({ rows: 300, cols: 8, seed: 33 });
    const seen: { round: number; evals: Record<string, number> }[] = [];
    const fit = await trainModel({
      train: data,
      valid,
      modelType: 'xgb',
      params: { ...sampled, nEstimators: 60 },
      seed: 7,
      onRound: ({ round, evals }) => void seen.push({ round, evals }),
    });
    fit.booster.dispose();
    expect(seen.map((r) => r.round)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(seen.map((r) => r.evals)).toEqual(fit.evalHistory);
    expect(seen.every((r) => Number.isFinite(r.evals['valid-logloss']))).toBe(true);
  });

  it.runIf(process.platform === 'linux')('boosts at the nice value of boostingNice() (10 by default), below the event loop', async () => {
    expect(boostingNice({})).toBe(10);
    expect(boostingNice({ TRAINCTL_BOOSTING_NICE: '0' })).toBe(0);
    expect(boostingNice({ TRAINCTL_BOOSTING_NICE: 'high' })).toBe(10);
    const nice = (task: string) => Number(readFileSync(`/proc/self/task/${task}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
    const during: number[] = [];
    const fit = await trainModel({
      train: data,
      modelType: 'xgb',
      params: { ...sampled, nEstimators: 40 },
      seed: 7,
      // While the training runs: the nice values of this process's threads.
      onRound: ({ round }) => {
        if (round === 1) for (const task of readdirSync('/proc/self/task')) during.push(nice(task));
      },
    });
    fit.booster.dispose();
    expect(nice(String(process.pid))).toBe(0);
    expect(during).toContain(10);
  });
});

describe('concurrent boosters', () => {
  it('XGBoost: a trial trained alone and trained interleaved with another booster gives bit-identical predictions', async () => {
    const alone = await xgbPredictions(data, sampled, 7);
    const again = await xgbPredictions(data, sampled, 7);
    expect(again).toEqual(alone);

    for (const modelType of ['xgb', 'rf'] as const) {
      const soloRun = await trainModel({ train: data, modelType, params: sampled, seed: 7 });
      const solo = Array.from(await soloRun.booster.predict(data.X));
      soloRun.booster.dispose();
      const step = lockstep();
      const [mine, theirs] = await Promise.all([
        trainModel({ train: data, modelType, params: sampled, seed: 7, onRound: step.onRound(0) }).finally(step.done),
        trainModel({
          train: other,
          modelType,
          params: { ...sampled, subsample: 0.8, colsampleBytree: 0.7 },
          seed: 8,
          onRound: step.onRound(1),
        }).finally(step.done),
      ]);
      theirs.booster.dispose();
      const interleaved = Array.from(await mine.booster.predict(data.X));
      mine.booster.dispose();
      expect(interleaved, modelType).toEqual(solo);
    }
  });

  it('XGBoost: sampling still depends on the seed (the fix does not turn sampling off)', async () => {
    const a = await xgbPredictions(data, sampled, 7);
    const b = await xgbPredictions(data, sampled, 8);
    expect(b).not.toEqual(a);
  });

  it('XGBoost: with row and column sampling, Python xgb.train with the same parameters (seed_per_iteration) grows the same trees', async () => {
    const alone = await xgbPredictions(data, sampled, 7);
    const plan = boostingPlan('xgb', { ...defaultHyperparams, ...sampled }, { seed: 7 });
    expect(plan.params.seed_per_iteration).toBe('true');
    const theirs = runPythonJson<number[]>(
      `${WITHOUT_OPTIONAL_IMPORTS}import json, sys, numpy as np, xgboost as xgb
c = json.load(sys.stdin)
X = np.array([np.nan if v is None else v for v in c['X']], dtype=np.float32).reshape(c['rows'], c['cols'])
d = xgb.DMatrix(X, label=np.array(c['y'], dtype=np.float32), missing=np.nan, feature_names=c['names'])
b = xgb.train(c['params'], d, num_boost_round=c['rounds'])
print(json.dumps(b.predict(d).tolist()))`,
      {
        params: plan.params,
        rounds: plan.rounds,
        names: data.X.featureNames,
        X: Array.from(data.X.data, (v) => (Number.isNaN(v) ? null : v)),
        y: Array.from(data.y),
        rows: data.X.rows,
        cols: data.X.cols,
      },
    );
    expect(theirs).toHaveLength(alone.length);
    const worst = Math.max(...alone.map((p, i) => Math.abs(p - theirs[i]!)));
    expect(worst).toBeLessThanOrEqual(1e-6);
  });

  it('LightGBM: bagging and feature fraction are per booster; interleaving changes nothing', async () => {
    const params = { nEstimators: 20, numLeaves: 15, learningRate: 0.2, baggingFraction: 0.7, featureFraction: 0.6 };
    const run = async (onRound?: () => Promise<void>, train = data, seed = 7) => {
      const { booster } = await trainLightGBM({ train, params, seed, onRound });
      try {
        return Array.from(await booster.predict(data.X));
      } finally {
        booster.dispose();
      }
    };
    const solo = await run();
    const step = lockstep();
    const [interleaved] = await Promise.all([run(step.onRound(0)).finally(step.done), run(step.onRound(1), other, 8).finally(step.done)]);
    expect(interleaved).toEqual(solo);
  });

  it('a walk-forward search evaluated one trial at a time and two at a time gives identical trial values', async () => {
    const dates = Array.from({ length: data.X.rows }, (_, i) => `d${String(Math.floor(i / 4)).padStart(5, '0')}`);
    const folds = walkForwardFolds({ dates, nFolds: 3, purgeGap: 2 });
    const pick = (idx: ArrayLike<number>): Dataset => {
      const rows = Array.from(idx);
      const X = new Float32Array(rows.length * data.X.cols);
      rows.forEach((r, i) => X.set(data.X.data.subarray(r * data.X.cols, (r + 1) * data.X.cols), i * data.X.cols));
      return { X: { ...data.X, data: X, rows: rows.length }, y: Float32Array.from(rows, (r) => data.y[r]!) };
    };
    const trials: Partial<XgbHyperparams>[] = [0.6, 0.7, 0.8, 0.9].map((s, i) => ({
      nEstimators: 15 + 5 * i,
      maxDepth: 3 + i,
      learningRate: 0.1 + 0.05 * i,
      subsample: s,
      colsampleBytree: 1.5 - s,
    }));
    const logLoss = (p: Float32Array, y: Float32Array) => {
      let s = 0;
      for (let i = 0; i < y.length; i++) s -= y[i] === 1 ? Math.log(Math.max(p[i]!, 1e-15)) : Math.log(Math.max(1 - p[i]!, 1e-15));
      return s / y.length;
    };
    const trialValue = async (params: Partial<XgbHyperparams>) => {
      let sum = 0;
      for (const f of folds) {
        const { booster } = await trainModel({ train: pick(f.trainIdx), modelType: 'xgb', params, seed: 42 });
        const test = pick(f.testIdx);
        sum += logLoss(await booster.predict(test.X), test.y);
        booster.dispose();
      }
      return sum / folds.length;
    };
    const search = async (parallel: number) => {
      const values: number[] = new Array<number>(trials.length);
      let next = 0;
      const lane = async () => {
        for (let t = next++; t < trials.length; t = next++) values[t] = await trialValue(trials[t]!);
      };
      await Promise.all(Array.from({ length: parallel }, lane));
      return values;
    };
    const serial = await search(1);
    expect(await search(2)).toEqual(serial);
    expect(await search(3)).toEqual(serial);
  });
});
