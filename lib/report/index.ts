export * from './comparisonReport';
export * from './svgChart';
