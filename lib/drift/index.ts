export * from './ks';
export * from './psi';
