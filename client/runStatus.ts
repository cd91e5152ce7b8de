import { createRequire } from 'node:module';
import type * as TemporalClient from '@temporalio/client';
import type { Client } from '@temporalio/client';
import type * as TemporalCommon from '@temporalio/common';
import { ConfigError } from '../lib/util/errors';
import type { PipelineStatus } from '../workflows/types';

// CommonJS packages through require (see client/connection.ts): part of every `status`.
const require = createRequire(import.meta.url);
const { WorkflowFailedError, WorkflowNotFoundError } = require('@temporalio/client') as typeof TemporalClient;
const { ApplicationFailure } = require('@temporalio/common') as typeof TemporalCommon;

/** The pipeline's `status` query by name: importing the workflow module would load the workflow SDK (~0.3 s) into every `status`. */
export const STATUS_QUERY = 'status';

/**
 * The status of a run, whatever state it is in: the `status` query while it runs, its result
 * once it completed, and the failure (with the last queried status if a worker can answer) once
 * it failed.
 */
export async function readRunStatus(client: Client, workflowId: string): Promise<PipelineStatus> {
  const handle = client.workflow.getHandle(workflowId);
  let description;
  try {
    description = await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      throw new ConfigError(`No run with id "${workflowId}" was found (check \`npx trainctl status\` ids in the Web UI).`);
    throw err;
  }
  const state = description.status.name;
  if (state === 'RUNNING') return handle.query<PipelineStatus>(STATUS_QUERY);
  if (state === 'COMPLETED') return (await handle.result()) as PipelineStatus;
  let status: PipelineStatus | undefined;
  try {
    status = await withTimeout(handle.query<PipelineStatus>(STATUS_QUERY), 5_000);
  } catch {
    status = undefined;
  }
  const failure = await handle.result().then(
    () => undefined,
    (err: unknown) => err,
  );
  const root = rootFailure(failure);
  const base: PipelineStatus = status ?? {
    workflowId,
    pipelineId: workflowId,
    modelName: typeof description.memo?.modelName === 'string' ? description.memo.modelName : 'unknown',
    trigger: 'manual',
    outcome: 'failed',
    stage: 'done',
    stages: [],
    refusedSignals: [],
  };
  return {
    ...base,
    outcome: 'failed',
    reason: state === 'FAILED' ? undefined : `workflow ${state.toLowerCase()}`,
    error: base.error ?? { stage: base.stage === 'done' ? 'fetch' : base.stage, message: root.message, type: root.type },
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

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())]);
}
