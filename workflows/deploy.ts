import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import { DEPLOY_TIMEOUT_ERROR } from '../lib/serving/deploy';
import { deployOptions, registryOptions } from './timeouts';
import type { DeployStatus, StageName } from './types';
import { activities } from './routing';

const registry = activities(registryOptions);

/**
 * Wait until every serving instance answers with `version` (instances watch the registry and
 * hot-swap on their own). When they do not within `timeoutMs`, production goes back to the
 * previous version — audited, like any rollback — and the stage fails naming the instances.
 */
export async function deployStage(o: {
  pipelineId: string;
  modelName: string;
  version: string;
  previous: string | null;
  decidedAt: string;
  timeoutMs: number;
  stage: <T>(name: StageName, run: () => Promise<T>, note?: (r: T) => string) => Promise<T>;
  onResult: (d: DeployStatus) => void;
}): Promise<DeployStatus> {
  const deploying = deployActivity(o.timeoutMs);
  return o.stage(
    'deploy',
    async () => {
      try {
        const d = await deploying.deployModel({
          pipelineId: o.pipelineId,
          modelName: o.modelName,
          version: o.version,
          decidedAt: o.decidedAt,
          timeoutMs: o.timeoutMs,
        });
        const result: DeployStatus = {
          version: o.version,
          skipped: d.skipped,
          instances: d.instances.length,
          approvalToServingMs: d.approvalToServingMs,
        };
        o.onResult(result);
        return result;
      } catch (err) {
        const cause = err instanceof ActivityFailure ? err.cause : err;
        if (!(cause instanceof ApplicationFailure) || cause.type !== DEPLOY_TIMEOUT_ERROR) throw err;
        const details = cause.details?.[0] as { instances?: { url: string; switchedAt: string | null }[] } | undefined;
        const notSwitched = (details?.instances ?? []).filter((i) => !i.switchedAt).map((i) => i.url);
        let rolledBackTo: string | null = null;
        if (o.previous) {
          const back = await registry.rollbackRegistry({
            to: o.previous,
            by: 'trainctl',
            reason: `deploy of ${o.version} did not finish: ${cause.message}`,
            pipelineId: `${o.pipelineId}-deploy-rollback`,
            modelName: o.modelName,
          });
          rolledBackTo = back.to;
        }
        o.onResult({
          version: o.version,
          skipped: false,
          instances: details?.instances?.length ?? 0,
          approvalToServingMs: null,
          notSwitched,
          rolledBackTo,
        });
        const after = rolledBackTo ? `production rolled back to ${rolledBackTo}` : 'no previous production version to roll back to';
        throw ApplicationFailure.nonRetryable(`${cause.message}; ${after}`, DEPLOY_TIMEOUT_ERROR);
      }
    },
    (d) =>
      d.skipped
        ? 'no serving instances configured'
        : `${d.instances} instance(s) serve ${d.version}, ${((d.approvalToServingMs ?? 0) / 1000).toFixed(1)} s after approval`,
  );
}

/** The deploy activity: it polls the instances and heartbeats, and may run as long as the deploy timeout. */
export function deployActivity(timeoutMs: number) {
  return activities(deployOptions(timeoutMs, [DEPLOY_TIMEOUT_ERROR]));
}
