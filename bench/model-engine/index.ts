/**
 * bench/model-engine: our libxgboost binding vs Python's xgboost driving the same library, and
 * onnxruntime-node inference vs native predict, on the same data and parameters in the same run;
 * then the same for lib_lightgbm vs Python lightgbm (./lightgbm.ts).
 *   npm run bench -- model-engine          (ROWS=200000 COLS=30 ROUNDS=100 REPS=3 to change)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportToOnnx, OnnxModel } from '../../lib/onnx';
import { libraryCandidates, loadXGBoost, trainModel, xgboostVersion, type Dataset } from '../../lib/xgboost';
import { runPython } from '../../test/support/python';
import { makeDataset } from '../../test/lib/xgboost/fixtures';
import { benchLightGBM } from './lightgbm';

const ROWS = Number(process.env.ROWS ?? 200_000);
const COLS = Number(process.env.COLS ?? 30);
const ROUNDS = Number(process.env.ROUNDS ?? 100);
const REPS = Number(process.env.REPS ?? 3);
const NTHREAD = 2;
const params = { nEstimators: ROUNDS, maxDepth: 6, learningRate: 0.1, minChildWeight: 1, subsample: 1, colsampleBytree: 1 };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = mkdtempSync(join(tmpdir(), 'bench-model-engine-'));
const ds: Dataset = makeDataset({ rows: ROWS, cols: COLS, seed: 7, nanRate: 0.02 });
writeFileSync(join(dir, 'X.f32'), Buffer.from(ds.X.data.buffer));
writeFileSync(join(dir, 'y.f32'), Buffer.from(ds.y.buffer));
loadXGBoost();

// Ours: DMatrix creation + ROUNDS boosting rounds with per-round train logloss, like xgb.train(evals=…).
const ours: number[] = [];
let modelJson = '';
for (let r = 0; r < REPS; r++) {
  const t0 = performance.now();
  const fit = await trainModel({ train: ds, modelType: 'xgb', params, seed: 0, nthread: NTHREAD });
  ours.push((performance.now() - t0) / 1000);
  if (r === REPS - 1) modelJson = fit.booster.toJson();
  fit.booster.dispose();
}

const py = JSON.parse(
  runPython(
    `import json, time, sys, numpy as np, xgboost as xgb
cfg = json.loads(sys.stdin.read())
X = np.fromfile(cfg['dir'] + '/X.f32', dtype=np.float32).reshape(cfg['rows'], cfg['cols'])
y = np.fromfile(cfg['dir'] + '/y.f32', dtype=np.float32)
p = dict(objective='binary:logistic', eval_metric='logloss', booster='gbtree', tree_method='hist', max_depth=6, eta=0.1,
         min_child_weight=1, subsample=1, colsample_bytree=1, seed=0, verbosity=0, nthread=cfg['nthread'])
times = []
for _ in range(cfg['reps']):
    t0 = time.perf_counter()
    dtrain = xgb.DMatrix(X, label=y, missing=np.nan)
    b = xgb.train(p, dtrain, cfg['rounds'], evals=[(dtrain, 'train')], verbose_eval=False)
    times.append(time.perf_counter() - t0)
b.save_model(cfg['dir'] + '/py_model.json')
dm = xgb.DMatrix(X, missing=np.nan)
pt = []
for _ in range(cfg['reps']):
    t0 = time.perf_counter(); pred = b.predict(dm); pt.append(time.perf_counter() - t0)
np.asarray(pred, dtype=np.float32).tofile(cfg['dir'] + '/py_pred.f32')
print(json.dumps(dict(train=times, predict=pt, version=xgb.__version__, lib=xgb.core._LIB._name)))`,
    JSON.stringify({ dir, rows: ROWS, cols: COLS, rounds: ROUNDS, reps: REPS, nthread: NTHREAD }),
    { timeoutMs: 1_800_000 },
  ),
) as { train: number[]; predict: number[]; version: string; lib: string };

// Inference: native predict (our binding, same library) vs onnxruntime-node on the exported model.
const { Booster } = await import('../../lib/xgboost');
const booster = await Booster.load(new TextEncoder().encode(modelJson));
const nativeTimes: number[] = [];
let native: Float32Array = new Float32Array();
for (let r = 0; r < REPS; r++) {
  const t0 = performance.now();
  native = await booster.predict(ds.X);
  nativeTimes.push((performance.now() - t0) / 1000);
}
booster.dispose();
const onnxPath = join(dir, 'model.onnx');
writeFileSync(onnxPath, exportToOnnx(modelJson, { featureNames: ds.X.featureNames }));
const onnx = await OnnxModel.load(onnxPath, { intraOpThreads: NTHREAD });
const onnxTimes: number[] = [];
let scored: Float32Array = new Float32Array();
for (let r = 0; r < REPS; r++) {
  const t0 = performance.now();
  scored = await onnx.predictProba(ds.X);
  onnxTimes.push((performance.now() - t0) / 1000);
}
await onnx.dispose();
let maxAbs = 0;
for (let i = 0; i < ROWS; i++) maxAbs = Math.max(maxAbs, Math.abs(native[i]! - scored[i]!));

const trainRatio = median(ours) / median(py.train);
const nativeRowsPerS = ROWS / median(nativeTimes);
const onnxRowsPerS = ROWS / median(onnxTimes);
console.log(
  `data: ${ROWS} rows × ${COLS} features, ${ROUNDS} rounds, depth 6, hist, nthread ${NTHREAD}; libxgboost ${xgboostVersion()} (${libraryCandidates()[0] ? loadXGBoost().path : ''})`,
);
console.log(`python xgboost ${py.version} using ${py.lib}`);
console.log('');
console.log(`train   ours (koffi binding)   median ${median(ours).toFixed(3)} s   runs ${ours.map((x) => x.toFixed(3)).join(', ')}`);
console.log(
  `train   python xgboost.train   median ${median(py.train).toFixed(3)} s   runs ${py.train.map((x) => x.toFixed(3)).join(', ')}`,
);
console.log(`predict native (binding)       ${Math.round(nativeRowsPerS).toLocaleString('en')} rows/s   (DMatrix creation included)`);
console.log(`predict onnxruntime-node       ${Math.round(onnxRowsPerS).toLocaleString('en')} rows/s`);
console.log(`max |p_onnx − p_native| over ${ROWS} rows: ${maxAbs.toExponential(2)}`);

const lgb = await benchLightGBM({ ds, dir, rounds: ROUNDS, reps: REPS, nthread: NTHREAD });
console.log('');
for (const line of lgb.lines) console.log(line);
console.log(
  `RESULT model-engine train_ratio=${trainRatio.toFixed(3)} infer_ratio=${(onnxRowsPerS / nativeRowsPerS).toFixed(3)} max_abs_dp=${maxAbs.toExponential(2)} ` +
    `lgb_train_ratio=${lgb.trainRatio.toFixed(3)} lgb_max_abs_dp=${lgb.maxAbsDp.toExponential(2)}`,
);
