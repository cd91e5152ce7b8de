import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import type { TemporalSettings } from '../lib/config/temporal';

export const workflowsPath = new URL('../workflows/index.ts', import.meta.url).pathname;

export interface TrainingWorkerOptions {
  connection: NativeConnection;
  settings: Pick<TemporalSettings, 'namespace' | 'taskQueue'>;
  deps: ActivityDeps;
  /** A pre-built bundle (tests build one per file); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  identity?: string;
}

/**
 * One worker serves both workflows and activities on the trainctl task queue. Compute-heavy
 * activities are few at a time on purpose: XGBoost already uses every core for one training.
 */
export function createTrainingWorker(options: TrainingWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.settings.namespace,
    taskQueue: options.settings.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    activities: createActivities(options.deps),
    maxConcurrentActivityTaskExecutions: 2,
    ...(options.identity ? { identity: options.identity } : {}),
    // Tolerate a busy 2-core machine: a long native call should not look like a lost worker.
    stickyQueueScheduleToStartTimeout: '30s',
  });
}
