import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset, Matrix } from '../../../../lib/lightgbm';
import { runPython, WITHOUT_OPTIONAL_IMPORTS } from '../../../support/python';

/**
 * Python lightgbm's probabilities for `X` from a model file (the independent reference: the
 * same library, driven by its own Python package). The matrix travels as raw float32.
 */
export function pythonPredict(o: { dir: string; modelPath: string; X: Matrix; tag: string }): Float64Array {
  const xPath = join(o.dir, `${o.tag}.X.f32`);
  const outPath = join(o.dir, `${o.tag}.p.f64`);
  writeFileSync(xPath, Buffer.from(o.X.data.buffer, o.X.data.byteOffset, o.X.data.byteLength));
  runPython(
    `${WITHOUT_OPTIONAL_IMPORTS}import json, sys, numpy as np, lightgbm as lgb
c = json.load(sys.stdin)
X = np.fromfile(c['x'], dtype=np.float32).reshape(c['rows'], c['cols'])
b = lgb.Booster(model_file=c['model'])
np.asarray(b.predict(X), dtype=np.float64).tofile(c['out'])`,
    JSON.stringify({ x: xPath, out: outPath, model: o.modelPath, rows: o.X.rows, cols: o.X.cols }),
  );
  const buf = readFileSync(outPath);
  return new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

/** Train in Python lightgbm (for options our trainer does not expose) and save the model file. */
export function pythonTrain(o: {
  dir: string;
  X: Matrix;
  y: Float32Array;
  params: Record<string, unknown>;
  rounds: number;
  tag: string;
  categorical?: number[];
}): string {
  const xPath = join(o.dir, `${o.tag}.train.f32`);
  const yPath = join(o.dir, `${o.tag}.y.f32`);
  const modelPath = join(o.dir, `${o.tag}.model.txt`);
  writeFileSync(xPath, Buffer.from(o.X.data.buffer, o.X.data.byteOffset, o.X.data.byteLength));
  writeFileSync(yPath, Buffer.from(o.y.buffer, o.y.byteOffset, o.y.byteLength));
  runPython(
    `${WITHOUT_OPTIONAL_IMPORTS}import json, sys, numpy as np, lightgbm as lgb
c = json.load(sys.stdin)
X = np.fromfile(c['x'], dtype=np.float32).reshape(c['rows'], c['cols'])
y = np.fromfile(c['y'], dtype=np.float32)
ds = lgb.Dataset(X, label=y, feature_name=c['names'], categorical_feature=c['categorical'] or 'auto', params=c['params'])
b = lgb.train(c['params'], ds, num_boost_round=c['rounds'])
b.save_model(c['model'])`,
    JSON.stringify({
      x: xPath,
      y: yPath,
      model: modelPath,
      rows: o.X.rows,
      cols: o.X.cols,
      names: o.X.featureNames,
      params: o.params,
      rounds: o.rounds,
      categorical: o.categorical ?? null,
    }),
  );
  return modelPath;
}

/**
 * Rows that sit exactly on, just above and just below split thresholds (as float32), where a
 * threshold rounded to nearest instead of down would send a row the wrong way.
 */
export function thresholdEdgeRows(base: Matrix, splits: { feature: number; threshold: number }[]): Matrix {
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  const neighbours = (v: number) => {
    f32[0] = v;
    const bits = u32[0]!;
    const out = [f32[0]];
    u32[0] = bits + 1;
    out.push(f32[0]);
    u32[0] = bits - 1;
    out.push(f32[0]);
    return out.filter(Number.isFinite);
  };
  const rows: number[] = [];
  splits.forEach((s, k) => {
    const r = k % base.rows;
    for (const v of neighbours(Math.fround(s.threshold))) {
      const row = Array.from(base.data.subarray(r * base.cols, (r + 1) * base.cols));
      row[s.feature] = v;
      rows.push(...row);
    }
  });
  return { data: Float32Array.from(rows), rows: rows.length / base.cols, cols: base.cols, featureNames: base.featureNames };
}

/** Every (feature, threshold) of a LightGBM dump's numerical splits. */
export function splitsOf(dumpJson: string): { feature: number; threshold: number }[] {
  const out: { feature: number; threshold: number }[] = [];
  const visit = (n: Record<string, unknown>) => {
    if (typeof n.split_feature !== 'number') return;
    if (n.decision_type === '<=') out.push({ feature: n.split_feature, threshold: Number(n.threshold) });
    visit(n.left_child as Record<string, unknown>);
    visit(n.right_child as Record<string, unknown>);
  };
  for (const t of (JSON.parse(dumpJson) as { tree_info: { tree_structure: Record<string, unknown> }[] }).tree_info) visit(t.tree_structure);
  return out;
}

export function concatRows(a: Matrix, b: Matrix): Matrix {
  const data = new Float32Array(a.data.length + b.data.length);
  data.set(a.data);
  data.set(b.data, a.data.length);
  return { data, rows: a.rows + b.rows, cols: a.cols, featureNames: a.featureNames };
}

/**
 * Python `lgb.train(params, train, rounds, init_model=file, valid_sets=[valid])` — the reference
 * for a warm start — with the validation logloss per round and, with `earlyStoppingRounds`,
 * `lgb.early_stopping`. Returns the booster's counts and its probabilities for `predict`.
 */
export function pythonContinue(o: {
  dir: string;
  tag: string;
  initModelPath: string;
  train: Dataset;
  valid?: Dataset;
  params: Record<string, unknown>;
  rounds: number;
  earlyStoppingRounds?: number;
  predict: Matrix;
}): { trees: number; iteration: number; bestIteration: number; validLogloss: number[]; p: Float64Array } {
  const write = (name: string, a: Float32Array) => {
    const path = join(o.dir, `${o.tag}.${name}.f32`);
    writeFileSync(path, Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    return path;
  };
  const outPath = join(o.dir, `${o.tag}.continued.p.f64`);
  const out = runPython(
    `${WITHOUT_OPTIONAL_IMPORTS}import json, sys, numpy as np, lightgbm as lgb
c = json.load(sys.stdin)
def matrix(path):
    return np.fromfile(path, dtype=np.float32).reshape(-1, c['cols'])
train = lgb.Dataset(matrix(c['X']), label=np.fromfile(c['y'], dtype=np.float32), feature_name=c['names'], params=c['params'])
valid_sets, history, callbacks = [], {}, []
if c['validX']:
    valid_sets = [lgb.Dataset(matrix(c['validX']), label=np.fromfile(c['validY'], dtype=np.float32), reference=train)]
    callbacks.append(lgb.record_evaluation(history))
    if c['early']:
        callbacks.append(lgb.early_stopping(c['early'], verbose=False))
b = lgb.train(c['params'], train, num_boost_round=c['rounds'], init_model=c['init'], valid_sets=valid_sets, callbacks=callbacks)
np.asarray(b.predict(matrix(c['predict'])), dtype=np.float64).tofile(c['out'])
print(json.dumps({'trees': b.num_trees(), 'iteration': b.current_iteration(), 'bestIteration': b.best_iteration,
                  'validLogloss': history.get('valid_0', {}).get('binary_logloss', [])}))`,
    JSON.stringify({
      init: o.initModelPath,
      X: write('train.X', o.train.X.data),
      y: write('train.y', o.train.y),
      validX: o.valid ? write('valid.X', o.valid.X.data) : null,
      validY: o.valid ? write('valid.y', o.valid.y) : null,
      predict: write('predict.X', o.predict.data),
      cols: o.train.X.cols,
      names: o.train.X.featureNames,
      params: o.params,
      rounds: o.rounds,
      early: o.earlyStoppingRounds ?? null,
      out: outPath,
    }),
  );
  const buf = readFileSync(outPath);
  const counts = JSON.parse(out) as { trees: number; iteration: number; bestIteration: number; validLogloss: number[] };
  return { ...counts, p: new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength)) };
}
