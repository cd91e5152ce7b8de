import { sendEmail } from './email';
import type { ChannelName, Notification, NotificationTargets } from './types';
import { jsonPayload, postWebhook, slackPayload } from './webhooks';

export interface DeliverOptions {
  fetch?: typeof fetch;
  now?: () => Date;
  timeoutMs?: number;
  /** Channels already delivered by an earlier attempt: not sent twice. */
  skip?: ChannelName[];
  onDelivered?: (delivered: ChannelName[]) => void;
}

/** Deliver to every configured channel; throws on the first failure so the caller's retry policy applies. */
export async function deliver(n: Notification, targets: NotificationTargets, options: DeliverOptions = {}): Promise<ChannelName[]> {
  const delivered: ChannelName[] = [...(options.skip ?? [])];
  const send = async (channel: ChannelName, run: () => Promise<void>) => {
    if (delivered.includes(channel)) return;
    await run();
    delivered.push(channel);
    options.onDelivered?.([...delivered]);
  };
  const web = { fetch: options.fetch, timeoutMs: options.timeoutMs };
  if (targets.slackUrl) await send('slack', () => postWebhook({ ...web, target: 'slack', url: targets.slackUrl!, body: slackPayload(n) }));
  if (targets.jsonUrl)
    await send('json', () =>
      postWebhook({ ...web, target: 'json', url: targets.jsonUrl!, body: jsonPayload(n, (options.now ?? (() => new Date()))()) }),
    );
  if (targets.email) await send('email', () => sendEmail(n, targets.email!, { timeoutMs: options.timeoutMs }));
  return delivered;
}
