/**
 * The rounds as lib/xgboost ran them before issue 16 item 9 (libuv's pool, the training set
 * evaluated every round) against trainModel now (a boosting thread, only the validation set
 * evaluated): the same model JSON and bit-identical predictions, with and without early stopping.
 *   npx tsx bench/hpo/sameModels.ts
 */
import { Booster, boostingPlan, DMatrix, defaultHyperparams, trainModel } from '../../lib/xgboost';
import { makeDataset } from '../../test/lib/xgboost/fixtures';
const data = makeDataset({ rows: 3000, cols: 12, seed: 5, nanRate: 0.02 });
const valid = makeDataset({ rows: 600, cols: 12, seed: 6 });
let same = 0,
  n = 0;
for (const [i, hp] of [
  { maxDepth: 3, learningRate: 0.3, subsample: 0.6, colsampleBytree: 0.6, minChildWeight: 1, nEstimators: 50 },
  { maxDepth: 10, learningRate: 0.01, subsample: 0.9, colsampleBytree: 0.7, minChildWeight: 7, nEstimators: 120 },
  { maxDepth: 6, learningRate: 0.05, subsample: 1, colsampleBytree: 1, minChildWeight: 3, nEstimators: 80 },
].entries()) {
  for (const withValid of [false, true]) {
    const params = { ...defaultHyperparams, ...hp };
    const plan = boostingPlan('xgb', params, { seed: 42 + i });
    const dtrain = DMatrix.fromDataset(data);
    const dvalid = DMatrix.fromDataset(valid);
    const sets = [{ name: 'train', data: dtrain }, ...(withValid ? [{ name: 'valid', data: dvalid }] : [])];
    const old = Booster.create(
      sets.map((s) => s.data),
      plan.params,
      data.X.featureNames,
    );
    let best = { it: 0, loss: Infinity };
    let r = 0;
    for (; r < plan.rounds; r++) {
      await old.updateOneIter(r, dtrain);
      const ev = await old.evalOneIter(r, sets);
      const l = ev['valid-logloss'];
      if (l !== undefined && l < best.loss - 1e-12) best = { it: r, loss: l };
      if (withValid && r - best.it >= 10) break;
    }
    const oldModel = withValid ? old.slice(0, best.it + 1) : old;
    const fit = await trainModel({
      train: data,
      valid: withValid ? valid : undefined,
      earlyStoppingRounds: withValid ? 10 : undefined,
      modelType: 'xgb',
      params,
      seed: 42 + i,
    });
    const a = oldModel.toJson(),
      b = fit.booster.toJson();
    const pa = await oldModel.predict(valid.X),
      pb = await fit.booster.predict(valid.X);
    const eq = a === b && Buffer.from(pa.buffer).equals(Buffer.from(pb.buffer));
    n++;
    if (eq) same++;
    console.log(
      `hp ${i} valid=${withValid}: model JSON ${a === b ? 'same' : 'DIFFERENT'}, predictions ${Buffer.from(pa.buffer).equals(Buffer.from(pb.buffer)) ? 'bit-identical' : 'DIFFERENT'}`,
    );
  }
}
console.log(`${same}/${n} identical`);
