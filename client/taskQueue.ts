import type { Client } from '@temporalio/client';
import { ConfigError } from '../lib/util/errors';

/**
 * A live worker renews its long poll at least this often (the server answers an idle poll after
 * about a minute), so a poller not seen for longer is gone. Temporal keeps listing a dead
 * worker's pollers for minutes: the age is what tells them apart.
 */
export const LIVE_POLL_MS = 75_000;

// Numeric values of temporal.api.enums.v1 (the proto module is not loaded for this one call).
const TASK_QUEUE_KIND_NORMAL = 1;
const TASK_QUEUE_TYPE_WORKFLOW = 1;
const TASK_QUEUE_TYPE_ACTIVITY = 2;

export interface TaskQueuePollers {
  taskQueue: string;
  /** Workers whose last poll is recent enough to be alive. */
  live: string[];
  /** Age of the most recent poll of any worker, or null when none ever polled (as far as the server remembers). */
  lastPollAgeMs: number | null;
}

/** Who polls the task queue for workflow tasks, from the server's DescribeTaskQueue. */
export async function taskQueuePollers(
  client: Client,
  taskQueue: string,
  now = Date.now(),
  type: 'workflow' | 'activity' = 'workflow',
): Promise<TaskQueuePollers> {
  const r = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue, kind: TASK_QUEUE_KIND_NORMAL },
    taskQueueType: type === 'workflow' ? TASK_QUEUE_TYPE_WORKFLOW : TASK_QUEUE_TYPE_ACTIVITY,
  });
  const ages = (r.pollers ?? []).map((p) => ({
    identity: p.identity ?? '?',
    ageMs: p.lastAccessTime
      ? now - (Number(p.lastAccessTime.seconds ?? 0) * 1000 + Math.floor((p.lastAccessTime.nanos ?? 0) / 1e6))
      : Infinity,
  }));
  const newest = ages.length ? Math.min(...ages.map((a) => a.ageMs)) : null;
  return {
    taskQueue,
    live: ages.filter((a) => a.ageMs <= LIVE_POLL_MS).map((a) => a.identity),
    lastPollAgeMs: newest !== null && Number.isFinite(newest) ? newest : null,
  };
}

/** The one line a person needs when nothing runs the workflow: what is missing and the command that fixes it. */
export function noWorkerMessage(p: Pick<TaskQueuePollers, 'taskQueue' | 'lastPollAgeMs'>): string {
  const seen = p.lastPollAgeMs === null ? '' : ` (last poll ${Math.round(p.lastPollAgeMs / 1000)} s ago)`;
  return `no worker is polling task queue ${p.taskQueue}${seen} — start one with \`trainctl worker\``;
}

/** How long `run --wait` gives a worker that is starting (`trainctl worker` just launched) to poll. */
export const WORKER_GRACE_MS = 15_000;

/**
 * The pollers of the task queue once a live worker polls it, asking again every `pollMs` for up
 * to `graceMs` (a worker started a moment ago needs a few seconds to load and connect); then the
 * actionable ConfigError (exit 3) saying how long it waited.
 */
export async function waitForWorker(
  client: Client,
  taskQueue: string,
  o: { graceMs?: number; pollMs?: number; onWaiting?: (line: string) => void } = {},
): Promise<TaskQueuePollers> {
  const graceMs = o.graceMs ?? WORKER_GRACE_MS;
  const deadline = Date.now() + graceMs;
  let said = false;
  for (;;) {
    const p = await taskQueuePollers(client, taskQueue);
    if (p.live.length) return p;
    if (Date.now() >= deadline) throw new ConfigError(`${noWorkerMessage(p)} (waited ${Math.round(graceMs / 1000)} s)`);
    if (!said) o.onWaiting?.(`waiting up to ${Math.round(graceMs / 1000)} s for a worker to poll task queue ${taskQueue}…`);
    said = true;
    await new Promise((r) => setTimeout(r, Math.min(o.pollMs ?? 500, Math.max(0, deadline - Date.now()))));
  }
}

/** Throws the actionable ConfigError (exit 3) when no live worker polls the task queue. */
export async function requireWorker(client: Client, taskQueue: string): Promise<TaskQueuePollers> {
  const p = await taskQueuePollers(client, taskQueue);
  if (!p.live.length) throw new ConfigError(noWorkerMessage(p));
  return p;
}

/**
 * For a run whose activities go to queues by kind (its memo's `taskQueues`): the one line naming a
 * kind queue that no live worker polls, or null when every kind has one.
 */
export async function missingKindWorker(
  client: Client,
  memo: Record<string, unknown> | undefined,
  now = Date.now(),
): Promise<string | null> {
  const routes = memo?.taskQueues as { io?: unknown; compute?: unknown } | undefined;
  if (!routes) return null;
  for (const kind of ['compute', 'io'] as const) {
    const queue = routes[kind];
    if (typeof queue !== 'string') continue;
    const p = await taskQueuePollers(client, queue, now, 'activity');
    if (!p.live.length) {
      const seen = p.lastPollAgeMs === null ? '' : ` (last poll ${Math.round(p.lastPollAgeMs / 1000)} s ago)`;
      return `no worker is polling task queue ${queue} for the run's ${kind} activities${seen} — start one with \`trainctl worker --queues ${queue}\``;
    }
  }
  return null;
}
