import { openRegistry, type PromoteResult, type RollbackResult } from '../lib/registry';
import type { ActivityDeps } from './deps';

export interface PromoteModelInput {
  runId: string;
  version: string;
  by: string;
  reason: string;
}

export interface RejectCandidateInput extends PromoteModelInput {
  stage: 'rejected' | 'expired';
}

/** Registry transitions; each is idempotent per (runId, version), so a retry is harmless. */
export function registryDecisionActivities(deps: ActivityDeps) {
  const registry = () => openRegistry({ root: deps.paths.modelsDir, clock: deps.now });
  return {
    async promoteModel(input: PromoteModelInput): Promise<PromoteResult> {
      const result = await (await registry()).promote(input);
      deps.logger.info({ module: 'registry', runId: input.runId, ...result, by: input.by }, `promoted ${result.to}`);
      return result;
    },
    async rollbackRegistry(input: { to: string; by: string; reason: string; runId: string }): Promise<RollbackResult> {
      const result = await (await registry()).rollback(input);
      deps.logger.info({ module: 'registry', ...result, by: input.by, reason: input.reason, runId: input.runId }, `rolled back to ${result.to}`);
      return result;
    },
    async rejectCandidate(input: RejectCandidateInput): Promise<{ version: string; stage: string }> {
      const result = await (await registry()).reject(input);
      deps.logger.info({ module: 'registry', runId: input.runId, ...result, by: input.by, reason: input.reason }, `${input.stage} ${input.version}`);
      return result;
    },
  };
}
