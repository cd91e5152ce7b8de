/**
 * Payloads and delivery for a Slack-compatible incoming webhook and a generic JSON webhook.
 * URLs come from configuration and are never logged (they are credentials).
 */
import { scrubUrl } from './scrub';
import type { Notification } from './types';

export class WebhookDeliveryError extends Error {
  constructor(
    readonly target: 'slack' | 'json',
    readonly status: number | undefined,
    detail: string,
  ) {
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

/** POST one JSON body; a network error or a non-2xx answer is a WebhookDeliveryError. */
export async function postWebhook(o: {
  target: 'slack' | 'json';
  url: string;
  body: unknown;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): Promise<void> {
  let res: Response;
  try {
    res = await (o.fetch ?? fetch)(o.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(o.body),
      signal: AbortSignal.timeout(o.timeoutMs ?? 10_000),
    });
  } catch (err) {
    // undici names the URL in some messages ("Failed to parse URL from …"): the URL is the credential.
    const cause = (err as { cause?: { message?: string } }).cause?.message;
    throw new WebhookDeliveryError(o.target, undefined, scrubUrl(`${(err as Error).message}${cause ? ` (${cause})` : ''}`, o.url));
  }
  if (!res.ok) throw new WebhookDeliveryError(o.target, res.status, scrubUrl((await res.text()).slice(0, 200), o.url));
}
