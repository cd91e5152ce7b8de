import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LgbBooster, trainLightGBM, type LgbHyperparams, type Matrix } from '../../../lib/lightgbm';
import { exportLightGBMToOnnx, OnnxModel } from '../../../lib/onnx';
import { makeDataset } from '../xgboost/fixtures';
import { concatRows, pythonPredict, pythonTrain, splitsOf, thresholdEdgeRows } from './support/reference';

const dir = mkdtempSync(join(tmpdir(), 'lgb-parity-'));

/** Score `X` three ways from one model file: ONNX export, our binding, Python lightgbm. */
async function compare(o: { modelPath: string; X: Matrix; tag: string }) {
  const booster = await LgbBooster.load({ path: o.modelPath });
  const dump = booster.dumpModel();
  const X = concatRows(o.X, thresholdEdgeRows(o.X, splitsOf(dump).slice(0, 400)));
  const native = await booster.predict(X);
  booster.dispose();
  const onnxPath = join(dir, `${o.tag}.onnx`);
  writeFileSync(onnxPath, exportLightGBMToOnnx(dump, { featureNames: X.featureNames }));
  const onnx = await OnnxModel.load(onnxPath);
  const scored = await onnx.predictProba(X);
  await onnx.dispose();
  const python = pythonPredict({ dir, modelPath: o.modelPath, X, tag: o.tag });
  let onnxVsPython = 0;
  let nativeVsPython = 0;
  for (let i = 0; i < X.rows; i++) {
    onnxVsPython = Math.max(onnxVsPython, Math.abs(scored[i]! - python[i]!));
    nativeVsPython = Math.max(nativeVsPython, Math.abs(native[i]! - python[i]!));
  }
  const spread = Math.max(...python) - Math.min(...python);
  return {
    onnxVsPython,
    nativeVsPython,
    spread,
    rows: X.rows,
    depth: maxDepth(dump),
    trees: (JSON.parse(dump) as { tree_info: unknown[] }).tree_info.length,
  };
}

async function trainAndSave(tag: string, data: Parameters<typeof makeDataset>[0], params: Partial<LgbHyperparams>) {
  const ds = makeDataset(data);
  const fit = await trainLightGBM({ train: ds, params, seed: 3 });
  const modelPath = join(dir, `${tag}.model.txt`);
  writeFileSync(modelPath, fit.booster.toModelString());
  fit.booster.dispose();
  return { modelPath, X: ds.X, y: ds.y };
}

function maxDepth(dump: string): number {
  const depth = (n: Record<string, unknown>): number =>
    typeof n.split_feature === 'number' ? 1 + Math.max(depth(n.left_child as never), depth(n.right_child as never)) : 0;
  return Math.max(
    ...(JSON.parse(dump) as { tree_info: { tree_structure: Record<string, unknown> }[] }).tree_info.map((t) => depth(t.tree_structure)),
  );
}

/** Exact zeros, values LightGBM counts as zero (|x| ≤ 1e-35) and just above, and NaNs. */
function withZeros(X: Matrix, seed: number): Matrix {
  const data = Float32Array.from(X.data);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const u = s / 4294967296;
    if (u < 0.08) data[i] = 0;
    else if (u < 0.1) data[i] = u < 0.09 ? 1e-36 : -2e-35;
    else if (u < 0.14) data[i] = Number.NaN;
  }
  return { ...X, data };
}

describe('LightGBM → ONNX parity with Python lightgbm on the same model file (max |Δp| ≤ 1e-6 on every row)', () => {
  const cases: [string, Parameters<typeof makeDataset>[0], Partial<LgbHyperparams>, (r: Awaited<ReturnType<typeof compare>>) => void][] = [
    [
      'depth 1, 1 tree',
      { rows: 400, cols: 4, seed: 1 },
      { maxDepth: 1, numLeaves: 2, nEstimators: 1 },
      (r) => expect([r.depth, r.trees]).toEqual([1, 1]),
    ],
    [
      'depth ≤ 6, 100 trees, 10% NaN',
      { rows: 2000, cols: 12, seed: 2, nanRate: 0.1 },
      { maxDepth: 6, numLeaves: 40, nEstimators: 100 },
      (r) => expect(r.depth).toBe(6),
    ],
    [
      'depth 12, 500 trees, constant columns',
      { rows: 3000, cols: 10, seed: 3, constantCols: 3 },
      { maxDepth: 12, numLeaves: 300, minChildSamples: 3, nEstimators: 500, learningRate: 0.05 },
      (r) => expect([r.depth, r.trees]).toEqual([12, 500]),
    ],
    [
      'imbalanced labels (~8% positive), bagging and feature fraction',
      { rows: 3000, cols: 8, seed: 4, positiveRate: 0.08 },
      { numLeaves: 15, nEstimators: 150, baggingFraction: 0.7, featureFraction: 0.7 },
      () => {},
    ],
  ];
  for (const [name, data, params, extra] of cases) {
    it(name, async () => {
      const tag = name.replace(/\W+/g, '_');
      const { modelPath, X } = await trainAndSave(tag, data, params);
      const r = await compare({ modelPath, X, tag });
      expect(r.spread).toBeGreaterThan(0.01); // a constant model would prove nothing
      expect(r.nativeVsPython).toBeLessThanOrEqual(1e-12);
      expect(r.onnxVsPython).toBeLessThanOrEqual(1e-6);
      extra(r);
    });
  }

  it('NaNs and zeros at prediction time on features trained without missing values (missing_type None)', async () => {
    const { modelPath, X } = await trainAndSave('none', { rows: 2000, cols: 6, seed: 5 }, { nEstimators: 60 });
    const r = await compare({ modelPath, X: withZeros(X, 5), tag: 'none' });
    expect(r.spread).toBeGreaterThan(0.01);
    expect(r.onnxVsPython).toBeLessThanOrEqual(1e-6);
  });

  it('zero_as_missing=true (missing_type Zero), with zeros, tiny values and NaNs', async () => {
    const ds = makeDataset({ rows: 2500, cols: 6, seed: 6 });
    const X = withZeros(ds.X, 6);
    const modelPath = pythonTrain({
      dir,
      X,
      y: ds.y,
      params: { objective: 'binary', zero_as_missing: true, num_leaves: 31, verbosity: -1, seed: 1 },
      rounds: 80,
      tag: 'zero',
    });
    const booster = await LgbBooster.load({ path: modelPath });
    const types = new Set(JSON.stringify(JSON.parse(booster.dumpModel())).match(/"missing_type":"\w+"/g));
    booster.dispose();
    expect(types).toContain('"missing_type":"Zero"');
    const r = await compare({ modelPath, X, tag: 'zero' });
    expect(r.spread).toBeGreaterThan(0.01);
    expect(r.onnxVsPython).toBeLessThanOrEqual(1e-6);
  });

  it('a sigmoid other than 1 (objective "binary sigmoid:0.6")', async () => {
    const ds = makeDataset({ rows: 1500, cols: 5, seed: 7, nanRate: 0.05 });
    const modelPath = pythonTrain({
      dir,
      X: ds.X,
      y: ds.y,
      params: { objective: 'binary', sigmoid: 0.6, verbosity: -1, seed: 1 },
      rounds: 50,
      tag: 'sigmoid',
    });
    const r = await compare({ modelPath, X: ds.X, tag: 'sigmoid' });
    expect(r.spread).toBeGreaterThan(0.01);
    expect(r.onnxVsPython).toBeLessThanOrEqual(1e-6);
  });
});
