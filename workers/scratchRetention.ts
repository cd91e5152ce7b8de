import { Client } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import type { ActivityDeps } from '../activities/deps';
import { startScratchSweep, type ScratchSweep } from '../lib/runs';
import { pipelineIdOf } from '../workflows/ids';

/**
 * Pipeline IDs of every open workflow in the namespace. A training run's scratch is named by
 * pipelineIdOf (runs never continue as new, so the current run is the first); the other workflows
 * (search, drift, monitoring) use their workflow ID itself.
 */
export async function openPipelineIds(client: Client): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const w of client.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
    ids.add(w.workflowId);
    ids.add(pipelineIdOf({ workflowId: w.workflowId, firstExecutionRunId: w.runId }));
  }
  return ids;
}

/** The worker's run scratch retention: a sweep at start and every hour (lib/runs, TRAINCTL_RUNS_*). */
export function startScratchRetention(o: { connection: NativeConnection; namespace: string; deps: ActivityDeps }): ScratchSweep {
  const client = new Client({ connection: o.connection, namespace: o.namespace });
  return startScratchSweep({
    paths: o.deps.paths,
    env: o.deps.env,
    logger: o.deps.logger,
    now: o.deps.now,
    openRuns: () => openPipelineIds(client),
  });
}
