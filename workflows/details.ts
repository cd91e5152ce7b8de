import type { PipelineStatus } from './types';

/** Markdown shown as the workflow's "current details" in the Temporal Web UI. */
export function describeDetails(s: PipelineStatus): string {
  const lines = [`**${s.modelName}** · outcome: **${s.outcome}** · stage: ${s.stage}`];
  if (s.synthetic) lines.push('_data: SYNTHETIC market (embedded default)_');
  for (const st of s.stages) {
    if (st.state === 'pending') continue;
    lines.push(
      `- ${st.name}: ${st.state}${st.ms !== undefined ? ` (${(st.ms / 1000).toFixed(1)} s)` : ''}${st.note ? ` — ${st.note}` : ''}`,
    );
  }
  if (s.candidateVersion) lines.push(`candidate **${s.candidateVersion}**: ${s.decision ?? ''}`);
  if (s.candidate) {
    const m = s.candidate.metrics;
    lines.push(
      `holdout accuracy ${m.accuracy.toFixed(3)} (naive baseline ${m.baselineAccuracy.toFixed(3)}), F1 ${m.f1.toFixed(3)}, AUC ${m.rocAuc.toFixed(3)}`,
    );
  }
  if (s.report) lines.push(`report: ${s.report.html}`);
  if (s.shadowEvidence) {
    const e = s.shadowEvidence;
    const d = e.accuracyDifference;
    lines.push(
      e.days > 0 && d
        ? `shadow: ${e.days} matured days (${e.pairs} paired rows): accuracy ${e.candidateAccuracy?.toFixed(3)} vs production ${e.productionAccuracy?.toFixed(3)}, difference ${d.estimate.toFixed(3)} [${d.low.toFixed(3)}, ${d.high.toFixed(3)}]${e.pValue !== null ? `, p = ${e.pValue.toFixed(3)}` : ''}`
        : `shadow: ${e.note ?? 'no matured shadow predictions yet'}${e.required ? ` (${e.days} of ${e.required} days required before approval)` : ''}`,
    );
  }
  if (s.outcome === 'awaiting_approval' && s.approval) {
    lines.push(`awaiting approval until ${s.approval.deadline}: \`npx trainctl approve ${s.workflowId ?? s.pipelineId} --by NAME\``);
  }
  if (s.deploy && !s.deploy.skipped) {
    lines.push(
      s.deploy.approvalToServingMs !== null
        ? `deployed: ${s.deploy.instances} instance(s) serve ${s.deploy.version} ${(s.deploy.approvalToServingMs / 1000).toFixed(1)} s after approval`
        : `deploy failed: ${s.deploy.notSwitched?.join(', ') ?? '?'} did not switch; production ${s.deploy.rolledBackTo ? `rolled back to ${s.deploy.rolledBackTo}` : 'not rolled back (no previous version)'}`,
    );
  }
  if (s.reason) lines.push(`reason: ${s.reason}`);
  if (s.error) lines.push(`error in ${s.error.stage}: ${s.error.message}`);
  return lines.join('\n');
}
