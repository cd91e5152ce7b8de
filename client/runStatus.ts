import { createRequire } from 'node:module';
import type * as TemporalClient from '@temporalio/client';
import type { Client, WorkflowExecutionDescription, WorkflowHandle } from '@temporalio/client';
import type * as TemporalCommon from '@temporalio/common';
import { ConfigError } from '../lib/util/errors';
import type { SearchResult, SearchStatus } from '../workflows/hyperparameterSearch';
import type { PipelineStatus } from '../workflows/types';
import { pendingRetries } from './retries';
import { noWorkerMessage, taskQueuePollers } from './taskQueue';

// CommonJS packages through require (see client/connection.ts): part of every `status`.
const require = createRequire(import.meta.url);
const { WorkflowFailedError, WorkflowNotFoundError } = require('@temporalio/client') as typeof TemporalClient;
const { ApplicationFailure, defaultPayloadConverter } = require('@temporalio/common') as typeof TemporalCommon;

/** Queries by name: importing the workflow modules would load the workflow SDK (~0.3 s) into every `status`. */
export const STATUS_QUERY = 'status';
export const SEARCH_STATUS_QUERY = 'hpoStatus';
/** The memo key under which a run keeps its status (workflows/trainingPipeline.ts). */
export const STATUS_MEMO = 'status';
/**
 * A query waits this long for an answer. It first goes to the worker that last ran the workflow
 * (5 s, workers/worker.ts) and then to any worker, so this is enough for a live one.
 */
export const QUERY_TIMEOUT_MS = 10_000;

export interface DescribedRun {
  handle: WorkflowHandle;
  description: WorkflowExecutionDescription;
}

/** The run's handle and description; an unknown ID is a ConfigError (exit 3). */
export async function describeRun(client: Client, workflowId: string): Promise<DescribedRun> {
  const handle = client.workflow.getHandle(workflowId);
  try {
    return { handle, description: await handle.describe() };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      throw new ConfigError(`No run with id "${workflowId}" was found (check \`npx trainctl status\` ids in the Web UI).`);
    throw err;
  }
}

/**
 * The status of a training run, whatever state it is in, read without a worker where it can be:
 * the status the run keeps in its memo (queried before its first workflow task wrote it), its result once it
 * completed, and the failure (or cancellation) with the last status once it ended otherwise.
 */
export async function readRunStatus(client: Client, workflowId: string): Promise<PipelineStatus> {
  return pipelineStatus(client, await describeRun(client, workflowId));
}

export async function pipelineStatus(client: Client, { handle, description }: DescribedRun): Promise<PipelineStatus> {
  const workflowId = handle.workflowId;
  if (description.type !== 'trainingPipeline') {
    throw new ConfigError(
      `${workflowId} is a ${description.type} workflow, not a training run${description.type === 'hyperparameterSearch' ? ` (see \`trainctl status ${workflowId}\`)` : ''}`,
    );
  }
  const memo = description.memo?.[STATUS_MEMO] as PipelineStatus | undefined;
  const state = description.status.name;
  if (state === 'RUNNING') {
    const status = memo ?? (await queryRun<PipelineStatus>(client, { handle, description }, STATUS_QUERY));
    const retries = pendingRetries(description.raw.pendingActivities);
    return retries.length ? { ...status, retries } : status;
  }
  if (state === 'COMPLETED') return (await handle.result()) as PipelineStatus;
  const status = memo ?? (await queryRun<PipelineStatus>(client, { handle, description }, STATUS_QUERY).catch(() => undefined));
  if (state === 'CANCELLED') {
    return {
      ...(status ?? minimalStatus(workflowId, description)),
      outcome: 'cancelled',
      stage: 'done',
      reason: status?.reason ?? 'cancelled',
    };
  }
  const failure = await handle.result().then(
    () => undefined,
    (err: unknown) => err,
  );
  const root = rootFailure(failure);
  const base = status ?? minimalStatus(workflowId, description);
  return {
    ...base,
    outcome: 'failed',
    reason: state === 'FAILED' ? undefined : `workflow ${state.toLowerCase()}`,
    error: base.error ?? { stage: base.stage === 'done' ? 'fetch' : base.stage, message: root.message, type: root.type },
  };
}

/**
 * What `status` shows for a search: its trials (from the `hpoStatus` query, while a worker can
 * answer it) and, once it finished, its result (from the history: no worker needed).
 */
export interface SearchView {
  status?: SearchStatus;
  result?: SearchResult;
}

export async function searchView(client: Client, run: DescribedRun): Promise<SearchView> {
  const state = run.description.status.name;
  if (state === 'RUNNING')
    return { status: withTrialProgress(await queryRun<SearchStatus>(client, run, SEARCH_STATUS_QUERY), run.description) };
  const status = await queryRun<SearchStatus>(client, run, SEARCH_STATUS_QUERY).catch(() => undefined);
  if (state === 'COMPLETED') return { ...(status ? { status } : {}), result: (await run.handle.result()) as SearchResult };
  if (status) return { status: { ...status, finished: true } };
  const root = rootFailure(
    await run.handle.result().then(
      () => undefined,
      (err: unknown) => err,
    ),
  );
  throw new ConfigError(`search ${run.handle.workflowId} ${state.toLowerCase()}: ${root.message}`);
}

/**
 * A running trial is one activity (evaluateTrial): the workflow hears of its folds only when it ends.
 * The folds it has finished so far are in its last heartbeat the server recorded (pending activities
 * of the description; the SDK sends one at least every 12 s), so `status` counts those.
 */
export function withTrialProgress(status: SearchStatus, description: Pick<WorkflowExecutionDescription, 'raw'>): SearchStatus {
  const folds = new Map<number, number>();
  for (const a of description.raw.pendingActivities ?? []) {
    const payload = a.activityType?.name === 'evaluateTrial' ? a.heartbeatDetails?.payloads?.[0] : undefined;
    if (!payload) continue;
    try {
      const d = defaultPayloadConverter.fromPayload<{ trial?: unknown; folds?: unknown }>(payload);
      if (typeof d?.trial === 'number' && Array.isArray(d.folds)) folds.set(d.trial, d.folds.length);
    } catch {
      // Details of another shape: the count from the query stays.
    }
  }
  if (!folds.size) return status;
  return {
    ...status,
    trials: status.trials.map((t) =>
      t.state === 'RUNNING' && (folds.get(t.number) ?? 0) > t.folds ? { ...t, folds: folds.get(t.number)! } : t,
    ),
  };
}

/** `status --json` and `hpo status --json` of a search: the trials, and the result once there is one. */
export function searchJson(v: SearchView): unknown {
  return { ...(v.status ?? {}), ...(v.result ? { result: v.result } : {}) };
}

/**
 * A query with a deadline. When nobody answers, the error says whether any worker polls the
 * run's task queue — the usual reason — with the command that fixes it (exit 3).
 */
async function queryRun<T>(client: Client, { handle, description }: DescribedRun, name: string): Promise<T> {
  const pollers = await taskQueuePollers(client, description.taskQueue);
  if (!pollers.live.length) throw new ConfigError(noWorkerMessage(pollers));
  try {
    // A run that has just started may not have registered its handlers yet: ask again for a few seconds.
    const deadline = Date.now() + QUERY_TIMEOUT_MS;
    for (;;) {
      try {
        return await client.connection.withDeadline(deadline, () => handle.query<T>(name));
      } catch (err) {
        if (!/did not register a handler/.test((err as Error).message) || Date.now() > deadline - 1000) throw err;
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  } catch (err) {
    const again = await taskQueuePollers(client, description.taskQueue);
    if (!again.live.length) throw new ConfigError(noWorkerMessage(again));
    throw new ConfigError(
      `no worker answered a query of ${handle.workflowId} within ${QUERY_TIMEOUT_MS / 1000} s (${(err as Error).message.split('\n')[0]}); ` +
        `is a worker running on task queue ${description.taskQueue}? Start one with \`trainctl worker\``,
    );
  }
}

function minimalStatus(workflowId: string, description: WorkflowExecutionDescription): PipelineStatus {
  return {
    workflowId,
    pipelineId: workflowId,
    modelName: typeof description.memo?.modelName === 'string' ? description.memo.modelName : 'unknown',
    trigger: 'manual',
    outcome: 'failed',
    stage: 'done',
    stages: [],
    refusedSignals: [],
  };
}

function rootFailure(err: unknown): { message: string; type: string } {
  let cause: unknown = err instanceof WorkflowFailedError ? err.cause : err;
  while (cause instanceof Error) {
    if (cause instanceof ApplicationFailure && cause.type) return { message: cause.message, type: cause.type };
    if (!cause.cause) break;
    cause = cause.cause;
  }
  return { message: cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : 'unknown failure', type: 'TrainingError' };
}
