import { proxyActivities, workflowInfo, type ActivityInterfaceFor, type ActivityOptions } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { TaskQueueRoutes } from '../lib/config/taskQueues';
import { ACTIVITY_KINDS } from './activityKinds';
import { activitySummary } from './activitySummaries';

/**
 * The memo key under which a run carries its task queues by kind (lib/config/taskQueues.ts). The
 * client that starts a run writes it; children and continued searches inherit it. Absent (a set-up
 * that does not split): every activity runs on the workflow's own queue.
 */
export const TASK_QUEUES_MEMO = 'taskQueues';

export function runRoutes(): TaskQueueRoutes | undefined {
  const r = workflowInfo().memo?.[TASK_QUEUES_MEMO] as Partial<TaskQueueRoutes> | undefined;
  return r && typeof r.io === 'string' && typeof r.compute === 'string' ? { io: r.io, compute: r.compute } : undefined;
}

/** The memo entry a child workflow (or the next run of a continued search) starts with. */
export function inheritedRoutes(): Record<string, TaskQueueRoutes> {
  const r = runRoutes();
  return r ? { [TASK_QUEUES_MEMO]: r } : {};
}

/**
 * Activities with these options, each sent to the task queue of its kind and carrying a one-line
 * summary that the Web UI shows in the run's event history ("Train xgb · direction-classifier ·
 * 12 tickers"). The queue is looked up at each call, from the run's memo.
 */
export function activities(options: ActivityOptions): ActivityInterfaceFor<Activities> {
  return new Proxy({} as ActivityInterfaceFor<Activities>, {
    get(_target, name) {
      if (typeof name !== 'string') return undefined;
      const activity = name as keyof Activities;
      return (...args: unknown[]) => {
        const queue = runRoutes()?.[ACTIVITY_KINDS[activity]];
        const summary = activitySummary(activity, args[0]);
        const proxy = proxyActivities<Activities>({ ...options, ...(queue ? { taskQueue: queue } : {}), summary });
        return (proxy[activity] as (...a: unknown[]) => Promise<unknown>)(...args);
      };
    },
  });
}
