export * from './client';
export * from './tracking';
export * from './searchTracking';
export * from './candidateRun';
