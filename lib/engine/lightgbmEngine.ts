import {
  defaultLgbHyperparams,
  lightgbmVersion,
  trainLightGBM,
  validateHyperparams,
  type LgbBooster,
  type LgbHyperparams,
} from '../lightgbm';
import { HYPERPARAM_RANGES } from '../lightgbm/params';
import { lightgbmSearchSpace } from '../lightgbm/searchSpace';
import { exportLightGBMToOnnx } from '../onnx/lightgbmExport';
import type { Engine, TrainedModel } from './engine';
import { knownNumbers } from './hyperparamsFile';
import { ConfigError } from '../util/errors';

const LGB_KEYS = Object.keys(HYPERPARAM_RANGES) as (keyof LgbHyperparams)[];

/** lib_lightgbm through lib/lightgbm: gbdt with binary logloss (`--model-type lgb`). */
export const lightgbmEngine: Engine = {
  name: 'lightgbm',
  version: lightgbmVersion,
  defaultHyperparams: () => ({ ...defaultLgbHyperparams }),
  searchSpace: (config) => lightgbmSearchSpace(config),
  hyperparamsFrom(_modelType, params) {
    const known = knownNumbers(params, LGB_KEYS);
    if (!known) return undefined;
    const hp = { ...defaultLgbHyperparams, ...known };
    validateHyperparams(hp);
    return hp;
  },
  async train(o) {
    if (o.modelType !== 'lgb') throw new Error(`the LightGBM engine trains model type lgb, not ${o.modelType}`);
    if (o.initModel && o.initModel.fileName !== 'model.txt')
      throw new ConfigError(`warm start: LightGBM cannot continue from ${o.initModel.fileName} (a model of another engine)`);
    const initModel = o.initModel && new TextDecoder().decode(o.initModel.content);
    const fit = await trainLightGBM({ ...o, params: o.params, initModel });
    return lightgbmModel(fit.booster, { bestIteration: fit.bestIteration, rounds: fit.rounds, baseRounds: fit.baseRounds });
  },
};

function lightgbmModel(booster: LgbBooster, info: { bestIteration: number; rounds: number; baseRounds: number }): TrainedModel {
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
