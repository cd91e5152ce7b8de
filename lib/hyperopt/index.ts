export * from './distributions';
export * from './rng';
export * from './study';
export { RandomSampler, sampleUniform } from './samplers/random';
export { TPESampler, defaultGamma, defaultWeights, splitTrials, type TPEOptions } from './samplers/tpe';
export { ParzenEstimator, computeSigmas } from './samplers/parzen';
export type { Sampler } from './samplers/sampler';
export type { Pruner } from './pruners/pruner';
export { MedianPruner, PercentilePruner, percentileLinear } from './pruners/percentile';
