import { mlflowFromEnv, moveChampion } from '../lib/mlflow';
import type { PromoteResult, RollbackResult } from '../lib/registry';
import type { ActivityDeps } from './deps';
import { registryFor } from './registry';

export interface PromoteModelInput {
  runId: string;
  /** The model line (its registry, and MLflow's registered model where the alias moves too); absent only in runs started before model lines. */
  modelName?: string;
  version: string;
  by: string;
  reason: string;
}

export interface RejectCandidateInput extends PromoteModelInput {
  stage: 'rejected' | 'expired';
}

/** Registry transitions; each is idempotent per (runId, version), so a retry is harmless. */
export function registryDecisionActivities(deps: ActivityDeps) {
  const registry = (modelName: string | undefined) => registryFor(deps, modelName);
  const champion = async (modelName: string | undefined, version: string, runId: string) => {
    const client = mlflowFromEnv(deps.env, { fetch: deps.fetch });
    if (!client || !modelName) return;
    const r = await moveChampion(client, modelName, version);
    if (!r.ok) deps.logger.warn({ module: 'mlflow', runId, version, error: r.error }, 'could not move the MLflow champion alias; the local registry is authoritative');
  };
  return {
    async promoteModel(input: PromoteModelInput): Promise<PromoteResult> {
      const result = await (await registry(input.modelName)).promote(input);
      await champion(input.modelName, result.to, input.runId);
      deps.logger.info({ module: 'registry', runId: input.runId, ...result, by: input.by }, `promoted ${result.to}`);
      return result;
    },
    async rollbackRegistry(input: { to: string; by: string; reason: string; runId: string; modelName?: string }): Promise<RollbackResult> {
      const result = await (await registry(input.modelName)).rollback(input);
      await champion(input.modelName, result.to, input.runId);
      deps.logger.info({ module: 'registry', ...result, by: input.by, reason: input.reason, runId: input.runId }, `rolled back to ${result.to}`);
      return result;
    },
    async rejectCandidate(input: RejectCandidateInput): Promise<{ version: string; stage: string }> {
      const result = await (await registry(input.modelName)).reject(input);
      deps.logger.info({ module: 'registry', runId: input.runId, ...result, by: input.by, reason: input.reason }, `${input.stage} ${input.version}`);
      return result;
    },
  };
}
