export type { Dataset, Matrix } from '../xgboost/types';

/** Our names for the LightGBM parameters trainctl sets (see params.ts for LightGBM's own names). */
export interface LgbHyperparams {
  /** Boosting rounds (early stopping may keep fewer). */
  nEstimators: number;
  numLeaves: number;
  learningRate: number;
  /** min_data_in_leaf. */
  minChildSamples: number;
  featureFraction: number;
  baggingFraction: number;
  lambdaL1?: number;
  lambdaL2?: number;
  /** -1 (the default) leaves depth to num_leaves. */
  maxDepth?: number;
}
