export * from './metrics';
export * from './folds';
export * from './searchFolds';
