/** What a notification is about, and the card every channel renders from it. */
export type NotificationEvent =
  | 'started'
  | 'awaiting_approval'
  | 'approval_reminder'
  | 'promoted'
  | 'rejected'
  | 'failed'
  | 'cancelled'
  | 'expired'
  | 'skipped'
  | 'budget_exceeded'
  | 'drift_warning'
  | 'drift_critical'
  | 'performance_drop'
  | 'rollback';

export interface Notification {
  event: NotificationEvent;
  pipelineId: string;
  modelName: string;
  title: string;
  text: string;
  fields: Record<string, string | number | boolean | null>;
}

/** A channel that received the notification; retries skip the ones already delivered. */
export type ChannelName = 'slack' | 'json' | 'email';

/** An SMTP server and the people to write to; the URL may carry credentials (never logged). */
export interface EmailTarget {
  /** smtp://[user:pass@]host[:port] or smtps://… */
  smtpUrl: string;
  from: string;
  to: string[];
}

export interface NotificationTargets {
  slackUrl?: string;
  jsonUrl?: string;
  email?: EmailTarget;
}
