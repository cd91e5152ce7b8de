export * from './logger';
export * from './temporalLogger';
export * from './convention';
export * from './redact';
