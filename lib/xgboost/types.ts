/** A dense float32 matrix, row-major; NaN marks a missing value. */
export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
  featureNames: string[];
}

export interface Dataset {
  X: Matrix;
  /** Binary labels, 0 or 1. */
  y: Float32Array;
  weights?: Float32Array;
}

export { MODEL_TYPES, type ModelType } from '../config/pipeline';

export interface XgbHyperparams {
  nEstimators: number;
  maxDepth: number;
  learningRate: number;
  minChildWeight: number;
  subsample: number;
  colsampleBytree: number;
  regLambda?: number;
  regAlpha?: number;
  gamma?: number;
}
