import {
  buildNotification,
  deliver,
  routeOf,
  targetsFor,
  type ChannelName,
  type Notification,
  type NotificationEvent,
} from '../lib/notify';
import type { PipelineStatus } from '../lib/pipeline/types';
import type { ActivityDeps } from './deps';
import { heartbeat, previousHeartbeat } from './heartbeat';

export interface NotifyInput {
  event: NotificationEvent;
  pipelineId: string;
  modelName: string;
  status?: PipelineStatus;
  text?: string;
  fields?: Notification['fields'];
}

export function notifyActivity(deps: ActivityDeps) {
  return async function notify(input: NotifyInput): Promise<{ delivered: string[] }> {
    const n = buildNotification(input);
    const route = routeOf(input.event, { validationFailed: input.status?.decision === 'REJECT' && !input.status.approval });
    // A retry after a partial failure must not send twice to the channel that already got it:
    // delivered channels travel in the heartbeat details, which the next attempt receives.
    const skip = (previousHeartbeat() as ChannelName[] | undefined) ?? [];
    const delivered = await deliver(n, targetsFor(route, deps.env), {
      fetch: deps.fetch,
      now: deps.now,
      skip,
      onDelivered: (d) => heartbeat(d),
    });
    deps.logger.info({ module: 'notify', event: input.event, pipelineId: input.pipelineId, route, delivered }, `notification: ${n.title}`);
    return { delivered };
  };
}
