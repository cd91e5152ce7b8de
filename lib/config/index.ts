export * from './pipeline';
export * from './paths';
export * from './temporal';
