/**
 * Workflow IDs of a model line. Every training run of a model starts under the same workflow ID,
 * so "one open run per model" is enforced by the Temporal server itself: a second start while one is
 * open fails (conflict policy FAIL for clients, WorkflowExecutionAlreadyStarted for child starts),
 * whichever way it was triggered (CLI, schedule, drift). A closed ID can be reused by the next run.
 */
export function pipelineWorkflowId(modelName: string): string {
  return `train-${modelName}`;
}

/**
 * The pipeline ID: what names one unit of work in the registry, MLflow, reports, logs and every
 * activity's input (`pipelineId`). For a training run it is this function's result — runs of a
 * model line share their workflow ID, so the first execution's run ID tells them apart; the other
 * workflows (rollback, drift check, search, scoring, monitoring) use their own workflow ID. The
 * registry's files keep the historical field name `runId` for it.
 */
export function pipelineIdOf(info: { workflowId: string; firstExecutionRunId: string }): string {
  // Run IDs are UUIDv7: the leading hex digits are a timestamp, shared by runs started close
  // together; the trailing ones are random.
  return `${info.workflowId}-${info.firstExecutionRunId.replace(/-/g, '').slice(-12)}`;
}
