/**
 * The lgb section of bench/model-engine: our lib_lightgbm binding vs Python's lightgbm.train on the
 * same data, the same parameter dictionary and the same threads, and ONNX parity of the exported
 * model against Python lightgbm scoring the same model file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultLgbHyperparams, lightgbmParams, lightgbmVersion, loadLightGBM, trainLightGBM, type Dataset } from '../../lib/lightgbm';
import { exportLightGBMToOnnx, OnnxModel } from '../../lib/onnx';
import { startPython } from './pythonProcess';

export interface LightgbmBench {
  trainRatio: number;
  maxAbsDp: number;
  lines: string[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** X and y must already be in `dir` as X.f32 / y.f32 (written by the XGBoost section). */
export async function benchLightGBM(o: {
  ds: Dataset;
  dir: string;
  rounds: number;
  reps: number;
  nthread: number;
}): Promise<LightgbmBench> {
  loadLightGBM();
  const hp = { ...defaultLgbHyperparams, nEstimators: o.rounds };
  const params = lightgbmParams(hp, { seed: 0, nthread: o.nthread });

  // Python keeps running and trains on request, so the two sides alternate run by run: on a
  // shared machine a load change then hits both medians alike. One unmeasured warm-up run each.
  const python = startPython(
    `import json, time, sys, numpy as np, lightgbm as lgb
cfg = json.loads(sys.stdin.readline())
X = np.fromfile(cfg['dir'] + '/X.f32', dtype=np.float32).reshape(cfg['rows'], cfg['cols'])
y = np.fromfile(cfg['dir'] + '/y.f32', dtype=np.float32)
print(json.dumps(dict(version=lgb.__version__)), flush=True)
for line in sys.stdin:
    cmd = json.loads(line)
    if cmd['do'] == 'train':
        t0 = time.perf_counter()
        b = lgb.train(cfg['params'], lgb.Dataset(X, label=y, params=cfg['params']), num_boost_round=cfg['rounds'])
        print(json.dumps(dict(seconds=time.perf_counter() - t0, trees=b.num_trees())), flush=True)
    else:
        ours = lgb.Booster(model_file=cmd['model'])
        np.asarray(ours.predict(X), dtype=np.float64).tofile(cfg['dir'] + '/lgb_py_pred.f64')
        print('{}', flush=True)
        break`,
  );
  const { version } = (await python.send({ dir: o.dir, rows: o.ds.X.rows, cols: o.ds.X.cols, rounds: o.rounds, params })) as {
    version: string;
  };
  const ours: number[] = [];
  const theirs: number[] = [];
  let trees = 0;
  let modelText = '';
  let dump = '';
  const trainOurs = async () => {
    // Ours: Dataset construction (binning) + rounds, as lightgbm.train(params, Dataset(X, y), rounds) does.
    const t0 = performance.now();
    const fit = await trainLightGBM({ train: o.ds, params: hp, seed: 0, nthread: o.nthread });
    const seconds = (performance.now() - t0) / 1000;
    modelText = fit.booster.toModelString();
    dump = fit.booster.dumpModel();
    fit.booster.dispose();
    return seconds;
  };
  const trainPython = async () => {
    const py = (await python.send({ do: 'train' })) as { seconds: number; trees: number };
    trees = py.trees;
    return py.seconds;
  };
  for (let r = 0; r <= o.reps; r++) {
    // Order alternates too (ours first on even runs, Python first on odd), so neither side always
    // follows the other's run.
    let oursSeconds: number;
    let pythonSeconds: number;
    if (r % 2 === 0) {
      oursSeconds = await trainOurs();
      pythonSeconds = await trainPython();
    } else {
      pythonSeconds = await trainPython();
      oursSeconds = await trainOurs();
    }
    if (r === 0) continue;
    ours.push(oursSeconds);
    theirs.push(pythonSeconds);
  }
  const modelPath = join(o.dir, 'lgb_model.txt');
  writeFileSync(modelPath, modelText);
  await python.send({ do: 'predict', model: modelPath });
  python.close();
  const py = { train: theirs, version, trees };

  const onnxPath = join(o.dir, 'lgb_model.onnx');
  writeFileSync(onnxPath, exportLightGBMToOnnx(dump, { featureNames: o.ds.X.featureNames }));
  const onnx = await OnnxModel.load(onnxPath, { intraOpThreads: o.nthread });
  const scored = await onnx.predictProba(o.ds.X);
  await onnx.dispose();
  const buf = readFileSync(join(o.dir, 'lgb_py_pred.f64'));
  const pythonPred = new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  let maxAbsDp = 0;
  for (let i = 0; i < o.ds.X.rows; i++) maxAbsDp = Math.max(maxAbsDp, Math.abs(scored[i]! - pythonPred[i]!));

  const trainRatio = median(ours) / median(py.train);
  return {
    trainRatio,
    maxAbsDp,
    lines: [
      `lib_lightgbm ${lightgbmVersion()} (${loadLightGBM().path}); python lightgbm ${py.version}; num_leaves ${hp.numLeaves}, ${o.rounds} rounds (${py.trees} trees), num_threads ${o.nthread}`,
      `train   ours (koffi binding)   median ${median(ours).toFixed(3)} s   runs ${ours.map((x) => x.toFixed(3)).join(', ')}`,
      `train   python lightgbm.train  median ${median(py.train).toFixed(3)} s   runs ${py.train.map((x) => x.toFixed(3)).join(', ')}`,
      // Under load the run-by-run ratios and the fastest runs are worth reading next to the medians.
      `train   ratios run by run (ours/python) ${ours.map((x, i) => (x / theirs[i]!).toFixed(3)).join(', ')}; fastest ours/fastest python ${(Math.min(...ours) / Math.min(...theirs)).toFixed(3)}`,
      `max |p_onnx − p_python| over ${o.ds.X.rows} rows (python scoring our model file): ${maxAbsDp.toExponential(2)}`,
    ],
  };
}
