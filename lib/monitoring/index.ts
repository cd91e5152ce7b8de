export * from './records';
export * from './join';
export * from './realised';
export * from './snapshot';
export * from './performanceDrop';
export * from './history';
export * from './report';
