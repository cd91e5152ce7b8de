export * from './criteria';
