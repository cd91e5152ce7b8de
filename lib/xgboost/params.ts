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

/** The ranges XGBoost accepts (its parameter docs), checked before any native call and on every file a person edits. */
export const XGB_HYPERPARAM_RANGES: Record<
  keyof XgbHyperparams,
  { name: string; min: number; max: number; minExclusive?: boolean; int?: boolean }
> = {
  nEstimators: { name: 'n_estimators', min: 1, max: 100_000, int: true },
  maxDepth: { name: 'max_depth', min: 1, max: 64, int: true },
  learningRate: { name: 'learning_rate', min: 0, max: 1, minExclusive: true },
  minChildWeight: { name: 'min_child_weight', min: 0, max: Number.MAX_VALUE },
  subsample: { name: 'subsample', min: 0, max: 1, minExclusive: true },
  colsampleBytree: { name: 'colsample_bytree', min: 0, max: 1, minExclusive: true },
  regLambda: { name: 'reg_lambda', min: 0, max: Number.MAX_VALUE },
  regAlpha: { name: 'reg_alpha', min: 0, max: Number.MAX_VALUE },
  gamma: { name: 'gamma', min: 0, max: Number.MAX_VALUE },
};

/** The problem with one value, or undefined when it is in range. */
export function xgbRangeProblem(key: keyof XgbHyperparams, value: unknown): string | undefined {
  const range = XGB_HYPERPARAM_RANGES[key];
  if (value === undefined) return undefined;
  const n = value as number;
  const low = range.minExclusive ? n <= range.min : n < range.min;
  if (typeof value === 'number' && Number.isFinite(n) && !low && n <= range.max && (!range.int || Number.isInteger(n))) return undefined;
  const max = range.max === Number.MAX_VALUE ? '∞)' : `${range.max}]`;
  return `${range.name}=${typeof value === 'number' ? String(value) : JSON.stringify(value)} is out of range (${range.minExclusive ? '(' : '['}${range.min}, ${max}${range.int ? ', integer' : ''})`;
}

/** Every out-of-range value in one ConfigError naming the parameters. */
export function validateXgbHyperparams(hp: Partial<XgbHyperparams>): void {
  const problems = (Object.keys(XGB_HYPERPARAM_RANGES) as (keyof XgbHyperparams)[])
    .map((key) => xgbRangeProblem(key, hp[key]))
    .filter((p): p is string => p !== undefined);
  if (problems.length) throw new ConfigError(`invalid XGBoost parameters: ${problems.join('; ')}`);
}

export interface BoostingPlan {
  params: Record<string, string | number>;
  rounds: number;
  /** Random forests are a single round of many parallel trees: nothing to stop early. */
  earlyStopping: boolean;
}

/** Map our hyperparameters and model type to XGBoost's own parameter names. */
export function boostingPlan(modelType: ModelType, hp: XgbHyperparams, options: { seed?: number; nthread?: number } = {}): BoostingPlan {
  if (modelType !== 'lgb') validateXgbHyperparams(hp);
  const common: Record<string, string | number> = {
    objective: 'binary:logistic',
    eval_metric: 'logloss',
    seed: options.seed ?? 0,
    // XGBoost's random engine is per thread and seeded once, when the learner is configured, while
    // our rounds run on whichever libuv pool thread is free: two boosters training at once drew each
    // other's row/column samples (issue 16). Reseeding each round from (seed, round) makes a round's
    // draws a function of the booster alone. Python references pass the same parameter.
    seed_per_iteration: 'true',
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
