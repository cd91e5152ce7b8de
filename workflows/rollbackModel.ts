import { log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { NON_RETRYABLE_ERROR_TYPES } from '../lib/util/errors';

export interface RollbackInput {
  modelName: string;
  /** A version (vX.Y.Z) or 'previous'. */
  to: string;
  by: string;
  reason: string;
}

export interface RollbackOutcome {
  from: string | null;
  to: string;
  /** Time the registry switch took, checksum verification included. */
  registryMs: number;
}

const registry = proxyActivities<Activities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '500ms', maximumAttempts: 5, nonRetryableErrorTypes: [...NON_RETRYABLE_ERROR_TYPES] },
});
const notifying = proxyActivities<Activities>({ startToCloseTimeout: '30s', retry: { maximumAttempts: 6 } });

/**
 * A rollback is a workflow rather than a direct file operation so that it is audited in the
 * Temporal UI like every other change of production, and retried safely (keyed by the workflow ID).
 */
export async function rollbackModel(input: RollbackInput): Promise<RollbackOutcome> {
  const runId = workflowInfo().workflowId;
  const result = await registry.rollbackRegistry({ ...input, runId });
  log.info('rolled back', { ...result });
  try {
    await notifying.notify({
      event: 'rollback',
      runId,
      modelName: input.modelName,
      text: `production ${result.from ?? 'none'} → ${result.to} by ${input.by}: ${input.reason}`,
      fields: { from: result.from, to: result.to, by: input.by },
    });
  } catch (err) {
    log.warn('rollback notification failed', { error: String(err) });
  }
  return { from: result.from, to: result.to, registryMs: result.ms };
}
