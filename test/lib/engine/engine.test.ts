import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ModelType } from '../../../lib/config/pipeline';
import { engineFor } from '../../../lib/engine';
import { OnnxModel } from '../../../lib/onnx';
import { ConfigError } from '../../../lib/util/errors';
import { runPython, runPythonJson, WITHOUT_OPTIONAL_IMPORTS } from '../../support/python';
import { makeDataset } from '../xgboost/fixtures';

const dir = mkdtempSync(join(tmpdir(), 'engine-'));

describe('engineFor', () => {
  it('maps model types to engines reporting their library versions', () => {
    expect(['xgb', 'rf', 'linear', 'lgb'].map((t) => engineFor(t as ModelType).name)).toEqual([
      'xgboost',
      'xgboost',
      'xgboost',
      'lightgbm',
    ]);
    const py = runPython(`${WITHOUT_OPTIONAL_IMPORTS}import lightgbm, xgboost; print(lightgbm.__version__, xgboost.__version__)`)
      .trim()
      .split(' ');
    expect([engineFor('lgb').version(), engineFor('xgb').version()]).toEqual(py);
  });

  for (const modelType of ['xgb', 'lgb'] as const) {
    it(`${modelType}: trains, predicts, exports ONNX that scores the same, and reports gain importance by feature`, async () => {
      const engine = engineFor(modelType);
      const train = makeDataset({ rows: 1500, cols: 6, seed: 31, nanRate: 0.05 });
      const valid = makeDataset({ rows: 500, cols: 6, seed: 32, nanRate: 0.05 });
      const model = await engine.train({
        train,
        valid,
        modelType,
        params: engine.defaultHyperparams(modelType),
        earlyStoppingRounds: 10,
        seed: 1,
      });
      try {
        expect(model.engine).toBe(engine.name);
        expect(model.bestIteration).toBeLessThan(model.rounds);
        const native = await model.predict(valid.X);
        const path = join(dir, `${modelType}.onnx`);
        writeFileSync(path, model.exportOnnx({ featureNames: valid.X.featureNames, metadata: { model_type: modelType } }));
        const onnx = await OnnxModel.load(path);
        const scored = await onnx.predictProba(valid.X);
        await onnx.dispose();
        let max = 0;
        for (let i = 0; i < scored.length; i++) max = Math.max(max, Math.abs(scored[i]! - native[i]!));
        expect(max).toBeLessThanOrEqual(1e-6);
        expect(model.nativeModel().fileName).toBe(modelType === 'lgb' ? 'model.txt' : 'model.json');
        // Gain importance against each engine's Python package reading the same model file.
        const file = join(dir, model.nativeModel().fileName);
        writeFileSync(file, model.nativeModel().content);
        const reference = runPythonJson<Record<string, number>>(
          modelType === 'lgb'
            ? `${WITHOUT_OPTIONAL_IMPORTS}import json, sys, lightgbm as lgb
b = lgb.Booster(model_file=json.load(sys.stdin)['file'])
print(json.dumps(dict(zip(b.feature_name(), b.feature_importance('gain').tolist()))))`
            : `${WITHOUT_OPTIONAL_IMPORTS}import json, sys, xgboost as xgb
b = xgb.Booster(model_file=json.load(sys.stdin)['file'])
print(json.dumps(b.get_score(importance_type='total_gain')))`,
          { file },
        );
        const ours = model.featureImportance();
        expect(Object.keys(ours)).toEqual(train.X.featureNames);
        for (const [name, gain] of Object.entries(ours)) expect(gain).toBeCloseTo(reference[name] ?? 0, 2);
      } finally {
        model.dispose();
      }
    });
  }

  it('an lgb candidate and an xgb production model score the same holdout rows through ONNX', async () => {
    const train = makeDataset({ rows: 2000, cols: 5, seed: 33 });
    const holdout = makeDataset({ rows: 400, cols: 5, seed: 34 });
    const scores: Record<string, Float32Array> = {};
    for (const modelType of ['xgb', 'lgb'] as const) {
      const model = await engineFor(modelType).train({ train, modelType, seed: 1 });
      const path = join(dir, `holdout-${modelType}.onnx`);
      writeFileSync(path, model.exportOnnx({ featureNames: train.X.featureNames }));
      model.dispose();
      const onnx = await OnnxModel.load(path);
      scores[modelType] = await onnx.predictProba(holdout.X);
      await onnx.dispose();
    }
    expect(scores.xgb).toHaveLength(400);
    expect(scores.lgb).toHaveLength(400);
    // Two different models of the same signal: strongly correlated, not identical.
    const corr = pearson(scores.xgb!, scores.lgb!);
    expect(corr).toBeGreaterThan(0.8);
    expect(Array.from(scores.xgb!)).not.toEqual(Array.from(scores.lgb!));
  });

  it("reads best_hyperparameters.json only for its own engine's parameters", () => {
    const xgbParams = { nEstimators: 120, maxDepth: 4, learningRate: 0.05, minChildWeight: 2, subsample: 0.9, colsampleBytree: 0.8 };
    expect(engineFor('lgb').hyperparamsFrom('lgb', xgbParams)).toBeUndefined();
    expect(engineFor('xgb').hyperparamsFrom('xgb', xgbParams)).toEqual(xgbParams);
    expect(engineFor('lgb').hyperparamsFrom('lgb', { numLeaves: 12 })).toMatchObject({ numLeaves: 12, nEstimators: 100 });
    expect(() => engineFor('lgb').hyperparamsFrom('lgb', { numLeaves: 1 })).toThrow(ConfigError);
  });
});

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0,
    mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0,
    saa = 0,
    sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma,
      db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return sab / Math.sqrt(saa * sbb);
}
