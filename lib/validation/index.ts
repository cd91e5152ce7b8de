export * from './criteria';
export * from './decide';
export * from './evidenceInput';
export * from './evidenceSummary';
export * from './forced';
export * from './comparison';
