import type { Client } from '@temporalio/client';
import type { LiveProgress } from '../lib/progress/render';
import type { PipelineStatus } from '../workflows/types';
import { pendingRetries } from './retries';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' ? (v as Obj) : {});
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * Where a run is right now, for `run --wait` and `npm start`: the stage and elapsed time from its
 * status, boosting rounds from the heartbeat details of the training activity in progress
 * (DescribeWorkflowExecution: no worker needed), and trials done / total from the search's own
 * status when the run is optimizing. Anything it cannot read is left out, never an error.
 */
export async function readLiveProgress(
  client: Client,
  workflowId: string,
  status: PipelineStatus,
  o: { now?: () => number; trials?: number } = {},
): Promise<LiveProgress> {
  const now = (o.now ?? Date.now)();
  const started = status.stages.find((s) => s.startedAt)?.startedAt;
  const progress: LiveProgress = {
    stage: status.stage === 'done' ? status.outcome : status.stage,
    elapsedMs: started ? now - Date.parse(started) : 0,
  };
  if (status.outcome === 'awaiting_approval') progress.stage = 'awaiting approval';
  try {
    const describe = await client.workflow.getHandle(workflowId).describe();
    const converter = client.options.loadedDataConverter.payloadConverter;
    const [retry] = pendingRetries(describe.raw.pendingActivities);
    if (retry) progress.retry = { attempt: retry.attempt, maximumAttempts: retry.maximumAttempts, lastFailure: retry.lastFailure };
    for (const a of describe.raw.pendingActivities ?? []) {
      const payload = a.heartbeatDetails?.payloads?.[0];
      if (!payload) continue;
      const details = obj(converter.fromPayload(payload));
      const round = num(details.round);
      if (round !== undefined) {
        progress.round = round;
        const total = num(details.total);
        if (total !== undefined) progress.rounds = total;
      }
      if (typeof details.step === 'string') progress.step = details.step;
    }
  } catch {
    // Progress is decoration: a run that cannot be described right now still shows its stage.
  }
  if (status.stage === 'optimize' && o.trials) {
    try {
      const query = client.workflow.getHandle(`${status.pipelineId}-hpo`).query<{ trials: { state: string }[] }>('hpoStatus');
      const search = await Promise.race([query, new Promise<never>((_, fail) => setTimeout(() => fail(new Error('slow')), 2000).unref())]);
      progress.trialsDone = search.trials.filter((t) => t.state !== 'RUNNING' && t.state !== 'WAITING').length;
      progress.trialsTotal = o.trials;
      delete progress.round;
      delete progress.rounds;
    } catch {
      // The search may not have started yet.
    }
  }
  return progress;
}
