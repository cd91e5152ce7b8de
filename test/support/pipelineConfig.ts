import type { PipelineConfigInput } from '../../lib/config/pipeline';

/**
 * The small pipeline the workflow tests run: three synthetic tickers over three years, a six-month
 * holdout, a fixed as-of date, and thresholds low enough that the small model passes them (tests
 * that need a validation failure raise them).
 */
export const SMALL_PIPELINE: PipelineConfigInput = {
  tickers: ['SYN-A', 'SYN-B', 'SYN-C'],
  period: '3y',
  holdout: '6m',
  asOf: '2026-10-30',
  criteria: { minAccuracy: 0.5, minPrecision: 0.3, minRecall: 0.1, minF1: 0.1 },
  approvalTimeout: '10m',
};

/**
 * Tinier still, for tests that run many pipelines (fault waves, idempotency, recorded histories):
 * two synthetic tickers, and criteria the two-ticker model passes. Each user sets its own seed.
 */
export const TINY_PIPELINE: PipelineConfigInput = {
  tickers: ['SYN-A', 'SYN-B'],
  period: '3y',
  holdout: '6m',
  asOf: '2026-10-30',
  criteria: { minAccuracy: 0.4, minPrecision: 0.2, minRecall: 0.05, minF1: 0.05 },
  approvalTimeout: '1h',
};
