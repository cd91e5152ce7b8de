import type { ActivityRetry } from '../lib/pipeline/types';

/** The fields of a DescribeWorkflowExecution pending activity (temporal.api.workflow.v1.PendingActivityInfo) read here. */
export interface PendingActivityLike {
  activityType?: { name?: string | null } | null;
  attempt?: number | null;
  maximumAttempts?: number | null;
  lastFailure?: { message?: string | null; cause?: { message?: string | null } | null } | null;
}

/**
 * The activities of a run that are past their first attempt, with the reason the last one ended
 * (a heartbeat timeout, a worker that died, a retryable error): what `status` and `run --wait`
 * show while the server retries, instead of a stage that looks stuck.
 */
export function pendingRetries(pending: readonly PendingActivityLike[] | null | undefined): ActivityRetry[] {
  const out: ActivityRetry[] = [];
  for (const a of pending ?? []) {
    const attempt = a.attempt ?? 1;
    if (attempt <= 1) continue;
    const reason = a.lastFailure?.message || a.lastFailure?.cause?.message || undefined;
    out.push({
      activity: a.activityType?.name ?? 'activity',
      attempt,
      // 0: no limit in the retry policy.
      ...(a.maximumAttempts ? { maximumAttempts: a.maximumAttempts } : {}),
      ...(reason ? { lastFailure: oneLine(reason) } : {}),
    });
  }
  return out;
}

/** `trainModel: attempt 2 of 10, last failure: activity Heartbeat timeout`. */
export function formatRetry(r: ActivityRetry): string {
  return `${r.activity}: attempt ${r.attempt}${r.maximumAttempts ? ` of ${r.maximumAttempts}` : ''}${r.lastFailure ? `, last failure: ${r.lastFailure}` : ''}`;
}

function oneLine(s: string): string {
  const line = s.split('\n')[0]!.trim();
  return line.length > 200 ? `${line.slice(0, 197)}…` : line;
}
