export * from './trainingPipeline';
