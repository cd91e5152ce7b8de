export * from './trainingPipeline';
export * from './rollbackModel';
