import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LgbBooster, trainLightGBM } from '../../../lib/lightgbm';
import { exportLightGBMToOnnx, float32AtMost } from '../../../lib/onnx';
import { ModelError } from '../../../lib/util/errors';
import { runPythonJson, WITHOUT_OPTIONAL_IMPORTS } from '../../support/python';
import { makeDataset } from '../xgboost/fixtures';
import { pythonTrain } from './support/reference';

const dir = mkdtempSync(join(tmpdir(), 'lgb-export-'));

async function dumpOf(modelPath: string): Promise<string> {
  const booster = await LgbBooster.load({ path: modelPath });
  try {
    return booster.dumpModel();
  } finally {
    booster.dispose();
  }
}

describe('float32AtMost (thresholds for float32 comparisons)', () => {
  it('is the largest float32 ≤ t, as NumPy computes it', () => {
    const values = [
      0,
      -0,
      1e-35,
      -1e-35,
      1.0000000180025095e-35,
      -1.0000000180025095e-35,
      1e-45,
      -1e-45,
      0.1,
      -0.1,
      1 / 3,
      -1 / 3,
      1e39,
      -1e39,
      3.4028234663852886e38,
      16777217,
      -16777217,
    ];
    let s = 99;
    for (let i = 0; i < 500; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      values.push((s / 4294967296 - 0.5) * 10 ** ((s % 13) - 6));
    }
    const numpy = runPythonJson<(number | string)[]>(
      `import json, sys, numpy as np
out = []
for t in json.load(sys.stdin):
    with np.errstate(over='ignore'):
        f = np.float32(t)
    if float(f) > t:
        f = np.nextafter(f, np.float32(-np.inf))
    out.append(float(f) if np.isfinite(f) else str(f))
print(json.dumps(out))`,
      values,
    );
    values.forEach((t, i) => {
      const expected = typeof numpy[i] === 'string' ? Number(String(numpy[i]).replace('inf', 'Infinity')) : numpy[i];
      // + 0: JSON carries −0 as 0, and −0 and 0 decide every comparison alike.
      expect(float32AtMost(t) + 0).toBe((expected as number) + 0);
      expect(float32AtMost(t)).toBeLessThanOrEqual(t);
    });
  });
});

describe('LightGBM export refuses what it cannot convert, naming it', () => {
  it('a feature LightGBM names differently from the schema', async () => {
    const ds = makeDataset({ rows: 500, cols: 3, seed: 41 });
    const X = { ...ds.X, featureNames: ['ret 1d', 'rsi', 'atr'] };
    const modelPath = pythonTrain({ dir, X, y: ds.y, params: { objective: 'binary', verbosity: -1 }, rounds: 5, tag: 'renamed' });
    const dump = await dumpOf(modelPath);
    expect(() => exportLightGBMToOnnx(dump, { featureNames: X.featureNames })).toThrow(ModelError);
    expect(() => exportLightGBMToOnnx(dump, { featureNames: X.featureNames })).toThrow(
      /LightGBM names feature 0 "ret_1d" but the schema names it "ret 1d"/,
    );
    // Our trainer refuses such a name before LightGBM can rename it.
    await expect(trainLightGBM({ train: { ...ds, X } })).rejects.toThrow(
      /feature "ret 1d" contains whitespace, which LightGBM would store as "ret_1d"/,
    );
  });

  it('categorical splits', async () => {
    const ds = makeDataset({ rows: 1000, cols: 3, seed: 42 });
    const data = Float32Array.from(ds.X.data);
    for (let i = 0; i < ds.X.rows; i++) data[i * 3] = i % 5;
    const y = Float32Array.from(ds.y, (v, i) => (i % 5 === 2 || i % 5 === 4 ? 1 : v));
    const modelPath = pythonTrain({
      dir,
      X: { ...ds.X, data },
      y,
      params: { objective: 'binary', verbosity: -1, min_data_per_group: 5, cat_smooth: 1 },
      rounds: 10,
      tag: 'categorical',
      categorical: [0],
    });
    const dump = await dumpOf(modelPath);
    expect(dump).toContain('"decision_type":"=="');
    expect(() => exportLightGBMToOnnx(dump, { featureNames: ds.X.featureNames })).toThrow(
      /splits feature "f_0" as categorical \("=="\): the ONNX export supports numerical splits only/,
    );
  });

  it('multiclass, random-forest and malformed dumps', async () => {
    const ds = makeDataset({ rows: 600, cols: 3, seed: 43 });
    const y3 = Float32Array.from(ds.y, (v, i) => (i % 7 === 0 ? 2 : v));
    const multi = pythonTrain({
      dir,
      X: ds.X,
      y: y3,
      params: { objective: 'multiclass', num_class: 3, verbosity: -1 },
      rounds: 3,
      tag: 'multi',
    });
    expect(() => exportLightGBMToOnnx(readDump(multi), { featureNames: ds.X.featureNames })).toThrow(
      /binary models only, not objective "multiclass/,
    );
    const rf = pythonTrain({
      dir,
      X: ds.X,
      y: ds.y,
      params: { objective: 'binary', boosting: 'rf', bagging_fraction: 0.7, bagging_freq: 1, verbosity: -1 },
      rounds: 5,
      tag: 'rf',
    });
    expect(() => exportLightGBMToOnnx(readDump(rf), { featureNames: ds.X.featureNames })).toThrow(
      /random-forest models \(average_output\)/,
    );
    expect(() => exportLightGBMToOnnx('{"tree_info": 3}', { featureNames: ['a'] })).toThrow(/lacks tree_info/);
    expect(() => exportLightGBMToOnnx('not json', { featureNames: ['a'] })).toThrow(ModelError);
  });
});

/** Python's own dump of a model file: the exporter's input, without our loader in between. */
function readDump(modelPath: string): string {
  return JSON.stringify(
    runPythonJson(
      `${WITHOUT_OPTIONAL_IMPORTS}import json, sys, lightgbm as lgb
print(json.dumps(lgb.Booster(model_file=json.load(sys.stdin)['path']).dump_model()))`,
      { path: modelPath },
    ),
  );
}
