import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LgbBooster, LgbDataset, lightgbmVersion, trainLightGBM } from '../../../lib/lightgbm';
import { ConfigError, DataError, ModelError } from '../../../lib/util/errors';
import { runPython, runPythonJson, WITHOUT_OPTIONAL_IMPORTS } from '../../support/python';
import { makeDataset } from '../xgboost/fixtures';
import { pythonPredict } from './support/reference';

const dir = mkdtempSync(join(tmpdir(), 'lgb-binding-'));
const root = new URL('../../..', import.meta.url).pathname;

function writeF32(name: string, a: Float32Array): string {
  const path = join(dir, name);
  writeFileSync(path, Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  return path;
}

describe('lib_lightgbm binding', () => {
  it('loads the pinned library, the same version Python lightgbm reports', () => {
    expect(lightgbmVersion()).toBe(runPython(`${WITHOUT_OPTIONAL_IMPORTS}import lightgbm; print(lightgbm.__version__)`).trim());
  });

  it('trains the same model as Python lightgbm.train on the same data, weights and parameters', async () => {
    const ds = {
      ...makeDataset({ rows: 3000, cols: 8, seed: 21, nanRate: 0.05 }),
      weights: Float32Array.from({ length: 3000 }, (_, i) => 1 + (i % 3)),
    };
    const fit = await trainLightGBM({
      train: ds,
      params: { nEstimators: 60, numLeaves: 15, baggingFraction: 0.8, featureFraction: 0.9, lambdaL2: 1 },
      seed: 5,
      nthread: 2,
    });
    const ours = await fit.booster.predict(ds.X);
    const oursPath = join(dir, 'ours.txt');
    writeFileSync(oursPath, fit.booster.toModelString());
    fit.booster.dispose();
    const params = {
      objective: 'binary',
      metric: 'binary_logloss',
      boosting: 'gbdt',
      num_leaves: 15,
      learning_rate: 0.1,
      min_data_in_leaf: 20,
      feature_fraction: 0.9,
      bagging_fraction: 0.8,
      bagging_freq: 1,
      lambda_l2: 1,
      seed: 5,
      deterministic: true,
      verbosity: -1,
      num_threads: 2,
    };
    const pyModel = join(dir, 'python.txt');
    runPython(
      `${WITHOUT_OPTIONAL_IMPORTS}import json, sys, numpy as np, lightgbm as lgb
c = json.load(sys.stdin)
X = np.fromfile(c['x'], dtype=np.float32).reshape(c['rows'], c['cols'])
y = np.fromfile(c['y'], dtype=np.float32)
w = np.fromfile(c['w'], dtype=np.float32)
b = lgb.train(c['params'], lgb.Dataset(X, label=y, weight=w, feature_name=c['names'], params=c['params']), num_boost_round=60)
b.save_model(c['out'])`,
      JSON.stringify({
        x: writeF32('train.X', ds.X.data),
        y: writeF32('train.y', ds.y),
        w: writeF32('train.w', ds.weights),
        rows: ds.X.rows,
        cols: ds.X.cols,
        names: ds.X.featureNames,
        params,
        out: pyModel,
      }),
    );
    const theirs = pythonPredict({ dir, modelPath: pyModel, X: ds.X, tag: 'same-train' });
    let max = 0;
    for (let i = 0; i < ours.length; i++) max = Math.max(max, Math.abs(ours[i]! - theirs[i]!));
    expect(max).toBeLessThanOrEqual(1e-12);
    // The weights reached LightGBM: without them the model differs.
    const unweighted = await trainLightGBM({
      train: { X: ds.X, y: ds.y },
      params: { nEstimators: 60, numLeaves: 15, baggingFraction: 0.8, featureFraction: 0.9, lambdaL2: 1 },
      seed: 5,
      nthread: 2,
    });
    const p = await unweighted.booster.predict(ds.X);
    unweighted.booster.dispose();
    expect(Math.max(...p.map((v, i) => Math.abs(v - ours[i]!)))).toBeGreaterThan(1e-3);
    // And Python scores our saved file as we do.
    const fromOurFile = pythonPredict({ dir, modelPath: oursPath, X: ds.X, tag: 'our-file' });
    expect(Array.from(fromOurFile)).toEqual(Array.from(ours));
  });

  it('round-trips the model text, dumps JSON and reports gain importance as Python does', async () => {
    const ds = makeDataset({ rows: 800, cols: 5, seed: 22 });
    const fit = await trainLightGBM({ train: ds, params: { nEstimators: 20 } });
    const text = fit.booster.toModelString();
    const loaded = await LgbBooster.load({ text });
    expect(loaded.featureNames).toEqual(ds.X.featureNames);
    expect(Array.from(await loaded.predict(ds.X))).toEqual(Array.from(await fit.booster.predict(ds.X)));
    const dump = JSON.parse(loaded.dumpModel()) as { tree_info: unknown[]; feature_names: string[] };
    expect(dump.tree_info).toHaveLength(20);
    expect(dump.feature_names).toEqual(ds.X.featureNames);
    const path = join(dir, 'importance.txt');
    writeFileSync(path, text);
    const py = runPythonJson<number[]>(
      `${WITHOUT_OPTIONAL_IMPORTS}import json, sys, lightgbm as lgb
print(json.dumps(lgb.Booster(model_file=json.load(sys.stdin)['path']).feature_importance('gain').tolist()))`,
      { path },
    );
    const ours = Array.from(loaded.featureImportance('gain'));
    ours.forEach((v, j) => expect(v).toBeCloseTo(py[j]!, 6));
    expect(Math.max(...ours)).toBeGreaterThan(0);
    fit.booster.dispose();
    loaded.dispose();
  });

  it('stops early on the validation set and keeps only the best rounds', async () => {
    const train = makeDataset({ rows: 600, cols: 5, seed: 23 });
    const valid = makeDataset({ rows: 600, cols: 5, seed: 24 });
    const r = await trainLightGBM({
      train,
      valid,
      params: { nEstimators: 400, numLeaves: 63, minChildSamples: 2, learningRate: 0.3 },
      earlyStoppingRounds: 10,
    });
    expect(r.rounds).toBeLessThan(400);
    expect(r.rounds - 1 - r.bestIteration).toBe(10);
    expect(r.booster.currentIteration()).toBe(r.bestIteration + 1);
    const losses = r.evalHistory.map((e) => e['valid-logloss']!);
    expect(Math.min(...losses)).toBe(losses[r.bestIteration]);
    r.booster.dispose();
  });

  it('keeps the event loop free during boosting rounds', async () => {
    const ds = makeDataset({ rows: 30_000, cols: 20, seed: 25 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const fit = await trainLightGBM({ train: ds, params: { nEstimators: 50, numLeaves: 63 } });
    clearInterval(timer);
    fit.booster.dispose();
    expect(ticks).toBeGreaterThan(5);
  });

  it('refuses bad labels (DataError) and out-of-range parameters (ConfigError naming them)', async () => {
    const ds = makeDataset({ rows: 100, cols: 3, seed: 26 });
    await expect(trainLightGBM({ train: { ...ds, y: ds.y.map(() => 1) } })).rejects.toThrow(DataError);
    await expect(trainLightGBM({ train: { ...ds, y: ds.y.map((v, i) => (i === 3 ? 2 : v)) } })).rejects.toThrow(/row 3 has 2/);
    await expect(trainLightGBM({ train: ds, params: { numLeaves: 1, baggingFraction: 1.5 } })).rejects.toThrow(ConfigError);
    await expect(trainLightGBM({ train: ds, params: { numLeaves: 1, baggingFraction: 1.5 } })).rejects.toThrow(
      /num_leaves=1 .*bagging_fraction=1.5/,
    );
  });

  it("turns LightGBM's own error codes into ModelErrors with its message", async () => {
    const ds = makeDataset({ rows: 100, cols: 3, seed: 27 });
    const data = await LgbDataset.create(ds, { params: { objective: 'binary', verbosity: -1 } });
    await expect(LgbBooster.create(data, { objective: 'binary', num_leaves: 1, verbosity: -1 }, [])).rejects.toThrow(
      /LightGBM booster creation failed: Check failed: \(num_leaves\) > \(1\)/,
    );
    data.dispose();
    const fit = await trainLightGBM({ train: ds, params: { nEstimators: 3 } });
    await expect(fit.booster.predict({ ...ds.X, cols: 2, data: ds.X.data.subarray(0, 200) })).rejects.toThrow(ModelError);
    fit.booster.dispose();
  });

  it('refuses truncated, foreign and corrupted model files with a ModelError, never crashing', async () => {
    const ds = makeDataset({ rows: 500, cols: 4, seed: 28 });
    const fit = await trainLightGBM({ train: ds, params: { nEstimators: 8, numLeaves: 7 } });
    const text = fit.booster.toModelString();
    fit.booster.dispose();
    const path = join(dir, 'good.txt');
    writeFileSync(path, text);
    await expect(LgbBooster.load({ text: text.slice(0, text.length / 2) })).rejects.toThrow(ModelError);
    await expect(LgbBooster.load({ text: '{"learner": {}}' })).rejects.toThrow(/not a LightGBM model/);
    await expect(LgbBooster.load({ text: text.replace(/split_feature=\S+/, 'split_feature=9') })).rejects.toThrow(ModelError);
    await expect(LgbBooster.load({ path: join(dir, 'missing.txt') })).rejects.toThrow(/cannot read LightGBM model/);
    // Random mutations, loaded in a child process: a crash there would show as a non-zero exit.
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'test/lib/lightgbm/support/fuzzLoad.ts'), path, '300'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(child.status, child.stderr).toBe(0);
    const counts = JSON.parse(child.stdout.trim().split('\n').pop()!) as { loaded: number; refused: number; other: number };
    expect(counts.loaded + counts.refused).toBe(300);
    expect(counts.refused).toBeGreaterThan(100);
  });

  it('says how to get the library when LIGHTGBM_LIBRARY_PATH points nowhere', () => {
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        "import('./lib/lightgbm/index.ts').then((m) => m.loadLightGBM()).catch((e) => { console.log(e.type + ': ' + e.message); })",
      ],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, LIGHTGBM_LIBRARY_PATH: '/nonexistent/lib_lightgbm.so' },
      },
    );
    expect(child.stdout).toMatch(
      /^ConfigError: lib_lightgbm could not be loaded\. Tried: \/nonexistent\/lib_lightgbm\.so \(missing\)\. Run `npm start`.*LIGHTGBM_LIBRARY_PATH/,
    );
  });
});
