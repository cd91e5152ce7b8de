export * from './ks';
export * from './psi';
export * from './profile';
export * from './check';
export * from './history';
export * from './report';
