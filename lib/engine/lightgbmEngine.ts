import { defaultLgbHyperparams, lightgbmVersion, trainLightGBM, validateHyperparams, type LgbBooster, type LgbHyperparams } from '../lightgbm';
import { HYPERPARAM_RANGES } from '../lightgbm/params';
import { lightgbmSearchSpace, type LgbSearchSpaceConfig } from '../lightgbm/searchSpace';
import { exportLightGBMToOnnx } from '../onnx/lightgbmExport';
import type { Engine, TrainedModel } from './engine';
import { knownNumbers } from './hyperparamsFile';

const LGB_KEYS = Object.keys(HYPERPARAM_RANGES) as (keyof LgbHyperparams)[];

/** lib_lightgbm through lib/lightgbm: gbdt with binary logloss (`--model-type lgb`). */
export const lightgbmEngine: Engine = {
  name: 'lightgbm',
  version: lightgbmVersion,
  defaultHyperparams: () => ({ ...defaultLgbHyperparams }),
  searchSpace: (config) => lightgbmSearchSpace(config as LgbSearchSpaceConfig),
  hyperparamsFrom(_modelType, params) {
    const known = knownNumbers(params, LGB_KEYS);
    if (!known) return undefined;
    const hp = { ...defaultLgbHyperparams, ...known };
    validateHyperparams(hp);
    return hp;
  },
  async train(o) {
    if (o.modelType !== 'lgb') throw new Error(`the LightGBM engine trains model type lgb, not ${o.modelType}`);
    const fit = await trainLightGBM({ ...o, params: o.params as Partial<LgbHyperparams> });
    return lightgbmModel(fit.booster, { bestIteration: fit.bestIteration, rounds: fit.rounds });
  },
};

function lightgbmModel(booster: LgbBooster, info: { bestIteration: number; rounds: number }): TrainedModel {
  return {
    engine: 'lightgbm',
    ...info,
    predict: (X) => booster.predict(X),
    nativeModel: () => ({ fileName: 'model.txt', content: booster.toModelString() }),
    exportOnnx: (options) => exportLightGBMToOnnx(booster.dumpModel(), options),
    featureImportance: () => {
      const gain = booster.featureImportance('gain');
      return Object.fromEntries(booster.featureNames.map((n, j) => [n, gain[j]!]));
    },
    dispose: () => booster.dispose(),
  };
}
