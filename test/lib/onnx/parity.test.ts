import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportToOnnx, OnnxModel } from '../../../lib/onnx';
import { ModelError } from '../../../lib/util/errors';
import { trainModel, type ModelType } from '../../../lib/xgboost';
import { makeDataset } from '../xgboost/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'onnx-parity-'));

async function maxAbsDiff(modelType: ModelType, opts: Parameters<typeof makeDataset>[0], params: Record<string, number>) {
  const ds = makeDataset(opts);
  const { booster } = await trainModel({ train: ds, modelType, params, seed: 3 });
  try {
    const native = await booster.predict(ds.X);
    const path = join(dir, `${modelType}-${opts.seed}-${JSON.stringify(params).replace(/\W/g, '')}.onnx`);
    writeFileSync(path, exportToOnnx(booster.toJson(), { featureNames: ds.X.featureNames, metadata: { case: 'parity' } }));
    const onnx = await OnnxModel.load(path);
    const scored = await onnx.predictProba(ds.X);
    await onnx.dispose();
    let max = 0;
    for (let i = 0; i < native.length; i++) max = Math.max(max, Math.abs(native[i]! - scored[i]!));
    return { max, spread: Math.max(...native) - Math.min(...native) };
  } finally {
    booster.dispose();
  }
}

describe('ONNX export parity with native XGBoost (max |p_onnx − p_native| ≤ 1e-6 on every row)', () => {
  const cases: [string, ModelType, Parameters<typeof makeDataset>[0], Record<string, number>][] = [
    ['depth 1, 1 tree', 'xgb', { rows: 400, cols: 4, seed: 1 }, { maxDepth: 1, nEstimators: 1 }],
    ['depth 6, 100 trees, 10% NaN', 'xgb', { rows: 2000, cols: 12, seed: 2, nanRate: 0.1 }, { maxDepth: 6, nEstimators: 100 }],
    [
      'depth 10, 500 trees, constant columns',
      'xgb',
      { rows: 3000, cols: 10, seed: 3, constantCols: 3 },
      { maxDepth: 10, nEstimators: 500, learningRate: 0.05 },
    ],
    [
      'imbalanced labels (~8% positive), subsampled',
      'xgb',
      { rows: 3000, cols: 8, seed: 4, positiveRate: 0.08 },
      { maxDepth: 4, nEstimators: 150, subsample: 0.7, colsampleBytree: 0.7 },
    ],
    ['random forest, NaNs', 'rf', { rows: 2000, cols: 8, seed: 5, nanRate: 0.05 }, { maxDepth: 8, nEstimators: 200 }],
    ['gblinear, NaNs', 'linear', { rows: 2000, cols: 8, seed: 6, nanRate: 0.1 }, { nEstimators: 50, learningRate: 0.3 }],
  ];
  for (const [name, type, data, params] of cases) {
    it(name, async () => {
      const { max, spread } = await maxAbsDiff(type, data, params);
      expect(spread).toBeGreaterThan(0.01); // a model that predicts a constant would prove nothing
      expect(max).toBeLessThanOrEqual(1e-6);
    });
  }
});

describe('OnnxModel', () => {
  it('refuses a file whose SHA-256 differs from the metadata, and a schema mismatch with both lists', async () => {
    const ds = makeDataset({ rows: 300, cols: 3, seed: 9 });
    const { booster } = await trainModel({ train: ds, modelType: 'xgb', params: { nEstimators: 5 } });
    const path = join(dir, 'small.onnx');
    writeFileSync(path, exportToOnnx(booster.toJson(), { featureNames: ds.X.featureNames, metadata: { schema_hash: 'abc' } }));
    booster.dispose();
    await expect(OnnxModel.load(path, { expectedSha256: '0'.repeat(64) })).rejects.toThrow(ModelError);
    const model = await OnnxModel.load(path);
    expect(model.metadata.schema_hash).toBe('abc');
    expect(model.featureNames).toEqual(['f_0', 'f_1', 'f_2']);
    await expect(model.predictProba({ ...ds.X, featureNames: ['f_0', 'f_2', 'f_1'] })).rejects.toThrow(
      /expects \[f_0, f_1, f_2\] but the data has \[f_0, f_2, f_1\]/,
    );
    await model.dispose();
  });
});
