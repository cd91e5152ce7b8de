import { deliver, webhookTargetsFromEnv, type Notification, type NotificationEvent } from '../lib/notify';
import type { PipelineStatus } from '../workflows/types';
import type { ActivityDeps } from './deps';
import { heartbeat, previousHeartbeat } from './heartbeat';

export interface NotifyInput {
  event: NotificationEvent;
  runId: string;
  modelName: string;
  status?: PipelineStatus;
  text?: string;
  fields?: Notification['fields'];
}

const TITLES: Record<NotificationEvent, string> = {
  started: 'Training run started',
  awaiting_approval: 'Candidate awaiting approval',
  approval_reminder: 'Reminder: candidate still awaiting approval',
  promoted: 'Model promoted',
  rejected: 'Candidate rejected',
  failed: 'Training run failed',
  expired: 'Approval expired',
  drift_warning: 'Drift warning',
  drift_critical: 'Critical drift',
  rollback: 'Model rolled back',
};

export function notifyActivity(deps: ActivityDeps) {
  return async function notify(input: NotifyInput): Promise<{ delivered: string[] }> {
    const s = input.status;
    const fields: Notification['fields'] = {
      run: input.runId,
      model: input.modelName,
      outcome: s?.outcome ?? null,
      candidate: s?.candidateVersion ?? null,
      decision: s?.decision ?? null,
      accuracy: s?.candidate ? round(s.candidate.metrics.accuracy) : null,
      baseline: s?.candidate ? round(s.candidate.metrics.baselineAccuracy) : null,
      report: s?.report?.html ?? null,
      deadline: s?.approval?.deadline ?? null,
      synthetic: s?.synthetic ?? null,
      ...input.fields,
    };
    const text = input.text ?? describe(input.event, input.runId, s);
    const n: Notification = { event: input.event, runId: input.runId, modelName: input.modelName, title: TITLES[input.event], text, fields };
    // A retry after a partial failure must not post twice to the target that already got it:
    // delivered targets travel in the heartbeat details, which the next attempt receives.
    const skip = (previousHeartbeat() as Array<'slack' | 'json'> | undefined) ?? [];
    const delivered = await deliver(n, webhookTargetsFromEnv(deps.env), { fetch: deps.fetch, now: deps.now, skip, onDelivered: (d) => heartbeat(d) });
    deps.logger.info({ module: 'notify', event: input.event, runId: input.runId, delivered }, `notification: ${n.title}`);
    return { delivered };
  };
}

function describe(event: NotificationEvent, runId: string, s?: PipelineStatus): string {
  switch (event) {
    case 'awaiting_approval':
    case 'approval_reminder':
      return `${s?.candidateVersion} passed validation and waits until ${s?.approval?.deadline}. Approve: \`npx trainctl approve ${runId} --by NAME\` · Reject: \`npx trainctl reject ${runId} --by NAME\``;
    case 'failed':
      return `Stage ${s?.error?.stage ?? '?'} failed: ${s?.error?.message ?? 'unknown error'}`;
    case 'rejected':
    case 'expired':
    case 'promoted':
      return s?.reason ?? event;
    default:
      return `${runId}: ${event}`;
  }
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
