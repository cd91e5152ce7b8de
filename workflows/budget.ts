import { condition, log } from '@temporalio/workflow';
import { parseDurationMs } from '../lib/config/pipeline';
import type { PipelineStatus } from './types';

/**
 * The pipeline's time budget, from its start to the approval gate (`--budget`): kept in
 * `status.budget`, checked by the returned function after each stage and by a timer at the
 * deadline, so a long stage's overrun is notified when it happens. Notified once.
 */
export function watchBudget(o: { status: PipelineStatus; limit: string; notify: () => Promise<void> }): () => Promise<void> {
  const startedAt = Date.now();
  const budget = { limit: o.limit, limitMs: parseDurationMs(o.limit)!, elapsedMs: 0, overrun: false };
  o.status.budget = budget;
  const gateReached = () => o.status.approval !== undefined || o.status.stage === 'done';
  const check = async () => {
    // Stages after the gate (promote, deploy) are not held to it.
    if (gateReached()) return;
    budget.elapsedMs = Date.now() - startedAt;
    if (budget.overrun || budget.elapsedMs < budget.limitMs) return;
    budget.overrun = true;
    log.warn('pipeline over its time budget', { limit: budget.limit, elapsedMs: budget.elapsedMs });
    await o.notify();
  };
  void condition(gateReached, budget.limitMs)
    .then((beforeDeadline) => (beforeDeadline ? undefined : check()))
    .catch(() => undefined);
  return check;
}
