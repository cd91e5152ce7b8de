import { ConfigError } from '../util/errors';

/**
 * Task queues by kind of work. Workflows always run on the main queue (`TRAINCTL_TASK_QUEUE`).
 * Activities go to the queue of their kind: light I/O (market data, registry, reports,
 * notifications) or compute (features, training, folds, backtests, monitoring statistics). By
 * default both kinds stay on the main queue and one worker does everything; a team set-up names
 * the kind queues (`TRAINCTL_IO_QUEUE`, `TRAINCTL_COMPUTE_QUEUE`, or `temporal.ioQueue` /
 * `temporal.computeQueue` in the config file), so heavy training runs on compute hosts and never
 * holds up a registry write, and each host polls what it is for (`trainctl worker --queues`).
 */
export type ActivityKind = 'io' | 'compute';
export const ACTIVITY_KIND_NAMES: readonly ActivityKind[] = ['io', 'compute'];

/** Where a run's activities go; carried in the run's memo so every worker routes the same way. */
export interface TaskQueueRoutes {
  io: string;
  compute: string;
}

export interface TaskQueueLayout {
  /** Workflows (and every activity whose kind has no queue of its own). */
  main: string;
  routes: TaskQueueRoutes;
  /** True when some kind has a queue other than the main one. */
  split: boolean;
}

/** How many activities of each queue one worker runs at once, unless `--queues name=N` says otherwise. */
export const DEFAULT_CONCURRENCY: Record<ActivityKind | 'main', number> = {
  // XGBoost already uses every core for one training: two at a time keep a host busy, not thrashing.
  main: 2,
  compute: 2,
  // Registry writes, downloads and notifications mostly wait on the network or disk.
  io: 8,
};

const QUEUE_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;

function queueName(raw: string, what: string): string {
  const name = raw.trim();
  if (!QUEUE_NAME.test(name))
    throw new ConfigError(`${what}=${JSON.stringify(raw.slice(0, 80))}: expected a task queue name (letters, digits, . _ : -)`);
  return name;
}

export function resolveTaskQueues(env: Record<string, string | undefined>, main: string): TaskQueueLayout {
  const io = env.TRAINCTL_IO_QUEUE?.trim() ? queueName(env.TRAINCTL_IO_QUEUE, 'TRAINCTL_IO_QUEUE') : main;
  const compute = env.TRAINCTL_COMPUTE_QUEUE?.trim() ? queueName(env.TRAINCTL_COMPUTE_QUEUE, 'TRAINCTL_COMPUTE_QUEUE') : main;
  return { main, routes: { io, compute }, split: io !== main || compute !== main };
}

/** The memo a run starts with so its activities reach the configured queues (nothing when not split). */
export function routesMemo(settings: { queues?: TaskQueueLayout }): { taskQueues?: TaskQueueRoutes } {
  return settings.queues?.split ? { taskQueues: settings.queues.routes } : {};
}

export interface QueuePoll {
  name: string;
  /** Workflows are served by the worker of the main queue only. */
  workflows: boolean;
  /** Activity kinds registered on this queue (all of them on the main queue). */
  kinds: ActivityKind[];
  maxConcurrentActivities: number;
}

/**
 * What a worker polls: `--queues a,b=4` (a name, optionally with its concurrency), or every queue
 * of the layout when omitted. A name that is neither the main queue nor a kind's queue is a
 * configuration error naming the valid ones.
 */
export function planQueues(layout: TaskQueueLayout, spec: string | undefined): QueuePoll[] {
  const known = [...new Set([layout.main, layout.routes.io, layout.routes.compute])];
  const entries =
    spec === undefined
      ? known.map((name) => ({ name, concurrency: undefined as number | undefined }))
      : spec.split(',').map((part) => {
          const [rawName, rawN, ...extra] = part.split('=');
          if (extra.length || !rawName?.trim())
            throw new ConfigError(`--queues ${JSON.stringify(spec.slice(0, 120))}: expected name[=concurrency],…`);
          const name = queueName(rawName, '--queues');
          if (!known.includes(name))
            throw new ConfigError(
              `--queues: unknown task queue ${name}; this set-up has ${known.join(', ')} (TRAINCTL_TASK_QUEUE, TRAINCTL_IO_QUEUE, TRAINCTL_COMPUTE_QUEUE)`,
            );
          let concurrency: number | undefined;
          if (rawN !== undefined) {
            concurrency = Number(rawN.trim());
            if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256)
              throw new ConfigError(`--queues ${name}=${rawN.slice(0, 20)}: the concurrency must be a whole number from 1 to 256`);
          }
          return { name, concurrency };
        });
  const seen = new Set<string>();
  return entries.map(({ name, concurrency }) => {
    if (seen.has(name)) throw new ConfigError(`--queues: ${name} is listed twice`);
    seen.add(name);
    const kinds = ACTIVITY_KIND_NAMES.filter((k) => layout.routes[k] === name);
    const isMain = name === layout.main;
    return {
      name,
      workflows: isMain,
      kinds: isMain ? [...ACTIVITY_KIND_NAMES] : kinds,
      // A queue of one kind gets that kind's default; the main queue with both kinds, the main one.
      maxConcurrentActivities: concurrency ?? DEFAULT_CONCURRENCY[kinds.length === 1 ? kinds[0]! : 'main'],
    };
  });
}
