import { ConfigError } from '../util/errors';
import type { ModelType, XgbHyperparams } from './types';

/** The existing training convention: 100 trees, depth 6, learning rate 0.1, logloss. */
export const defaultHyperparams: XgbHyperparams = {
  nEstimators: 100,
  maxDepth: 6,
  learningRate: 0.1,
  minChildWeight: 1,
  subsample: 1,
  colsampleBytree: 1,
};

export interface BoostingPlan {
  params: Record<string, string | number>;
  rounds: number;
  /** Random forests are a single round of many parallel trees: nothing to stop early. */
  earlyStopping: boolean;
}

/** Map our hyperparameters and model type to XGBoost's own parameter names. */
export function boostingPlan(modelType: ModelType, hp: XgbHyperparams, options: { seed?: number; nthread?: number } = {}): BoostingPlan {
  const common: Record<string, string | number> = {
    objective: 'binary:logistic',
    eval_metric: 'logloss',
    seed: options.seed ?? 0,
    verbosity: 0,
    ...(options.nthread ? { nthread: options.nthread } : {}),
  };
  const regularization = {
    ...(hp.regLambda !== undefined ? { lambda: hp.regLambda } : {}),
    ...(hp.regAlpha !== undefined ? { alpha: hp.regAlpha } : {}),
  };
  switch (modelType) {
    case 'xgb':
      return {
        rounds: hp.nEstimators,
        earlyStopping: true,
        params: {
          ...common,
          booster: 'gbtree',
          tree_method: 'hist',
          max_depth: hp.maxDepth,
          eta: hp.learningRate,
          min_child_weight: hp.minChildWeight,
          subsample: hp.subsample,
          colsample_bytree: hp.colsampleBytree,
          ...(hp.gamma !== undefined ? { gamma: hp.gamma } : {}),
          ...regularization,
        },
      };
    case 'rf':
      return {
        rounds: 1,
        earlyStopping: false,
        params: {
          ...common,
          booster: 'gbtree',
          tree_method: 'hist',
          num_parallel_tree: hp.nEstimators,
          max_depth: hp.maxDepth,
          eta: 1,
          subsample: Math.min(hp.subsample, 0.8),
          colsample_bynode: Math.min(hp.colsampleBytree, 0.8),
          min_child_weight: hp.minChildWeight,
        },
      };
    case 'linear':
      return {
        rounds: hp.nEstimators,
        earlyStopping: true,
        // coord_descent is deterministic; the default shotgun updater is not with several threads.
        params: { ...common, booster: 'gblinear', updater: 'coord_descent', eta: hp.learningRate, ...regularization },
      };
    case 'lgb':
      throw new ConfigError('model type lgb is trained by the LightGBM engine, not XGBoost (use engineFor(modelType))');
  }
}
