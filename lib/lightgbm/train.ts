import { ModelError } from '../util/errors';
import { validateLabels } from '../xgboost/train';
import { LgbBooster } from './booster';
import { LgbDataset } from './dataset';
import { defaultLgbHyperparams, lightgbmParams } from './params';
import type { Dataset, LgbHyperparams } from './types';

export interface LgbTrainOptions {
  train: Dataset;
  /** Early stopping watches binary logloss on this set. */
  valid?: Dataset;
  params?: Partial<LgbHyperparams>;
  earlyStoppingRounds?: number;
  seed?: number;
  nthread?: number;
  onRound?: (info: { round: number; total: number; evals: Record<string, number> }) => void | Promise<void>;
  /** Checked between rounds: a cancelled activity stops within one round. */
  signal?: AbortSignal;
  /** A model text (`toModelString()`, Python's `save_model`) to continue boosting from: up to `nEstimators` new rounds. */
  initModel?: string;
}

export interface LgbTrainResult {
  /** Holds the rounds up to the best iteration only (early stopping applied). */
  booster: LgbBooster;
  /** Index of the last round kept, counting the initial model's rounds. */
  bestIteration: number;
  /** Rounds trained in this call (after early stopping, before slicing). */
  rounds: number;
  /** Rounds taken over from `initModel` (0 when training from scratch). */
  baseRounds: number;
  evalHistory: Record<string, number>[];
}

/** Boosting rounds one by one (like lightgbm.train), with early stopping on the validation logloss. */
export async function trainLightGBM(o: LgbTrainOptions): Promise<LgbTrainResult> {
  validateLabels(o.train.y, 'training');
  if (o.valid) validateLabels(o.valid.y, 'validation', { allowOneClass: true });
  const hp: LgbHyperparams = { ...defaultLgbHyperparams, ...stripUndefined(o.params ?? {}) };
  const params = lightgbmParams(hp, { seed: o.seed, nthread: o.nthread });
  let init: LgbBooster | undefined;
  let dtrain: LgbDataset | undefined;
  let dvalid: LgbDataset | undefined;
  let booster: LgbBooster | undefined;
  try {
    init = o.initModel === undefined ? undefined : await initialModel(o.initModel, o.train.X.featureNames);
    // lgb.train(init_model=…): every data set starts from the initial model's raw score (its init_score).
    const initScore = (d: Dataset) => init?.predict(d.X, { raw: true, nthread: o.nthread });
    dtrain = await LgbDataset.create(o.train, { params, initScore: await initScore(o.train) });
    dvalid = o.valid ? await LgbDataset.create(o.valid, { params, reference: dtrain, initScore: await initScore(o.valid) }) : undefined;
    booster = await LgbBooster.create(dtrain, params, o.train.X.featureNames);
    if (init) await booster.merge(init);
    const base = booster.currentIteration();
    const validIndex = dvalid ? booster.addValidData(dvalid) : undefined;
    const evalHistory: Record<string, number>[] = [];
    let best = { iteration: 0, loss: Infinity };
    for (let round = 0; round < hp.nEstimators; round++) {
      if (o.signal?.aborted) throw o.signal.reason ?? new Error('training cancelled');
      const finished = await booster.updateOneIter();
      const evals: Record<string, number> = {};
      if (validIndex !== undefined) evals['valid-logloss'] = (await booster.evaluate(validIndex))[0]!;
      evalHistory.push(evals);
      await o.onRound?.({ round: round + 1, total: hp.nEstimators, evals });
      const loss = evals['valid-logloss'];
      if (loss !== undefined && loss < best.loss - 1e-12) best = { iteration: round, loss };
      if (loss === undefined) best = { iteration: round, loss: Infinity };
      // LightGBM stops adding trees once no split has positive gain: later rounds would be empty.
      if (finished) break;
      if (dvalid && o.earlyStoppingRounds && round - best.iteration >= o.earlyStoppingRounds) break;
    }
    // Iterations count the initial model's first, as LightGBM numbers them after a merge.
    const rounds = booster.currentIteration() - base;
    const keep = dvalid && o.earlyStoppingRounds ? Math.min(best.iteration + 1, rounds) : rounds;
    if (keep < rounds) {
      const sliced = await LgbBooster.load({ text: booster.toModelString({ numIteration: base + keep }) });
      booster.dispose();
      booster = sliced;
    }
    return { booster, bestIteration: base + keep - 1, rounds, baseRounds: base, evalHistory };
  } catch (err) {
    booster?.dispose();
    throw err;
  } finally {
    init?.dispose();
    dtrain?.dispose();
    dvalid?.dispose();
  }
}

/** The model to continue from; its trees split on column positions, so its features must be these. */
async function initialModel(text: string, featureNames: string[]): Promise<LgbBooster> {
  const init = await LgbBooster.load({ text });
  const theirs = init.featureNames;
  if (featureNames.length && (theirs.length !== featureNames.length || theirs.some((n, j) => n !== featureNames[j]))) {
    init.dispose();
    throw new ModelError(
      `cannot continue a LightGBM model trained on features (${theirs.join(', ')}) with data of features (${featureNames.join(', ')})`,
    );
  }
  return init;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
