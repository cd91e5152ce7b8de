/**
 * Where one search fold's time goes, part by part, in our worker's code path (before and after
 * issue 16 item 9) and in Python's (the reference of bench/hpo), one fold at a time and two at once
 * (two parallel trials), no Temporal: a mid-range trial of the default search space, 175 rounds.
 * Run with the worker's pool size and wait policy:
 *   UV_THREADPOOL_SIZE=1 OMP_WAIT_POLICY=passive npx tsx bench/hpo/profileFold.ts     (REPS=3)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { buildFeaturesActivity } from '../../activities/buildFeatures';
import { fetchMarketDataActivity } from '../../activities/fetchMarketData';
import { localFile } from '../../activities/storeFiles';
import { resolvePaths } from '../../lib/config/paths';
import { resolvePipelineConfig } from '../../lib/config/pipeline';
import { classificationMetrics, searchFolds } from '../../lib/evaluation';
import { selectLabelledRows } from '../../lib/features';
import { Booster, boostingPlan, DMatrix, defaultHyperparams, trainModel, type XgbHyperparams } from '../../lib/xgboost';
import { runPython } from '../../test/support/python';

const REPS = Number(process.env.REPS ?? 3);
const home = mkdtempSync(join(tmpdir(), 'profile-hpo-'));
const paths = resolvePaths({}, home);
const config = resolvePipelineConfig({ modelName: 'profile-hpo', asOf: '2026-06-30' });
const deps = { paths, logger: pino({ level: 'silent' }), env: {}, now: () => new Date(), fetch };
const data = await fetchMarketDataActivity(deps)({ pipelineId: 'profile-hpo', settings: fetchSettings(config) });
const features = await buildFeaturesActivity(deps)({ pipelineId: 'profile-hpo', data, settings: featureSettings(config) });

const t = () => performance.now();
const input = {
  path: await localFile(deps, features),
  sha256: features.sha256,
  holdout: config.holdout,
  labelHorizon: config.labelHorizon,
  minHoldoutRows: config.minHoldoutRows,
};
let t0 = t();
const { train, folds } = await searchFolds(input);
const loadMs = t() - t0;
t0 = t();
await searchFolds(input);
const cachedMs = t() - t0;
console.log(
  `feature set: load+cut ${loadMs.toFixed(0)} ms once per worker, ${cachedMs.toFixed(2)} ms cached; ${train.X.rows} × ${train.X.cols}`,
);

// A mid-range trial of the default search space.
const hp: XgbHyperparams = {
  ...defaultHyperparams,
  nEstimators: 175,
  maxDepth: 6,
  learningRate: 0.05,
  minChildWeight: 5,
  subsample: 0.8,
  colsampleBytree: 0.8,
};
const plan = boostingPlan('xgb', hp, { seed: config.seed });

type Parts = Record<string, number>;
const add = (p: Parts, k: string, ms: number) => (p[k] = (p[k] ?? 0) + ms);
type Mode = 'before' | 'after';

/**
 * One fold as the search activity runs it. `before`: the rounds as lib/xgboost ran them until
 * issue 16 item 9 — each round a trip through libuv's pool and back, then the training set
 * evaluated (another trip). `after`: trainModel as it is now (all rounds on a boosting thread).
 */
async function ourFold(k: number, p: Parts, mode: Mode) {
  const f = folds[k]!;
  let s = t();
  const ds = selectLabelledRows(train, f.trainIdx);
  add(p, 'select train rows', t() - s);
  let booster: Booster;
  if (mode === 'before') {
    s = t();
    const dtrain = DMatrix.fromDataset(ds);
    add(p, 'DMatrix (train)', t() - s);
    s = t();
    booster = Booster.create([dtrain], plan.params, ds.X.featureNames);
    add(p, 'booster create', t() - s);
    for (let r = 0; r < plan.rounds; r++) {
      s = t();
      await booster.updateOneIter(r, dtrain);
      add(p, 'boosting rounds', t() - s);
      s = t();
      await booster.evalOneIter(r, [{ name: 'train', data: dtrain }]);
      add(p, 'eval each round', t() - s);
    }
    dtrain.dispose();
  } else {
    s = t();
    booster = (await trainModel({ train: ds, modelType: 'xgb', params: hp, seed: config.seed, onRound: () => undefined })).booster;
    add(p, 'trainModel (DMatrix, booster, rounds)', t() - s);
  }
  s = t();
  const test = selectLabelledRows(train, f.testIdx);
  const pred = await booster.predict(test.X);
  add(p, 'predict (test)', t() - s);
  s = t();
  const m = classificationMetrics(test.y, pred);
  add(p, 'metrics', t() - s);
  booster.dispose();
  return m.logLoss;
}

/** `lanes` folds at once (as parallel trials), every fold REPS times; ms per fold and the parts. */
async function run(mode: Mode, lanes: number) {
  const p: Parts = {};
  const jobs = Array.from({ length: REPS * folds.length }, (_, i) => i % folds.length);
  const losses: number[] = [];
  const s = t();
  const lane = async () => {
    for (let k = jobs.shift(); k !== undefined; k = jobs.shift()) losses[k] = await ourFold(k, p, mode);
  };
  await Promise.all(Array.from({ length: lanes }, lane));
  const n = REPS * folds.length;
  return { ms: (t() - s) / n, parts: Object.entries(p).map(([k, v]) => `${k} ${(v / n).toFixed(1)}`), losses };
}

for (const lanes of [1, 2]) {
  for (const mode of ['before', 'after'] as const) {
    const r = await run(mode, lanes);
    console.log(
      `ours ${mode}, ${lanes} at once: ${r.ms.toFixed(1)} ms per fold (${r.parts.join(', ')} ms); fold losses ${r.losses.join(' ')}`,
    );
  }
}

writeFileSync(join(home, 'X.f32'), Buffer.from(train.X.data.buffer, train.X.data.byteOffset, train.X.data.byteLength));
writeFileSync(join(home, 'y.f32'), Buffer.from(train.y.buffer, train.y.byteOffset, train.y.byteLength));
writeFileSync(join(home, 'folds.json'), JSON.stringify(folds.map((f) => ({ train: f.trainIdx, test: f.testIdx }))));
const py = `
import json, sys, time, concurrent.futures
import numpy as np, xgboost as xgb
cfg = json.loads(sys.stdin.read()); d = cfg["dir"]
folds = json.load(open(f"{d}/folds.json"))
X = np.fromfile(f"{d}/X.f32", dtype=np.float32).reshape(-1, cfg["cols"]); y = np.fromfile(f"{d}/y.f32", dtype=np.float32)
parts = {}
def add(k, s): parts[k] = parts.get(k, 0) + (time.perf_counter() - s) * 1000
n = 0; losses = []; t0 = time.perf_counter()
for rep in range(cfg["reps"]):
  for f in folds:
    s = time.perf_counter(); tr, te = np.asarray(f["train"]), np.asarray(f["test"]); Xtr, ytr = X[tr], y[tr]; add("select train rows", s)
    s = time.perf_counter(); dtrain = xgb.DMatrix(Xtr, label=ytr, missing=np.nan); add("DMatrix (train)", s)
    s = time.perf_counter(); b = xgb.train(cfg["params"], dtrain, num_boost_round=cfg["rounds"]); add("xgb.train", s)
    s = time.perf_counter(); p = b.predict(xgb.DMatrix(X[te], missing=np.nan)); add("predict (test)", s)
    s = time.perf_counter(); c = np.clip(p.astype(np.float64), 1e-15, 1 - 1e-15); losses.append(float(-np.mean(np.where(y[te] == 1, np.log(c), np.log(1 - c))))); add("metrics", s)
    n += 1
single = (time.perf_counter() - t0) * 1000 / n
def one(f):
  tr, te = np.asarray(f["train"]), np.asarray(f["test"])
  b = xgb.train(cfg["params"], xgb.DMatrix(X[tr], label=y[tr], missing=np.nan), num_boost_round=cfg["rounds"])
  return b.predict(xgb.DMatrix(X[te], missing=np.nan))
t0 = time.perf_counter()
with concurrent.futures.ThreadPoolExecutor(2) as ex: list(ex.map(one, folds * cfg["reps"]))
print(json.dumps({"total": single, "two": (time.perf_counter() - t0) * 1000 / n, "parts": {k: v / n for k, v in parts.items()}, "loss0": losses[0]}))
`;
import { featureSettings, fetchSettings } from '../../lib/config/stageSettings';
const out = JSON.parse(
  runPython(py, JSON.stringify({ dir: home, cols: train.X.cols, reps: REPS, params: plan.params, rounds: plan.rounds })),
) as {
  total: number;
  two: number;
  parts: Parts;
  loss0: number;
};
console.log(
  `python, 1 at once: ${out.total.toFixed(1)} ms per fold (${Object.entries(out.parts)
    .map(([k, ms]) => `${k} ${ms.toFixed(1)}`)
    .join(', ')} ms); fold 0 loss ${out.loss0}`,
);
console.log(`python, 2 at once (two threads): ${out.two.toFixed(1)} ms per fold`);
