import { resolveTaskQueues, type TaskQueueLayout } from './taskQueues';

/** How to reach Temporal; every value can be overridden by environment variables. */
export interface TemporalSettings {
  address: string;
  namespace: string;
  taskQueue: string;
  uiUrl: string;
  /** Task queues by kind of activity (absent: everything on taskQueue). */
  queues?: TaskQueueLayout;
}

export function resolveTemporalSettings(env: Record<string, string | undefined> = process.env): TemporalSettings {
  const address = env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const taskQueue = env.TRAINCTL_TASK_QUEUE ?? 'trainctl';
  return {
    address,
    namespace: env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue,
    queues: resolveTaskQueues(env, taskQueue),
    uiUrl: (env.TEMPORAL_UI_URL ?? 'http://127.0.0.1:8233').replace(/\/$/, ''),
  };
}

export function workflowUiLink(settings: TemporalSettings, workflowId: string): string {
  return `${settings.uiUrl}/namespaces/${encodeURIComponent(settings.namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}
