import type { ModelType } from '../config/pipeline';
import type { Engine } from './engine';
import { lightgbmEngine } from './lightgbmEngine';
import { engineNameFor } from './searchSpace';
import { xgboostEngine } from './xgboostEngine';

export type { Engine, EngineTrainOptions, TrainedModel } from './engine';
export * from './searchSpace';
export { warmStartBase, type WarmStartBase, type WarmStartRun } from './warmStart';
export { describeFit, fullRetrainSide, type RetrainSide, type WarmStartReport } from './fullRetrainComparison';
export { readWarmStartReport, WARM_START_FILE } from './warmStartFile';

const ENGINES = { xgboost: xgboostEngine, lightgbm: lightgbmEngine } as const;

/** The engine that trains `modelType` (xgb/rf/linear → XGBoost, lgb → LightGBM). */
export function engineFor(modelType: ModelType): Engine {
  return ENGINES[engineNameFor(modelType)];
}
