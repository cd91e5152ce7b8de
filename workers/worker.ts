import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import { meteringInterceptor, type PipelineMetrics } from './metrics';
import { faultHoldInterceptors } from './faultHooks';
import type { TemporalSettings } from '../lib/config/temporal';
import { ACTIVITY_KIND_NAMES, DEFAULT_CONCURRENCY, type QueuePoll } from '../lib/config/taskQueues';
import { activitiesOfKinds } from '../workflows/activityKinds';
import type { WorkerBuild } from './build';

export const workflowsPath = new URL('../workflows/index.ts', import.meta.url).pathname;

export interface TrainingWorkerOptions {
  connection: NativeConnection;
  settings: Pick<TemporalSettings, 'namespace' | 'taskQueue'>;
  deps: ActivityDeps;
  /** A pre-built bundle (tests build one per file); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  identity?: string;
  /** Pipeline metrics fed by every activity (GET /metrics of `trainctl worker --metrics-port`). */
  metrics?: PipelineMetrics;
  /** The queue to poll and what to serve there (default: the main queue, everything). */
  poll?: QueuePoll;
  /**
   * Worker Deployment Versioning (`trainctl worker` always sets it, workers/build.ts): the worker
   * declares its deployment version and every workflow it starts is PINNED to it. Without it the
   * worker is unversioned (tests that run workflows in-process).
   */
  build?: WorkerBuild;
}

/**
 * On SIGINT/SIGTERM (the Runtime's shutdown signals) the worker stops polling, gives running
 * activities this long to finish, then cancels them: their attempts fail at once and are retried
 * on another worker instead of waiting for a heartbeat timeout.
 */
export const SHUTDOWN_GRACE = '3s';
/** After this the worker gives up waiting for activities that ignore the cancellation. */
export const SHUTDOWN_FORCE = '15s';
/**
 * Heartbeats leave at most this often (the SDK's default is 80 % of the heartbeat timeout): the
 * server's record of progress stays fresh on a busy machine, and a cancellation reaches the activity
 * within about this long.
 */
export const HEARTBEAT_THROTTLE = '2s';
/**
 * A workflow task (or a query) waits this long for the worker that last ran the workflow before it
 * goes to any worker on the task queue: after a crash, the next step and `trainctl status` wait
 * this long for the dead worker, not Temporal's usual 10 s or more.
 */
export const STICKY_SCHEDULE_TO_START = '5s';

/**
 * A Temporal worker on one task queue. By default it is the main queue, serving the workflows and
 * every activity; with `poll` (from `trainctl worker --queues`, lib/config/taskQueues.ts) it serves
 * only the activity kinds routed to that queue, with that queue's concurrency. Compute-heavy
 * activities are few at a time on purpose: XGBoost already uses every core for one training.
 */
export function createTrainingWorker(options: TrainingWorkerOptions): Promise<Worker> {
  const poll: QueuePoll = options.poll ?? {
    name: options.settings.taskQueue,
    workflows: true,
    kinds: [...ACTIVITY_KIND_NAMES],
    maxConcurrentActivities: DEFAULT_CONCURRENCY.main,
  };
  const all = createActivities(options.deps);
  return Worker.create({
    connection: options.connection,
    namespace: options.settings.namespace,
    taskQueue: poll.name,
    ...(poll.workflows ? (options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }) : {}),
    activities: poll.kinds.length === ACTIVITY_KIND_NAMES.length ? all : activitiesOfKinds(all, poll.kinds),
    maxConcurrentActivityTaskExecutions: poll.maxConcurrentActivities,
    ...(options.identity ? { identity: options.identity } : {}),
    // faultHoldInterceptors: none unless the fault suite sets TRAINCTL_FAULT_HOLD (workers/faultHooks.ts).
    interceptors: { activity: [...(options.metrics ? [meteringInterceptor(options.metrics)] : []), ...faultHoldInterceptors()] },
    ...(poll.workflows ? { stickyQueueScheduleToStartTimeout: STICKY_SCHEDULE_TO_START } : {}),
    maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE,
    // PINNED: a run stays on the build it started on, through the approval gate's days of waiting;
    // a new build gets new runs once it is current (`trainctl deployment rollout`). A search's next
    // run after continue-as-new starts on the current build (workflows/hyperparameterSearch.ts).
    ...(options.build
      ? { workerDeploymentOptions: { version: options.build, useWorkerVersioning: true, defaultVersioningBehavior: 'PINNED' as const } }
      : {}),
    shutdownGraceTime: SHUTDOWN_GRACE,
    shutdownForceTime: SHUTDOWN_FORCE,
  });
}
