export { FEATURE_CODE_VERSION, DEFAULT_FEATURE_CONFIG, resolveFeatureConfig, type FeatureConfig } from './config';
export { FEATURE_NAMES, FEATURE_WARMUP, computeTickerFeatures } from './definitions';
export { computeLabels, type LabelOptions, type Labels } from './label';
export {
  tickerFeatureFrame,
  tickerFeatureColumns,
  assembleFeatureFrame,
  KEY_COLUMNS,
  TARGET_COLUMNS,
  type TickerColumns,
} from './featureFrame';
export {
  buildFeatureSet,
  featureSetKey,
  type BuildFeatureSetOptions,
  type ClassBalance,
  type FeatureInput,
  type FeatureSchema,
  type FeatureSetResult,
} from './store';
export { loadFeatureMatrix, type FeatureMatrix, type LoadFeatureMatrixOptions } from './matrix';
export * as indicators from './kernels';
export { selectLabelledRows, selectRows, type DenseMatrix } from './rows';
