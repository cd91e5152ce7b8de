export * from './trainingPipeline';
export * from './rollbackModel';
export * from './driftMonitor';
export * from './performanceMonitor';
export * from './hyperparameterSearch';
export * from './scheduledRetrain';
export * from './dailyScoring';
export * from './validateVersion';
