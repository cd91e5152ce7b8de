import { mlflowFromEnv, moveChampion } from '../lib/mlflow';
import type { PromoteResult, RollbackResult } from '../lib/registry';
import type { ActivityDeps } from './deps';
import { registryFor } from './registry';

export interface PromoteModelInput {
  pipelineId: string;
  /** The model line (its registry, and MLflow's registered model where the alias moves too). */
  modelName: string;
  version: string;
  by: string;
  reason: string;
}

export interface RejectCandidateInput extends PromoteModelInput {
  stage: 'rejected' | 'expired';
}

/** Registry transitions; each is idempotent per (pipelineId, version), so a retry is harmless. */
export function registryDecisionActivities(deps: ActivityDeps) {
  const registry = (modelName: string) => registryFor(deps, modelName);
  const champion = async (modelName: string | undefined, version: string, pipelineId: string) => {
    const client = mlflowFromEnv(deps.env, { fetch: deps.fetch });
    if (!client || !modelName) return;
    const r = await moveChampion(client, modelName, version);
    if (!r.ok)
      deps.logger.warn(
        { module: 'mlflow', pipelineId, version, error: r.error },
        'could not move the MLflow champion alias; the local registry is authoritative',
      );
  };
  return {
    async promoteModel(input: PromoteModelInput): Promise<PromoteResult> {
      const result = await (await registry(input.modelName)).promote({ ...input, runId: input.pipelineId });
      await champion(input.modelName, result.to, input.pipelineId);
      deps.logger.info({ module: 'registry', pipelineId: input.pipelineId, ...result, by: input.by }, `promoted ${result.to}`);
      return result;
    },
    async rollbackRegistry(input: {
      to: string;
      by: string;
      reason: string;
      pipelineId: string;
      modelName: string;
    }): Promise<RollbackResult> {
      const result = await (await registry(input.modelName)).rollback({ ...input, runId: input.pipelineId });
      await champion(input.modelName, result.to, input.pipelineId);
      deps.logger.info(
        { module: 'registry', ...result, by: input.by, reason: input.reason, pipelineId: input.pipelineId },
        `rolled back to ${result.to}`,
      );
      return result;
    },
    async rejectCandidate(input: RejectCandidateInput): Promise<{ version: string; stage: string }> {
      const result = await (await registry(input.modelName)).reject({ ...input, runId: input.pipelineId });
      deps.logger.info(
        { module: 'registry', pipelineId: input.pipelineId, ...result, by: input.by, reason: input.reason },
        `${input.stage} ${input.version}`,
      );
      return result;
    },
  };
}
