export * from './logger';
export * from './temporalLogger';
