import { inheritedRoutes } from './routing';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ParentClosePolicy, log, startChild } from '@temporalio/workflow';
import { pipelineWorkflowId } from './ids';
import { trainingPipeline } from './trainingPipeline';
import type { PipelineInput } from './types';

export interface ScheduledRetrainResult {
  outcome: 'started' | 'skipped';
  /** The pipeline's workflow ID and the run it started (absent when skipped). */
  workflowId: string;
  executionRunId: string | null;
  reason: string;
}

/**
 * What a retrain Schedule starts. A Schedule appends the firing time to the workflow IDs it
 * starts, so it cannot start the pipeline under the model line's fixed ID itself: this launcher
 * does, as an abandoned child, and a firing while any run of the model is open (manual,
 * scheduled or drift-triggered) ends `skipped` instead of starting a second one.
 */
export async function scheduledRetrain(input: PipelineInput): Promise<ScheduledRetrainResult> {
  const workflowId = pipelineWorkflowId(input.config.modelName);
  try {
    const child = await startChild(trainingPipeline, {
      workflowId,
      args: [input],
      // The run waits for approval for days: it must outlive this launcher.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      memo: { modelName: input.config.modelName, trigger: input.config.trigger, ...inheritedRoutes() },
      staticSummary: `scheduled retrain of ${input.config.modelName}`,
    });
    log.info('scheduled retrain started', { workflowId, executionRunId: child.firstExecutionRunId });
    return { outcome: 'started', workflowId, executionRunId: child.firstExecutionRunId, reason: 'scheduled' };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    const reason = `a training run of ${input.config.modelName} is already open (${workflowId}): this firing is skipped`;
    log.info(reason);
    return { outcome: 'skipped', workflowId, executionRunId: null, reason };
  }
}
