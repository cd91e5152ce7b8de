export * from './bestParamsFile';
export * from './replaceBest';
