import type { Trial } from './study';

/**
 * The XGBoost search space of the existing convention:
 * - nEstimators 50–300 (int): boosting rounds (early stopping may use fewer);
 * - maxDepth 3–10 (int): tree depth;
 * - learningRate 0.01–0.3 (log): shrinkage per round;
 * - minChildWeight 1–10 (int): minimum hessian per leaf;
 * - subsample 0.6–1.0: row sampling per tree;
 * - colsampleBytree 0.6–1.0: column sampling per tree.
 */
export interface XgboostSearchSpace {
  nEstimators: [number, number];
  maxDepth: [number, number];
  learningRate: [number, number];
  minChildWeight: [number, number];
  subsample: [number, number];
  colsampleBytree: [number, number];
}

export const xgboostSearchSpace: XgboostSearchSpace = {
  nEstimators: [50, 300],
  maxDepth: [3, 10],
  learningRate: [0.01, 0.3],
  minChildWeight: [1, 10],
  subsample: [0.6, 1.0],
  colsampleBytree: [0.6, 1.0],
};

export function suggestXgboostParams(trial: Trial, space: XgboostSearchSpace = xgboostSearchSpace) {
  return {
    nEstimators: trial.suggestInt('n_estimators', ...space.nEstimators),
    maxDepth: trial.suggestInt('max_depth', ...space.maxDepth),
    learningRate: trial.suggestFloat('learning_rate', ...space.learningRate, { log: true }),
    minChildWeight: trial.suggestInt('min_child_weight', ...space.minChildWeight),
    subsample: trial.suggestFloat('subsample', ...space.subsample),
    colsampleBytree: trial.suggestFloat('colsample_bytree', ...space.colsampleBytree),
  };
}
