/**
 * The engine-specific parts the workflow and the config need: the search space and the mapping of
 * search-space names to hyperparameters. Pure (no Node, no native library), so the deterministic
 * hyperparameterSearch workflow and lib/config can import this file — never ./index.
 */
import type { SearchSpace, Trial } from '../hyperopt';
import type { ModelType } from '../config/pipeline';
import { lightgbmSearchSpace, suggestLightgbmParams, toLgbHyperparams, type LgbSearchSpaceConfig } from '../lightgbm/searchSpace';
import type { LgbHyperparams } from '../lightgbm/types';
import { suggestXgboostParams, toHyperparams, xgboostSearchSpace, type ParamRange, type SearchSpaceConfig } from '../xgboost/searchSpace';
import type { XgbHyperparams } from '../xgboost/types';

export type EngineName = 'xgboost' | 'lightgbm';
/** A run's hyperparameters: XGBoost's or LightGBM's, by its model type. */
export type Hyperparams = XgbHyperparams | LgbHyperparams;
/** `--search-space` JSON: parameter → range; which parameters exist depends on the engine. */
export type EngineSearchSpaceConfig = SearchSpaceConfig | LgbSearchSpaceConfig | Record<string, ParamRange>;

/** xgb, rf and linear are XGBoost boosters; lgb is LightGBM. */
export function engineNameFor(modelType: ModelType): EngineName {
  return modelType === 'lgb' ? 'lightgbm' : 'xgboost';
}

/** The validated search space of the model type's engine (throws SearchSpaceError). */
export function searchSpaceFor(modelType: ModelType, config?: EngineSearchSpaceConfig): SearchSpace {
  return engineNameFor(modelType) === 'lightgbm' ? lightgbmSearchSpace(config) : xgboostSearchSpace(config);
}

export function suggestEngineParams(modelType: ModelType, trial: Trial, space: SearchSpace): Hyperparams {
  return engineNameFor(modelType) === 'lightgbm' ? suggestLightgbmParams(trial, space) : suggestXgboostParams(trial, space);
}

/** Search-space names (n_estimators, num_leaves …) → the engine's hyperparameter fields. */
export function engineHyperparams(modelType: ModelType, params: Record<string, number>): Hyperparams {
  return engineNameFor(modelType) === 'lightgbm' ? toLgbHyperparams(params) : toHyperparams(params);
}
