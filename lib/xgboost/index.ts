export * from './types';
export { Booster } from './booster';
export { DMatrix } from './dmatrix';
export { loadXGBoost, xgboostVersion, libraryCandidates } from './library';
export { boostingPlan, defaultHyperparams, type BoostingPlan } from './params';
export { trainModel, validateLabels, type TrainOptions, type TrainResult } from './train';
export { clearTrainMatrices, keptTrainMatrices, MATRIX_POOL_IDLE_MS } from './matrixPool';
