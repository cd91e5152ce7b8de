export * from './metrics';
export * from './folds';
