export * from './bestParamsFile';
export * from './replaceBest';
export * from './trialPruning';
