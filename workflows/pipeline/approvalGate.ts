import { defineSignal, log, setHandler } from '@temporalio/workflow';
import { parseDurationMs, type PipelineConfig } from '../../lib/config/pipeline';
import { awaitDecision, refreshShadowEvidence, waitForShadowDays } from '../shadowGate';
import type { ApprovalDecision, PipelineStatus } from '../types';
import type { Tracker } from './tracker';

export const approveSignal = defineSignal<[ApprovalDecision]>('approve');
export const rejectSignal = defineSignal<[ApprovalDecision]>('reject');

export type Decision = ApprovalDecision & { kind: 'approve' | 'reject' };

/**
 * Listens for approve/reject from the start of the run. A signal must name who decides (one of the
 * approvers when the configuration lists them) and the candidate actually waiting, or it is refused
 * and recorded in the status. Returns the decision taken so far.
 */
export function acceptDecisions(t: Tracker, approvers: readonly string[] | undefined): () => Decision | undefined {
  let decision: Decision | undefined;
  const onSignal = (kind: Decision['kind']) => (d: ApprovalDecision) => {
    const refusal = decision ? `already ${decision.kind}d by ${decision.by}` : refuseReason(t.status, d, approvers);
    if (refusal) {
      t.status.refusedSignals.push({ ...d, kind, at: new Date().toISOString(), reason: refusal });
      log.warn('approval signal refused', { kind, version: d.version, by: d.by, reason: refusal });
      t.publish();
      return;
    }
    decision = { ...d, kind };
    // Out of the gate at once, so a reader of the memo sees the decision was taken.
    t.status.outcome = 'running';
    t.publish();
  };
  setHandler(approveSignal, onSignal('approve'));
  setHandler(rejectSignal, onSignal('reject'));
  return () => decision;
}

export type GateSettings = Pick<PipelineConfig, 'modelName' | 'seed' | 'approvalTimeout' | 'approvalReminder' | 'minShadowDays'>;

/**
 * The approval gate: shadow evidence first (waiting for `minShadowDays` of it when asked), then the
 * wait for a decision until the deadline, with one reminder and the evidence refreshed daily.
 * Resolves to the decision, or undefined when the deadline passed.
 */
export async function approvalGate(
  t: Tracker,
  o: { settings: GateSettings; candidateVersion: string; decision: () => Decision | undefined },
): Promise<Decision | undefined> {
  const { settings } = o;
  const timeoutMs = parseDurationMs(settings.approvalTimeout)!;
  const reminderMs = Math.min(parseDurationMs(settings.approvalReminder)!, timeoutMs);
  const refresh = async () => {
    const e = await refreshShadowEvidence({
      modelName: settings.modelName,
      candidateVersion: o.candidateVersion,
      seed: settings.seed,
      required: settings.minShadowDays,
    });
    if (e) t.status.shadowEvidence = e;
    t.publish();
    return e;
  };
  if (settings.minShadowDays > 0) await waitForShadowDays({ refresh, required: settings.minShadowDays });
  else await refresh();
  t.status.approval = { deadline: new Date(Date.now() + timeoutMs).toISOString() };
  t.status.outcome = 'awaiting_approval';
  t.publish();
  await t.notify('awaiting_approval');
  const decided = await awaitDecision({
    decided: () => o.decision() !== undefined,
    timeoutMs,
    reminderMs,
    remind: () => t.notify('approval_reminder'),
    refresh,
  });
  t.status.outcome = 'running';
  return decided ? o.decision() : undefined;
}

function refuseReason(status: PipelineStatus, d: ApprovalDecision, approvers: readonly string[] | undefined): string | undefined {
  if (status.outcome !== 'awaiting_approval') return `no candidate is awaiting approval (outcome: ${status.outcome})`;
  if (typeof d.by !== 'string' || !d.by.trim()) return 'the decision must name who made it (--by)';
  if (approvers?.length && !approvers.includes(d.by.trim())) {
    return `${d.by} is not an approver of ${status.modelName} (approvers: ${approvers.join(', ')})`;
  }
  if (d.version !== status.candidateVersion) {
    return `signal names ${d.version} but the candidate awaiting approval is ${status.candidateVersion}`;
  }
  return undefined;
}
