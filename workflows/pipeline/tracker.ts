import {
  ActivityFailure,
  ApplicationFailure,
  isCancellation,
  log,
  setCurrentDetails,
  upsertMemo,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { PipelineConfig } from '../../lib/config/pipeline';
import { watchBudget } from '../budget';
import { describeDetails } from '../details';
import { pipelineIdOf } from '../ids';
import { searchAttributePublisher } from '../searchAttributes';
import { notifyOptions } from '../timeouts';
import { activities } from '../routing';
import type { PipelineStatus, StageName, StageStatus } from '../types';
import { STAGES } from '../types';

const notifying = activities(notifyOptions);

export type NotifyEvent = Parameters<Activities['notify']>[0]['event'];

/** The run's status and what keeps it visible: the query, the memo, the Web UI's details, search attributes. */
export interface Tracker {
  readonly pipelineId: string;
  readonly status: PipelineStatus;
  /** Publishes the status (details and search attributes every time; the memo when it changed). */
  publish: () => void;
  /** Runs one stage: its state, times and note in the status; a failure becomes the run's own failure. */
  stage: <T>(name: StageName, run: () => Promise<T>, note?: (r: T) => string) => Promise<T>;
  skip: (names: readonly StageName[]) => void;
  finish: (outcome: PipelineStatus['outcome'], reason?: string) => PipelineStatus;
  /** Best effort: a notification that cannot be delivered never decides the fate of a model. */
  notify: (event: NotifyEvent, extra?: Record<string, unknown>) => Promise<void>;
}

/**
 * The status of one pipeline run. Runs of a model line share one workflow ID (workflows/ids.ts):
 * the pipeline ID tells them apart. The status lives in the memo (key `status`, read by
 * `trainctl status`, `approve` and `reject` without a worker).
 */
export function trackPipeline(config: Pick<PipelineConfig, 'modelName' | 'trigger' | 'pipelineBudget'>): Tracker {
  const pipelineId = pipelineIdOf(workflowInfo());
  const status: PipelineStatus = {
    workflowId: workflowInfo().workflowId,
    pipelineId,
    modelName: config.modelName,
    trigger: config.trigger,
    outcome: 'running',
    stage: 'fetch',
    stages: STAGES.map((name): StageStatus => ({ name, state: 'pending' })),
    refusedSignals: [],
  };
  let published = '';
  const publishSearchAttributes = searchAttributePublisher();
  const publish = () => {
    setCurrentDetails(describeDetails(status));
    publishSearchAttributes(status);
    const json = JSON.stringify(status);
    if (json === published) return;
    published = json;
    upsertMemo({ status: JSON.parse(json) as PipelineStatus });
  };
  const notify = async (event: NotifyEvent, extra: Record<string, unknown> = {}) => {
    try {
      await notifying.notify({ event, pipelineId, modelName: config.modelName, status: { ...status }, ...extra });
    } catch (err) {
      log.warn('notification failed', { event, error: String(err) });
    }
  };
  const checkBudget = watchBudget({ status, limit: config.pipelineBudget, notify: () => notify('budget_exceeded') });
  const skip = (names: readonly StageName[]) => {
    for (const s of status.stages) if (names.includes(s.name) && s.state === 'pending') s.state = 'skipped';
  };
  const stage = async <T>(name: StageName, run: () => Promise<T>, note?: (r: T) => string): Promise<T> => {
    const s = status.stages.find((x) => x.name === name)!;
    status.stage = name;
    s.state = 'running';
    s.startedAt = new Date().toISOString();
    publish();
    try {
      const result = await run();
      s.state = 'done';
      s.note = note?.(result);
      await checkBudget();
      return result;
    } catch (err) {
      // A cancellation stays one (the run ends `cancelled`), it is not the stage's failure.
      if (isCancellation(err)) {
        s.state = 'cancelled';
        throw err;
      }
      s.state = 'failed';
      throw stageFailure(status, name, err);
    } finally {
      s.finishedAt = new Date().toISOString();
      s.ms = Date.parse(s.finishedAt) - Date.parse(s.startedAt);
      publish();
    }
  };
  const finish = (outcome: PipelineStatus['outcome'], reason?: string): PipelineStatus => {
    status.outcome = outcome;
    status.stage = 'done';
    if (reason) status.reason = reason;
    skip(STAGES);
    publish();
    log.info('pipeline finished', { outcome, reason });
    return status;
  };
  return { pipelineId, status, publish, stage, skip, finish, notify };
}

function stageFailure(status: PipelineStatus, stage: StageName, err: unknown): ApplicationFailure {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  const message = cause instanceof Error ? cause.message : String(cause);
  const type = cause instanceof ApplicationFailure && cause.type ? cause.type : 'TrainingError';
  status.error = { stage, message, type };
  return ApplicationFailure.create({
    message: `${stage} failed: ${message}`,
    type,
    nonRetryable: true,
    cause: cause instanceof Error ? cause : undefined,
  });
}
