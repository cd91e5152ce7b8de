export * from './trainingPipeline';
export * from './rollbackModel';
export * from './driftMonitor';
export * from './hyperparameterSearch';
