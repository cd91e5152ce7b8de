import { DataError } from '../util/errors';
import { Booster } from './booster';
import { boostRounds } from './boostingThread';
import { DMatrix } from './dmatrix';
import { giveTrainMatrix, takeTrainMatrix } from './matrixPool';
import { loadXGBoost } from './library';
import { boostingPlan, defaultHyperparams } from './params';
import type { Dataset, ModelType, XgbHyperparams } from './types';

export interface TrainOptions {
  train: Dataset;
  /** Early stopping watches logloss on this set. */
  valid?: Dataset;
  modelType: ModelType;
  params?: Partial<XgbHyperparams> & { seed?: number };
  earlyStoppingRounds?: number;
  seed?: number;
  nthread?: number;
  onRound?: (info: { round: number; total: number; evals: Record<string, number> }) => void | Promise<void>;
  /** Checked between rounds: a cancelled activity stops within one round. */
  signal?: AbortSignal;
  /** A saved model (JSON/UBJSON) to continue boosting from: warm start, up to `nEstimators` new rounds. */
  initModel?: Uint8Array;
  /**
   * Keep the training matrix (and XGBoost's feature histograms in it) for the next training with
   * this key (lib/xgboost/matrixPool): only for a key that always means the same rows.
   */
  trainMatrixKey?: string;
}

export interface TrainResult {
  /** Holds the rounds up to the best iteration only (early stopping applied). */
  booster: Booster;
  /** Index of the last round kept, counting the initial model's rounds. */
  bestIteration: number;
  /** Rounds trained in this call (after early stopping, before slicing). */
  rounds: number;
  /** Rounds taken over from `initModel` (0 when training from scratch). */
  baseRounds: number;
  /** One entry per round trained: `{ "valid-logloss": … }` with a validation set, `{}` without. */
  evalHistory: Record<string, number>[];
}

export async function trainModel(o: TrainOptions): Promise<TrainResult> {
  validateLabels(o.train.y, 'training');
  if (o.valid) validateLabels(o.valid.y, 'validation', { allowOneClass: true });
  const hp = { ...defaultHyperparams, ...stripUndefined(o.params ?? {}) };
  const plan = boostingPlan(o.modelType, hp, { seed: o.seed ?? o.params?.seed, nthread: o.nthread });

  const dtrain = o.trainMatrixKey ? takeTrainMatrix(o.trainMatrixKey, o.train) : DMatrix.fromDataset(o.train);
  let failed = false;
  const dvalid = o.valid ? DMatrix.fromDataset(o.valid) : undefined;
  const cache = dvalid ? [dtrain, dvalid] : [dtrain];
  // Only the validation set is evaluated each round (early stopping reads it), as Python's
  // xgb.train evaluates only its `evals`: the training set's logloss was computed every round and
  // read by nobody (5% of a search fold).
  const watched = dvalid ? [{ name: 'valid', data: dvalid }] : [];
  const booster = o.initModel
    ? Booster.continueFrom({ cache, model: o.initModel, params: plan.params, featureNames: o.train.X.featureNames })
    : Booster.create(cache, plan.params, o.train.X.featureNames);
  const evalHistory: Record<string, number>[] = [];
  let best = { iteration: 0, loss: Infinity };
  let base = 0;
  const earlyStoppingRounds = dvalid && plan.earlyStopping && o.earlyStoppingRounds ? o.earlyStoppingRounds : 0;
  try {
    base = o.initModel ? booster.boostedRounds() : 0;
    // libxgboost 1.x configures the learner in the first round and fails off the thread that
    // created it (see Booster.updateOneIter): that round runs here, the rest on a boosting thread.
    const here = base === 0 && loadXGBoost().version[0] < 2 ? 1 : 0;
    let stopped = false;
    for (let round = 0; round < Math.min(here, plan.rounds) && !stopped; round++) {
      if (o.signal?.aborted) throw o.signal.reason ?? new Error('training cancelled');
      // Iterations are numbered after the initial model's, as XGBoost's own continuation numbers them.
      await booster.updateOneIter(base + round, dtrain);
      const evals = watched.length ? await booster.evalOneIter(base + round, watched) : {};
      evalHistory.push(evals);
      await o.onRound?.({ round: round + 1, total: plan.rounds, evals });
      // The same rule runs in the boosting thread (lib/xgboost/boostingThread.ts).
      const loss = evals['valid-logloss'];
      if (loss !== undefined && loss < best.loss - 1e-12) best = { iteration: round, loss };
      if (loss === undefined) best = { iteration: round, loss: Infinity };
      stopped = earlyStoppingRounds > 0 && round - best.iteration >= earlyStoppingRounds;
    }
    if (!stopped && evalHistory.length < plan.rounds) {
      const rest = await boostRounds({
        booster,
        train: dtrain,
        valid: dvalid,
        base,
        from: evalHistory.length,
        rounds: plan.rounds,
        best,
        earlyStoppingRounds,
        onRound: (round, evals) => o.onRound?.({ round, total: plan.rounds, evals }),
        signal: o.signal,
      });
      evalHistory.push(...rest.evals);
      best = rest.best;
    }
    const rounds = evalHistory.length;
    const keep = dvalid && plan.earlyStopping && o.earlyStoppingRounds ? best.iteration + 1 : rounds;
    if (keep < rounds && o.modelType !== 'linear') {
      const sliced = booster.slice(0, base + keep);
      booster.dispose();
      return { booster: sliced, bestIteration: base + keep - 1, rounds, baseRounds: base, evalHistory };
    }
    return { booster, bestIteration: base + rounds - 1, rounds, baseRounds: base, evalHistory };
  } catch (err) {
    failed = true;
    booster.dispose();
    throw err;
  } finally {
    // A matrix goes back to its pool only after a training that ended normally.
    if (o.trainMatrixKey && !failed) giveTrainMatrix(o.trainMatrixKey, dtrain);
    else dtrain.dispose();
    dvalid?.dispose();
  }
}

/** Labels must be 0/1, and training needs both classes. */
export function validateLabels(y: Float32Array, what: string, options: { allowOneClass?: boolean } = {}): void {
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (v === 1) pos++;
    else if (v === 0) neg++;
    else throw new DataError(`${what} labels must be 0 or 1; row ${i} has ${v}`);
  }
  if (y.length === 0) throw new DataError(`${what} set is empty`);
  if (!options.allowOneClass && (pos === 0 || neg === 0)) {
    throw new DataError(
      `${what} labels have a single class (${pos} up, ${neg} down): a direction classifier needs both; use a longer --period or more tickers`,
    );
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
