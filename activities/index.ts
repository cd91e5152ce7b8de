import type { ActivityDeps } from './deps';
import { backtestModelActivity } from './backtestModel';
import { autoRollbackActivities } from './autoRollback';
import { buildFeaturesActivity } from './buildFeatures';
import { checkDriftActivity } from './checkDrift';
import { checkNewDataActivity } from './checkNewData';
import { compareModelsActivity } from './compareModels';
import { deployModelActivity } from './deployModel';
import { userErrorsAsFailures } from './errors';
import { fetchMarketDataActivity } from './fetchMarketData';
import { keepAlive } from './heartbeat';
import { measurePerformanceActivity } from './measurePerformance';
import { notifyActivity } from './notify';
import { productionRetrainConfigActivity } from './productionRetrainConfig';
import { registryDecisionActivities } from './registryDecisions';
import { scoringActivities } from './scoring';
import { searchActivities } from './searchActivities';
import { shadowEvidenceActivity } from './shadowEvidence';
import { trainModelActivity } from './trainModel';
import { validateVersionActivities } from './validateVersion';
import { releaseMemoryWhenQuiet } from '../lib/runs/memory';

export type { ActivityDeps } from './deps';

/**
 * Every activity, bound to its dependencies and heartbeating while it runs (activities/heartbeat.ts).
 * User-caused errors leave as non-retryable failures with their type; anything else is retried
 * by the workflow's policy.
 */
export function createActivities(deps: ActivityDeps) {
  const raw = {
    fetchMarketData: fetchMarketDataActivity(deps),
    checkNewData: checkNewDataActivity(deps),
    buildFeatures: buildFeaturesActivity(deps),
    trainModel: trainModelActivity(deps),
    backtestModel: backtestModelActivity(deps),
    compareModels: compareModelsActivity(deps),
    ...registryDecisionActivities(deps),
    ...searchActivities(deps),
    checkDrift: checkDriftActivity(deps),
    notify: notifyActivity(deps),
    deployModel: deployModelActivity(deps),
    ...scoringActivities(deps),
    ...validateVersionActivities(deps),
    measurePerformance: measurePerformanceActivity(deps),
    ...autoRollbackActivities(deps),
    productionRetrainConfig: productionRetrainConfigActivity(deps),
    shadowEvidence: shadowEvidenceActivity(deps),
  };
  return Object.fromEntries(
    Object.entries(raw).map(([name, fn]) => [
      name,
      releasingMemory(keepAlive(userErrorsAsFailures(fn as (...a: unknown[]) => Promise<unknown>))),
    ]),
  ) as typeof raw;
}

/**
 * After any activity, once the worker has been quiet for a few seconds: a full GC and malloc_trim
 * (lib/runs/memory.ts), so an idle worker gives back the memory of the data it just worked on.
 */
function releasingMemory(fn: (...a: unknown[]) => Promise<unknown>) {
  return async (...args: unknown[]) => {
    try {
      return await fn(...args);
    } finally {
      releaseMemoryWhenQuiet();
    }
  };
}

export type Activities = ReturnType<typeof createActivities>;
