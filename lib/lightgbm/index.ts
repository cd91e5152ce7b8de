export * from './types';
export { LgbBooster, readFeatureNames } from './booster';
export { LgbDataset } from './dataset';
export { loadLightGBM, lightgbmVersion, lightgbmLibraryCandidates } from './library';
export { defaultLgbHyperparams, lightgbmParams, paramString, validateHyperparams, type LgbParams } from './params';
export { trainLightGBM, type LgbTrainOptions, type LgbTrainResult } from './train';
