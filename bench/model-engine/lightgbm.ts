/**
 * The lgb section of bench/model-engine: our lib_lightgbm binding vs Python's lightgbm.train on the
 * same data, the same parameter dictionary and the same threads, and ONNX parity of the exported
 * model against Python lightgbm scoring the same model file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultLgbHyperparams, lightgbmParams, lightgbmVersion, loadLightGBM, trainLightGBM, type Dataset } from '../../lib/lightgbm';
import { exportLightGBMToOnnx, OnnxModel } from '../../lib/onnx';
import { runPython } from '../../test/support/python';

export interface LightgbmBench {
  trainRatio: number;
  maxAbsDp: number;
  lines: string[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** X and y must already be in `dir` as X.f32 / y.f32 (written by the XGBoost section). */
export async function benchLightGBM(o: { ds: Dataset; dir: string; rounds: number; reps: number; nthread: number }): Promise<LightgbmBench> {
  loadLightGBM();
  const hp = { ...defaultLgbHyperparams, nEstimators: o.rounds };
  const params = lightgbmParams(hp, { seed: 0, nthread: o.nthread });

  // Ours: Dataset construction (binning) + rounds, as lightgbm.train(params, Dataset(X, y), rounds) does.
  const ours: number[] = [];
  let modelText = '';
  let dump = '';
  for (let r = 0; r < o.reps; r++) {
    const t0 = performance.now();
    const fit = await trainLightGBM({ train: o.ds, params: hp, seed: 0, nthread: o.nthread });
    ours.push((performance.now() - t0) / 1000);
    if (r === o.reps - 1) {
      modelText = fit.booster.toModelString();
      dump = fit.booster.dumpModel();
    }
    fit.booster.dispose();
  }
  const modelPath = join(o.dir, 'lgb_model.txt');
  writeFileSync(modelPath, modelText);

  const py = JSON.parse(
    runPython(
      `import json, time, sys, numpy as np, lightgbm as lgb
cfg = json.loads(sys.stdin.read())
X = np.fromfile(cfg['dir'] + '/X.f32', dtype=np.float32).reshape(cfg['rows'], cfg['cols'])
y = np.fromfile(cfg['dir'] + '/y.f32', dtype=np.float32)
times = []
for _ in range(cfg['reps']):
    t0 = time.perf_counter()
    b = lgb.train(cfg['params'], lgb.Dataset(X, label=y, params=cfg['params']), num_boost_round=cfg['rounds'])
    times.append(time.perf_counter() - t0)
ours = lgb.Booster(model_file=cfg['model'])
np.asarray(ours.predict(X), dtype=np.float64).tofile(cfg['dir'] + '/lgb_py_pred.f64')
print(json.dumps(dict(train=times, version=lgb.__version__, trees=b.num_trees())))`,
      JSON.stringify({ dir: o.dir, rows: o.ds.X.rows, cols: o.ds.X.cols, rounds: o.rounds, reps: o.reps, params, model: modelPath }),
      { timeoutMs: 1_800_000 },
    ),
  ) as { train: number[]; version: string; trees: number };

  const onnxPath = join(o.dir, 'lgb_model.onnx');
  writeFileSync(onnxPath, exportLightGBMToOnnx(dump, { featureNames: o.ds.X.featureNames }));
  const onnx = await OnnxModel.load(onnxPath, { intraOpThreads: o.nthread });
  const scored = await onnx.predictProba(o.ds.X);
  await onnx.dispose();
  const buf = readFileSync(join(o.dir, 'lgb_py_pred.f64'));
  const python = new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  let maxAbsDp = 0;
  for (let i = 0; i < o.ds.X.rows; i++) maxAbsDp = Math.max(maxAbsDp, Math.abs(scored[i]! - python[i]!));

  const trainRatio = median(ours) / median(py.train);
  return {
    trainRatio,
    maxAbsDp,
    lines: [
      `lib_lightgbm ${lightgbmVersion()} (${loadLightGBM().path}); python lightgbm ${py.version}; num_leaves ${hp.numLeaves}, ${o.rounds} rounds (${py.trees} trees), num_threads ${o.nthread}`,
      `train   ours (koffi binding)   median ${median(ours).toFixed(3)} s   runs ${ours.map((x) => x.toFixed(3)).join(', ')}`,
      `train   python lightgbm.train  median ${median(py.train).toFixed(3)} s   runs ${py.train.map((x) => x.toFixed(3)).join(', ')}`,
      `max |p_onnx − p_python| over ${o.ds.X.rows} rows (python scoring our model file): ${maxAbsDp.toExponential(2)}`,
    ],
  };
}
