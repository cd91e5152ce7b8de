export * from './comparisonReport';
export * from './charts';
export * from './comparisonInput';
