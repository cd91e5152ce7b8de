export * from './client';
export * from './tracking';
