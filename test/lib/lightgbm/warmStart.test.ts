import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lightgbmParams, trainLightGBM, type LgbHyperparams } from '../../../lib/lightgbm';
import { defaultLgbHyperparams } from '../../../lib/lightgbm/params';
import { exportLightGBMToOnnx, OnnxModel } from '../../../lib/onnx';
import { ModelError } from '../../../lib/util/errors';
import { makeDataset } from '../xgboost/fixtures';
import { concatRows, pythonContinue, pythonPredict, splitsOf, thresholdEdgeRows } from './support/reference';

const dir = mkdtempSync(join(tmpdir(), 'lgb-warm-'));
const old = makeDataset({ rows: 1500, cols: 6, seed: 41, nanRate: 0.03 });
const fresh = makeDataset({ rows: 1200, cols: 6, seed: 42, nanRate: 0.03 });
const valid = makeDataset({ rows: 600, cols: 6, seed: 43, nanRate: 0.03 });
const hp: LgbHyperparams = { ...defaultLgbHyperparams, nEstimators: 15, numLeaves: 15, baggingFraction: 0.8, featureFraction: 0.9 };
const seed = 3;

/** The production model of these tests: 15 rounds on the old window, saved as a model file. */
async function baseModel(): Promise<{ text: string; path: string }> {
  const fit = await trainLightGBM({ train: old, params: hp, seed, nthread: 1 });
  const text = fit.booster.toModelString();
  fit.booster.dispose();
  const path = join(dir, 'base.model.txt');
  writeFileSync(path, text);
  return { text, path };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('warm start (LightGBM init_model: init scores, then LGBM_BoosterMerge)', () => {
  it('continues like Python lgb.train(init_model=…): same tree count, validation losses and predictions', async () => {
    const base = await baseModel();
    const more = { ...hp, nEstimators: 10 };
    const warm = await trainLightGBM({ train: fresh, valid, params: more, seed, nthread: 1, initModel: base.text });
    const X = concatRows(fresh.X, old.X);
    const ours = await warm.booster.predict(X);
    const firstRounds = await warm.booster.predict(X, { numIteration: 15 });
    const total = warm.booster.currentIteration();
    warm.booster.dispose();
    const theirs = pythonContinue({
      dir,
      tag: 'continue',
      initModelPath: base.path,
      train: fresh,
      valid,
      params: lightgbmParams(more, { seed, nthread: 1 }),
      rounds: 10,
      predict: X,
    });
    expect([warm.baseRounds, warm.rounds, warm.bestIteration, total]).toEqual([15, 10, 24, 25]);
    expect([theirs.trees, theirs.iteration]).toEqual([total, total]);
    expect(maxAbsDiff(ours, theirs.p)).toBeLessThanOrEqual(1e-6);
    // The validation set starts from the initial model's scores too, or these would differ.
    const losses = warm.evalHistory.map((e) => e['valid-logloss']!);
    expect(theirs.validLogloss).toHaveLength(10);
    expect(maxAbsDiff(losses, theirs.validLogloss)).toBeLessThanOrEqual(1e-9);
    // The old trees come first and unchanged; the new ones move the predictions.
    const before = pythonPredict({ dir, modelPath: base.path, X, tag: 'base' });
    expect(maxAbsDiff(firstRounds, before)).toBeLessThanOrEqual(1e-12);
    expect(maxAbsDiff(ours, before)).toBeGreaterThan(1e-3);
  });

  it('early stopping keeps every initial round and the best new ones, as lgb.early_stopping does', async () => {
    const base = await baseModel();
    const more = { ...hp, nEstimators: 200, numLeaves: 63, minChildSamples: 2, learningRate: 0.3 };
    const r = await trainLightGBM({ train: fresh, valid, params: more, earlyStoppingRounds: 5, seed, nthread: 1, initModel: base.text });
    const ours = await r.booster.predict(fresh.X);
    const kept = r.booster.currentIteration();
    r.booster.dispose();
    const theirs = pythonContinue({
      dir,
      tag: 'early',
      initModelPath: base.path,
      train: fresh,
      valid,
      params: lightgbmParams(more, { seed, nthread: 1 }),
      rounds: 200,
      earlyStoppingRounds: 5,
      predict: fresh.X,
    });
    expect(r.rounds).toBeLessThan(200);
    expect(r.bestIteration).toBeGreaterThanOrEqual(15);
    expect(kept).toBe(r.bestIteration + 1);
    expect(r.rounds - 1 - (r.bestIteration - 15)).toBe(5);
    expect(theirs.bestIteration).toBe(r.bestIteration + 1);
    // lgb.train returns its model saved up to the best iteration, as ours keeps it.
    expect([theirs.trees, theirs.iteration]).toEqual([kept, kept]);
    const losses = r.evalHistory.map((e) => e['valid-logloss']!);
    expect(Math.min(...losses)).toBe(losses[r.bestIteration - 15]);
    // Python predicts with its best iteration by default.
    expect(maxAbsDiff(ours, theirs.p)).toBeLessThanOrEqual(1e-6);
  });

  it('the continued model exports to ONNX that scores as lib_lightgbm and Python do (threshold-edge rows included)', async () => {
    const base = await baseModel();
    const warm = await trainLightGBM({ train: fresh, params: { ...hp, nEstimators: 10 }, seed, initModel: base.text });
    const dump = warm.booster.dumpModel();
    const X = concatRows(fresh.X, thresholdEdgeRows(fresh.X, splitsOf(dump).slice(0, 300)));
    const native = await warm.booster.predict(X);
    const modelPath = join(dir, 'warm.model.txt');
    writeFileSync(modelPath, warm.booster.toModelString());
    warm.booster.dispose();
    expect((JSON.parse(dump) as { tree_info: unknown[] }).tree_info).toHaveLength(25);
    const onnxPath = join(dir, 'warm.onnx');
    writeFileSync(onnxPath, exportLightGBMToOnnx(dump, { featureNames: X.featureNames }));
    const onnx = await OnnxModel.load(onnxPath);
    const scored = await onnx.predictProba(X);
    await onnx.dispose();
    expect(Math.max(...native) - Math.min(...native)).toBeGreaterThan(0.01);
    expect(maxAbsDiff(scored, native)).toBeLessThanOrEqual(1e-6);
    expect(maxAbsDiff(pythonPredict({ dir, modelPath, X, tag: 'warm' }), native)).toBeLessThanOrEqual(1e-12);
  });

  it('refuses an initial model of other features or a corrupted one (ModelError), never training from scratch', async () => {
    const base = await baseModel();
    const renamed = { ...fresh, X: { ...fresh.X, featureNames: fresh.X.featureNames.map((n, j) => (j === 2 ? 'sentiment' : n)) } };
    await expect(trainLightGBM({ train: renamed, params: hp, initModel: base.text })).rejects.toThrow(
      /cannot continue a LightGBM model trained on features \(f_0, f_1, f_2, .*\) with data of features \(f_0, f_1, sentiment, /,
    );
    const wider = makeDataset({ rows: 300, cols: 7, seed: 44 });
    await expect(trainLightGBM({ train: wider, params: hp, initModel: base.text })).rejects.toThrow(ModelError);
    await expect(trainLightGBM({ train: fresh, params: hp, initModel: base.text.slice(0, 400) })).rejects.toThrow(/not a LightGBM model/);
  });
});
