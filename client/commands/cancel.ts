import type { Client } from '@temporalio/client';
import { ConfigError } from '../../lib/util/errors';
import type { PipelineStatus } from '../../workflows/types';
import { describeRun, pipelineStatus } from '../runStatus';
import { noWorkerMessage, taskQueuePollers } from '../taskQueue';

/**
 * Request the run's cancellation (what the Web UI's "Request Cancellation" does) and wait until it
 * has ended: the activity in flight sees the cancellation in its next heartbeat and stops, and the
 * run ends `cancelled`. Without a worker the request is recorded and takes effect when one runs.
 */
export async function cancelRun(client: Client, workflowId: string, o: { waitMs: number }): Promise<PipelineStatus> {
  const run = await describeRun(client, workflowId);
  const state = run.description.status.name;
  if (state !== 'RUNNING') throw new ConfigError(`Run ${workflowId} is not running (${state.toLowerCase()}): nothing to cancel.`);
  await run.handle.cancel();
  const pollers = await taskQueuePollers(client, run.description.taskQueue);
  if (!pollers.live.length)
    throw new ConfigError(`Cancellation requested; it takes effect when a worker runs, but ${noWorkerMessage(pollers)}`);
  const deadline = Date.now() + o.waitMs;
  for (;;) {
    const now = await describeRun(client, workflowId);
    if (now.description.status.name !== 'RUNNING') {
      if (now.description.type !== 'trainingPipeline') {
        return { ...emptyStatus(workflowId), outcome: 'cancelled', reason: `workflow ${now.description.status.name.toLowerCase()}` };
      }
      return pipelineStatus(client, now);
    }
    if (Date.now() > deadline)
      throw new ConfigError(`Cancellation requested but the run has not ended yet; check \`npx trainctl status ${workflowId}\``);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function emptyStatus(workflowId: string): PipelineStatus {
  return {
    workflowId,
    pipelineId: workflowId,
    modelName: 'unknown',
    trigger: 'manual',
    outcome: 'cancelled',
    stage: 'done',
    stages: [],
    refusedSignals: [],
  };
}
