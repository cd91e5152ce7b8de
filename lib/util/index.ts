export * from './errors';
export * from './hash';
export * from './atomic';
