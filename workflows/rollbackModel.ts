import { log, workflowInfo } from '@temporalio/workflow';
import { notifyOptions, registryOptions } from './timeouts';
import { deployActivity } from './deploy';
import { activities } from './routing';

export interface RollbackInput {
  modelName: string;
  /** A version (vX.Y.Z) or 'previous'. */
  to: string;
  by: string;
  reason: string;
  /**
   * Wait this long for every serving instance to answer with the restored version (the config's
   * deployTimeout); absent (a performance monitor's automatic rollback): no wait.
   */
  deployTimeoutMs?: number;
}

export interface RollbackOutcome {
  from: string | null;
  to: string;
  /** Time the registry switch took, checksum verification included. */
  registryMs: number;
  /** From the rollback request to "every instance serves it"; null when no instances are configured. */
  servingMs?: number | null;
}

const registry = activities(registryOptions);
const notifying = activities(notifyOptions);

/**
 * A rollback is a workflow rather than a direct file operation so that it is audited in the
 * Temporal UI like every other change of production, and retried safely (keyed by the workflow ID).
 */
export async function rollbackModel(input: RollbackInput): Promise<RollbackOutcome> {
  const pipelineId = workflowInfo().workflowId;
  const requestedAt = new Date().toISOString();
  const result = await registry.rollbackRegistry({
    modelName: input.modelName,
    to: input.to,
    by: input.by,
    reason: input.reason,
    pipelineId,
  });
  log.info('rolled back', { ...result });
  let servingMs: number | null | undefined;
  if (input.deployTimeoutMs !== undefined) {
    // Deployed like a promotion: the instances watch the registry; this waits until all serve it.
    const deploying = deployActivity(input.deployTimeoutMs);
    const d = await deploying.deployModel({
      pipelineId,
      modelName: input.modelName,
      version: result.to,
      decidedAt: requestedAt,
      timeoutMs: input.deployTimeoutMs,
    });
    servingMs = d.approvalToServingMs;
  }
  try {
    await notifying.notify({
      event: 'rollback',
      pipelineId,
      modelName: input.modelName,
      text: `production ${result.from ?? 'none'} → ${result.to} by ${input.by}: ${input.reason}`,
      fields: { from: result.from, to: result.to, by: input.by },
    });
  } catch (err) {
    log.warn('rollback notification failed', { error: String(err) });
  }
  return { from: result.from, to: result.to, registryMs: result.ms, ...(servingMs !== undefined ? { servingMs } : {}) };
}
