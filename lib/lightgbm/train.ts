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
}

export interface LgbTrainResult {
  /** Holds the rounds up to the best iteration only (early stopping applied). */
  booster: LgbBooster;
  bestIteration: number;
  rounds: number;
  evalHistory: Record<string, number>[];
}

/** Boosting rounds one by one (like lightgbm.train), with early stopping on the validation logloss. */
export async function trainLightGBM(o: LgbTrainOptions): Promise<LgbTrainResult> {
  validateLabels(o.train.y, 'training');
  if (o.valid) validateLabels(o.valid.y, 'validation', { allowOneClass: true });
  const hp: LgbHyperparams = { ...defaultLgbHyperparams, ...stripUndefined(o.params ?? {}) };
  const params = lightgbmParams(hp, { seed: o.seed, nthread: o.nthread });
  const dtrain = await LgbDataset.create(o.train, { params });
  let dvalid: LgbDataset | undefined;
  let booster: LgbBooster | undefined;
  try {
    dvalid = o.valid ? await LgbDataset.create(o.valid, { params, reference: dtrain }) : undefined;
    booster = await LgbBooster.create(dtrain, params, o.train.X.featureNames);
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
    const rounds = booster.currentIteration();
    const keep = dvalid && o.earlyStoppingRounds ? Math.min(best.iteration + 1, rounds) : rounds;
    if (keep < rounds) {
      const sliced = await LgbBooster.load({ text: booster.toModelString({ numIteration: keep }) });
      booster.dispose();
      booster = sliced;
    }
    return { booster, bestIteration: keep - 1, rounds, evalHistory };
  } catch (err) {
    booster?.dispose();
    throw err;
  } finally {
    dtrain.dispose();
    dvalid?.dispose();
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
