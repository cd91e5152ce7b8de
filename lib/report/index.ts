export * from './comparisonReport';
export * from './charts';
