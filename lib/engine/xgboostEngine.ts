import type { ModelType } from '../config/pipeline';
import { exportToOnnx } from '../onnx/export';
import { defaultHyperparams, trainModel, xgboostVersion, type Booster, type XgbHyperparams } from '../xgboost';
import { xgboostSearchSpace } from '../xgboost/searchSpace';
import type { Engine, TrainedModel } from './engine';
import { knownNumbers } from './hyperparamsFile';
import { ConfigError } from '../util/errors';

const XGB_KEYS: (keyof XgbHyperparams)[] = [
  'nEstimators',
  'maxDepth',
  'learningRate',
  'minChildWeight',
  'subsample',
  'colsampleBytree',
  'regLambda',
  'regAlpha',
  'gamma',
];

/** libxgboost through lib/xgboost: gbtree (xgb), random forest (rf), gblinear (linear). */
export const xgboostEngine: Engine = {
  name: 'xgboost',
  version: xgboostVersion,
  defaultHyperparams: () => ({ ...defaultHyperparams }),
  searchSpace: (config) => xgboostSearchSpace(config),
  hyperparamsFrom(_modelType: ModelType, params) {
    const known = knownNumbers(params, XGB_KEYS);
    return known && { ...defaultHyperparams, ...known };
  },
  async train(o) {
    if (o.initModel && o.initModel.fileName !== 'model.json')
      throw new ConfigError(`warm start: XGBoost cannot continue from ${o.initModel.fileName} (a model of another engine)`);
    const fit = await trainModel({ ...o, params: o.params, initModel: o.initModel?.content });
    return xgboostModel(fit.booster, { bestIteration: fit.bestIteration, rounds: fit.rounds, baseRounds: fit.baseRounds });
  },
};

function xgboostModel(booster: Booster, info: { bestIteration: number; rounds: number; baseRounds: number }): TrainedModel {
  return {
    engine: 'xgboost',
    ...info,
    predict: (X) => booster.predict(X),
    nativeModel: () => ({ fileName: 'model.json', content: booster.toJson() }),
    exportOnnx: (options) => exportToOnnx(booster.toJson(), options),
    featureImportance: () => totalGain(booster.toJson(), booster.featureNames),
    dispose: () => booster.dispose(),
  };
}

interface GainTrees {
  learner: {
    gradient_booster: {
      model?: { trees?: { split_indices: number[]; loss_changes: number[]; left_children: number[] }[]; weights?: number[] };
    };
  };
}

/** XGBoost's "total_gain" from the model JSON (loss_changes of every split); |weight| for gblinear. */
function totalGain(json: string, names: string[]): Record<string, number> {
  const model = (JSON.parse(json) as GainTrees).learner.gradient_booster.model ?? {};
  const out: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  if (model.trees) {
    for (const t of model.trees) {
      t.left_children.forEach((left, i) => {
        if (left !== -1) out[names[t.split_indices[i]!]!]! += t.loss_changes[i]!;
      });
    }
  } else if (model.weights) {
    names.forEach((n, j) => (out[n] = Math.abs(model.weights![j]!)));
  }
  return out;
}
