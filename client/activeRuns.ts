import type { Client } from '@temporalio/client';

/**
 * Open training runs of a model line. Runs carry the model name in their memo; the visibility
 * query narrows to running pipelines first.
 */
export async function openTrainingRuns(client: Client, modelName: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const w of client.workflow.list({ query: `WorkflowType = 'trainingPipeline' AND ExecutionStatus = 'Running'` })) {
    if ((w.memo as { modelName?: string } | undefined)?.modelName === modelName) ids.push(w.workflowId);
  }
  return ids;
}
