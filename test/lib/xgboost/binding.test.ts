import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../../lib/util/errors';
import { Booster, DMatrix, trainModel, xgboostVersion } from '../../../lib/xgboost';
import { runPythonJson, WITHOUT_OPTIONAL_IMPORTS } from '../../support/python';
import { makeDataset } from './fixtures';

const dir = mkdtempSync(join(tmpdir(), 'xgb-binding-'));

describe('libxgboost binding', () => {
  it('loads the pinned library', () => {
    expect(xgboostVersion()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('trains a model that Python XGBoost loads and scores identically', async () => {
    const ds = makeDataset({ rows: 1500, cols: 6, seed: 11, nanRate: 0.05 });
    const { booster } = await trainModel({ train: ds, modelType: 'xgb', params: { nEstimators: 40, maxDepth: 4 }, seed: 1 });
    const path = join(dir, 'model.json');
    await booster.saveTo(path, 'json');
    const ours = Array.from(await booster.predict(ds.X));
    booster.dispose();
    const theirs = runPythonJson<number[]>(
      `${WITHOUT_OPTIONAL_IMPORTS}import json, sys, numpy as np, xgboost as xgb
c = json.load(sys.stdin)
b = xgb.Booster(model_file=c['path'])
X = np.array([np.nan if v is None else v for v in c['X']], dtype=np.float32).reshape(c['rows'], c['cols'])
print(json.dumps(b.predict(xgb.DMatrix(X, missing=np.nan, feature_names=c['names'])).tolist()))`,
      { path, names: ds.X.featureNames, X: Array.from(ds.X.data, (v) => (Number.isNaN(v) ? null : v)), rows: ds.X.rows, cols: ds.X.cols },
    );
    expect(theirs).toHaveLength(ours.length);
    for (let i = 0; i < ours.length; i++) expect(Math.abs(ours[i]! - theirs[i]!)).toBeLessThanOrEqual(1e-7);
  });

  it('round-trips JSON and UBJSON with feature names', async () => {
    const ds = makeDataset({ rows: 500, cols: 4, seed: 12 });
    const { booster } = await trainModel({ train: ds, modelType: 'xgb', params: { nEstimators: 10 } });
    const before = await booster.predict(ds.X);
    const fromJson = await Booster.load(new TextEncoder().encode(booster.toJson()));
    const fromUbj = await Booster.load(booster.toUbj(), ds.X.featureNames);
    expect(fromJson.featureNames).toEqual(ds.X.featureNames);
    expect(Array.from(await fromJson.predict(ds.X))).toEqual(Array.from(before));
    expect(Array.from(await fromUbj.predict(ds.X))).toEqual(Array.from(before));
    for (const b of [booster, fromJson, fromUbj]) b.dispose();
  });

  it('stops early on the validation set and keeps only the best rounds', async () => {
    const train = makeDataset({ rows: 600, cols: 5, seed: 13 });
    const valid = makeDataset({ rows: 600, cols: 5, seed: 14 });
    const r = await trainModel({
      train,
      valid,
      modelType: 'xgb',
      params: { nEstimators: 400, maxDepth: 8, learningRate: 0.3 },
      earlyStoppingRounds: 10,
    });
    expect(r.rounds).toBeLessThan(400);
    expect(r.rounds - 1 - r.bestIteration).toBe(10);
    expect(r.booster.boostedRounds()).toBe(r.bestIteration + 1);
    const losses = r.evalHistory.map((e) => e['valid-logloss']!);
    expect(Math.min(...losses)).toBe(losses[r.bestIteration]);
    r.booster.dispose();
  });

  it('refuses non-binary and single-class labels with a DataError naming the problem', async () => {
    const ds = makeDataset({ rows: 100, cols: 3, seed: 15 });
    await expect(trainModel({ train: { ...ds, y: ds.y.map(() => 1) }, modelType: 'xgb' })).rejects.toThrow(
      /single class \(100 up, 0 down\)/,
    );
    const bad = Float32Array.from(ds.y);
    bad[7] = 2;
    await expect(trainModel({ train: { ...ds, y: bad }, modelType: 'xgb' })).rejects.toThrow(DataError);
    await expect(trainModel({ train: { ...ds, y: bad }, modelType: 'xgb' })).rejects.toThrow(/row 7 has 2/);
  });

  it("refuses an out-of-range parameter before XGBoost sees it, and surfaces XGBoost's own error message otherwise", async () => {
    const ds = makeDataset({ rows: 100, cols: 3, seed: 16 });
    await expect(trainModel({ train: ds, modelType: 'xgb', params: { maxDepth: -3 } })).rejects.toThrow(
      /invalid XGBoost parameters: max_depth/,
    );
    // Straight through the binding, the library's own message comes back.
    const dtrain = DMatrix.fromDataset(ds);
    const booster = Booster.create([dtrain], { max_depth: -3 }, ds.X.featureNames);
    try {
      await expect(booster.updateOneIter(0, dtrain)).rejects.toThrow(/XGBoost .*failed: .*max_depth|XGBoost .*failed/);
    } finally {
      booster.dispose();
      dtrain.dispose();
    }
  });

  it('keeps the event loop free during a long training (heartbeats keep arriving)', async () => {
    const ds = makeDataset({ rows: 60_000, cols: 30, seed: 17 });
    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(performance.now()), 20);
    const started = performance.now();
    const { booster } = await trainModel({ train: ds, modelType: 'xgb', params: { nEstimators: 60, maxDepth: 8 }, nthread: 1 });
    const elapsed = performance.now() - started;
    clearInterval(timer);
    booster.dispose();
    expect(elapsed).toBeGreaterThan(1000); // long enough that a blocking call would show
    const gaps = ticks.slice(1).map((t, i) => t - ticks[i]!);
    expect(Math.max(...gaps)).toBeLessThan(250);
    expect(ticks.length).toBeGreaterThan(elapsed / 20 / 3);
  });

  it('frees native handles: 1,000 train/free cycles leave RSS bounded', async () => {
    const ds = makeDataset({ rows: 300, cols: 8, seed: 18 });
    const cycle = async () => {
      const { booster } = await trainModel({ train: ds, modelType: 'xgb', params: { nEstimators: 3, maxDepth: 3 }, nthread: 1 });
      await booster.predict(ds.X);
      booster.dispose();
    };
    for (let i = 0; i < 100; i++) await cycle(); // warm up allocator pools
    global.gc?.();
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 1000; i++) await cycle();
    global.gc?.();
    const grown = (process.memoryUsage().rss - before) / 1024 / 1024;
    writeFileSync(join(dir, 'rss.txt'), `${grown.toFixed(1)} MiB after 1000 cycles\n`);
    // A leaked booster + DMatrix of this size is ~100 KB: 1,000 leaks would add ~100 MB.
    expect(grown).toBeLessThan(25);
  }, 120_000);
});
