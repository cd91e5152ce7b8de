import { formatInterval } from '../stats/format';
import type { Interval } from '../stats/intervals';
import type { Notification, NotificationEvent } from './types';

/** The part of a pipeline's status a notification reads (structurally PipelineStatus; lib/ imports no workflow types). */
export interface RunStatusView {
  /** The workflow ID `approve`/`reject` take (the model line's `train-<name>`). */
  workflowId?: string;
  outcome?: string;
  candidateVersion?: string;
  decision?: string;
  failedCriteria?: string[];
  candidate?: {
    metrics: { accuracy: number; baselineAccuracy: number; precision: number; recall: number; f1: number };
    trading: { sharpe: number };
  };
  evidence?: {
    level: number;
    candidate: { accuracy: Interval; precision: Interval; recall: Interval; f1: Interval; sharpe: Interval | null };
  };
  report?: { html: string; markdown: string };
  approval?: { deadline: string };
  synthetic?: boolean;
  reason?: string;
  error?: { stage: string; message: string };
  forced?: { note: string };
  budget?: { limit: string; elapsedMs: number; overrun: boolean };
  dataWindow?: { start: string; end: string };
}

export const TITLES: Record<NotificationEvent, string> = {
  started: 'Training run started',
  awaiting_approval: 'Candidate awaiting approval',
  approval_reminder: 'Reminder: candidate still awaiting approval',
  promoted: 'Model promoted',
  rejected: 'Candidate rejected',
  failed: 'Training run failed',
  cancelled: 'Training run cancelled',
  expired: 'Approval expired',
  skipped: 'Scheduled run skipped',
  budget_exceeded: 'Training run over its time budget',
  drift_warning: 'Drift warning',
  drift_critical: 'Critical drift',
  performance_drop: 'Realised performance dropped',
  rollback: 'Model rolled back',
};

/**
 * The card every channel renders: headline metrics with their intervals (accuracy, precision,
 * recall, F1, Sharpe), the report link, and FORCED / over-budget marks where they apply.
 */
export function buildNotification(o: {
  event: NotificationEvent;
  pipelineId: string;
  modelName: string;
  status?: RunStatusView;
  text?: string;
  fields?: Notification['fields'];
}): Notification {
  const s = o.status;
  const forced = s?.forced && (o.event === 'awaiting_approval' || o.event === 'approval_reminder' || o.event === 'promoted');
  const title = `${forced ? 'FORCED: ' : ''}${TITLES[o.event]}`;
  const fields: Notification['fields'] = {
    run: o.pipelineId,
    model: o.modelName,
    outcome: s?.outcome ?? null,
    candidate: s?.candidateVersion ?? null,
    decision: s?.decision ?? null,
  };
  if (s?.forced) fields.forced = s.forced.note;
  Object.assign(fields, headlineMetrics(s));
  fields.report = s?.report?.html ?? null;
  fields.deadline = s?.approval?.deadline ?? null;
  if (s?.budget)
    fields.budget = `${(s.budget.elapsedMs / 60_000).toFixed(1)} min of ${s.budget.limit}${s.budget.overrun ? ' (EXCEEDED)' : ''}`;
  fields.synthetic = s?.synthetic ?? null;
  Object.assign(fields, o.fields);
  return {
    event: o.event,
    pipelineId: o.pipelineId,
    modelName: o.modelName,
    title,
    text: o.text ?? describe(o.event, o.pipelineId, s),
    fields,
  };
}

/** Point estimates with the report's intervals when the compare stage has run; the bare estimates otherwise. */
function headlineMetrics(s?: RunStatusView): Notification['fields'] {
  if (!s?.candidate) return {};
  const m = s.candidate.metrics;
  const ev = s.evidence?.candidate;
  const show = (i: Interval | null | undefined, x: number, digits = 3) => (i ? formatInterval(i, digits) : round(x));
  return {
    accuracy: show(ev?.accuracy, m.accuracy),
    baseline: round(m.baselineAccuracy),
    precision: show(ev?.precision, m.precision),
    recall: show(ev?.recall, m.recall),
    f1: show(ev?.f1, m.f1),
    sharpe: show(ev?.sharpe, s.candidate.trading.sharpe, 2),
    ...(s.evidence ? { intervals: `${Math.round(s.evidence.level * 100)} % block-bootstrap intervals on the holdout` } : {}),
  };
}

function describe(event: NotificationEvent, pipelineId: string, s?: RunStatusView): string {
  switch (event) {
    case 'awaiting_approval':
    case 'approval_reminder':
      return `${s?.forced ? `${s.forced.note}. ` : ''}${s?.candidateVersion} ${s?.forced ? 'is at the gate' : 'passed validation'} and waits until ${s?.approval?.deadline}. Approve: \`npx trainctl approve ${s?.workflowId ?? pipelineId} --by NAME\` · Reject: \`npx trainctl reject ${s?.workflowId ?? pipelineId} --by NAME\``;
    case 'failed':
      return `Stage ${s?.error?.stage ?? '?'} failed: ${s?.error?.message ?? 'unknown error'}`;
    case 'cancelled':
      return `${pipelineId} was cancelled${s?.reason ? ` (${s.reason})` : ''}; nothing new goes to production.`;
    case 'budget_exceeded':
      return `${pipelineId} has run ${((s?.budget?.elapsedMs ?? 0) / 60_000).toFixed(1)} min, over its budget of ${s?.budget?.limit} to the approval gate; it goes on.`;
    case 'skipped':
      return `${pipelineId} did not train: ${s?.reason ?? 'not enough new data'}`;
    case 'rejected':
    case 'expired':
    case 'promoted':
      return s?.reason ?? event;
    default:
      return `${pipelineId}: ${event}`;
  }
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
