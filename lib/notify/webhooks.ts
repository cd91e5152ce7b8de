/**
 * Notification delivery to a Slack-compatible incoming webhook and/or a generic JSON webhook.
 * URLs come from configuration and are never logged (they are credentials).
 */
export type NotificationEvent =
  | 'started'
  | 'awaiting_approval'
  | 'approval_reminder'
  | 'promoted'
  | 'rejected'
  | 'failed'
  | 'expired'
  | 'drift_warning'
  | 'drift_critical'
  | 'rollback';

export interface Notification {
  event: NotificationEvent;
  runId: string;
  modelName: string;
  title: string;
  text: string;
  fields: Record<string, string | number | boolean | null>;
}

export interface WebhookTargets {
  slackUrl?: string;
  jsonUrl?: string;
}

export function webhookTargetsFromEnv(env: Record<string, string | undefined>): WebhookTargets {
  return { slackUrl: env.TRAINCTL_SLACK_WEBHOOK_URL || undefined, jsonUrl: env.TRAINCTL_WEBHOOK_URL || undefined };
}

export class WebhookDeliveryError extends Error {
  constructor(readonly target: 'slack' | 'json', readonly status: number | undefined, detail: string) {
    super(`${target} webhook delivery failed${status ? ` with HTTP ${status}` : ''}: ${detail}`);
    this.name = 'WebhookDeliveryError';
  }
}

/** Slack's incoming-webhook payload: a fallback `text` plus blocks for a readable card. */
export function slackPayload(n: Notification): unknown {
  const fieldLines = Object.entries(n.fields)
    .filter(([, v]) => v !== null && v !== '')
    .map(([k, v]) => `*${k}:* ${v}`);
  return {
    text: `${n.title}: ${n.text}`,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: n.title.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: n.text } },
      ...(fieldLines.length ? [{ type: 'section', text: { type: 'mrkdwn', text: fieldLines.join('\n') } }] : []),
    ],
  };
}

export function jsonPayload(n: Notification, sentAt: Date): unknown {
  return { ...n, sentAt: sentAt.toISOString(), source: 'trainctl' };
}

/** Deliver to every configured target; throws on the first failure so the caller's retry policy applies. */
export async function deliver(
  n: Notification,
  targets: WebhookTargets,
  options: {
    fetch?: typeof fetch;
    now?: () => Date;
    timeoutMs?: number;
    /** Targets already delivered by an earlier attempt: not sent twice. */
    skip?: Array<'slack' | 'json'>;
    onDelivered?: (delivered: Array<'slack' | 'json'>) => void;
  } = {},
): Promise<Array<'slack' | 'json'>> {
  const doFetch = options.fetch ?? fetch;
  const delivered: Array<'slack' | 'json'> = [...(options.skip ?? [])];
  const post = async (target: 'slack' | 'json', url: string, body: unknown) => {
    if (delivered.includes(target)) return;
    let res: Response;
    try {
      res = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw new WebhookDeliveryError(target, undefined, (err as Error).message);
    }
    if (!res.ok) throw new WebhookDeliveryError(target, res.status, (await res.text()).slice(0, 200));
    delivered.push(target);
    options.onDelivered?.([...delivered]);
  };
  if (targets.slackUrl) await post('slack', targets.slackUrl, slackPayload(n));
  if (targets.jsonUrl) await post('json', targets.jsonUrl, jsonPayload(n, (options.now ?? (() => new Date()))()));
  return delivered;
}
