export * from './policy';
export * from './scratch';
export * from './plan';
export * from './prune';
export * from './sweep';
export * from './memory';
