import type { Activities } from '../activities';
import type { ActivityKind } from '../lib/config/taskQueues';

/**
 * The kind of every activity, which picks its task queue (lib/config/taskQueues.ts). No runtime
 * imports: the workflow bundle and the worker both read it. A new activity without a kind does not
 * compile.
 */
export const ACTIVITY_KINDS: Record<keyof Activities, ActivityKind> = {
  fetchMarketData: 'io',
  checkNewData: 'io',
  buildFeatures: 'compute',
  trainModel: 'compute',
  backtestModel: 'compute',
  // Registration, three report files and MLflow tracking: writes, not number crunching.
  compareModels: 'io',
  promoteModel: 'io',
  rollbackRegistry: 'io',
  rejectCandidate: 'io',
  evaluateTrial: 'compute',
  writeSearchResults: 'io',
  checkDrift: 'compute',
  notify: 'io',
  deployModel: 'io',
  scoreDailyPredictions: 'compute',
  countShadowPredictions: 'io',
  registeredVersion: 'io',
  writeValidationReport: 'io',
  measurePerformance: 'compute',
  planAutoRollback: 'io',
  recordAutoRollback: 'io',
  productionRetrainConfig: 'io',
  shadowEvidence: 'compute',
};

/** What a worker registers on a queue that serves only some kinds. */
export function activitiesOfKinds<A extends Record<string, unknown>>(all: A, kinds: readonly ActivityKind[]): Partial<A> {
  return Object.fromEntries(Object.entries(all).filter(([name]) => kinds.includes(ACTIVITY_KINDS[name as keyof Activities]))) as Partial<A>;
}
