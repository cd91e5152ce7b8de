import { formatInterval, pIs } from '../lib/stats/format';
import type { Interval } from '../lib/stats/intervals';
import type { TradingMetrics } from '../lib/backtest/backtest';
import type { SearchResult, SearchStatus } from '../workflows/hyperparameterSearch';
import { formatRetry } from './retries';
import type { EvidenceSummary, ModelScore, PipelineStatus } from '../workflows/types';

const pct = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | undefined, d = 3) => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));

/** The human table of `trainctl status`. */
export function formatStatus(s: PipelineStatus, uiLink?: string): string {
  const out: string[] = [];
  out.push(`run       ${s.pipelineId}`);
  out.push(`model     ${s.modelName} (trigger: ${s.trigger})`);
  out.push(`outcome   ${s.outcome}${s.reason ? ` — ${s.reason}` : ''}`);
  if (s.shadowEvidence) {
    const e = s.shadowEvidence;
    const d = e.accuracyDifference;
    out.push(
      e.days > 0 && d
        ? `shadow    ${e.days} matured days, ${e.pairs} paired rows: accuracy ${e.candidateAccuracy?.toFixed(3)} vs production ${e.productionAccuracy?.toFixed(3)}, difference ${d.estimate.toFixed(3)} [${d.low.toFixed(3)}, ${d.high.toFixed(3)}]${e.pValue !== null ? `, p = ${e.pValue.toFixed(3)}` : ''}${e.report ? ` (${e.report})` : ''}`
        : `shadow    ${e.note ?? 'no matured shadow predictions yet'}${e.required ? `; ${e.days} of ${e.required} days required before approval` : ''}`,
    );
  }
  if (s.shadow)
    out.push(
      `shadow    ${s.shadow.total} shadow predictions of ${s.candidateVersion} so far (${s.shadow.requests} from requests, ${s.shadow.batch} from daily scoring)`,
    );
  if (s.deploy && !s.deploy.skipped) {
    out.push(
      s.deploy.approvalToServingMs !== null
        ? `deployed  ${s.deploy.instances} instance(s) serve ${s.deploy.version}, ${(s.deploy.approvalToServingMs / 1000).toFixed(1)} s from approval`
        : `deploy    FAILED: ${s.deploy.notSwitched?.join(', ') ?? '?'} did not switch; production ${s.deploy.rolledBackTo ? `rolled back to ${s.deploy.rolledBackTo}` : 'unchanged (no previous version)'}`,
    );
  }
  if (s.synthetic) out.push('data      SYNTHETIC market (embedded default, not real prices)');
  if (s.dataWindow) out.push(`window    ${s.dataWindow.start} … ${s.dataWindow.end}`);
  if (uiLink) out.push(`web UI    ${uiLink}`);
  out.push('');
  out.push('stage      state     time     note');
  for (const st of s.stages) {
    const t = st.ms === undefined ? '' : `${(st.ms / 1000).toFixed(1)}s`;
    out.push(`${st.name.padEnd(10)} ${st.state.padEnd(9)} ${t.padEnd(8)} ${st.note ?? ''}`.trimEnd());
  }
  if (s.candidate) {
    out.push('');
    out.push(formatScores(s.candidate, s.production ?? null, s.evidence));
    if (s.evidence) out.push(formatEvidence(s.evidence));
    if (s.buyHold) out.push(`buy & hold on the same window: return ${pct(s.buyHold.totalReturn)}, Sharpe ${num(s.buyHold.sharpe, 2)}`);
  }
  if (s.candidateVersion)
    out.push(
      `\ncandidate ${s.candidateVersion}: ${s.decision}${s.failedCriteria?.length ? ` (failed: ${s.failedCriteria.join(', ')})` : ''}`,
    );
  if (s.forced) out.push(`forced    ${s.forced.note}`);
  if (s.budget)
    out.push(
      `budget    ${(s.budget.elapsedMs / 60_000).toFixed(1)} min of ${s.budget.limit} to the gate${s.budget.overrun ? ' — EXCEEDED' : ''}`,
    );
  if (s.report) out.push(`report    ${s.report.html}`);
  if (s.approval) {
    out.push(
      `approval  deadline ${s.approval.deadline}${s.approval.decision ? ` · ${s.approval.decision.kind}d by ${s.approval.decision.by}` : ''}`,
    );
  }
  for (const r of s.refusedSignals ?? []) {
    out.push(`refused   ${r.kind} from ${r.by} for ${r.version}: ${r.reason}`);
  }
  if (s.outcome === 'awaiting_approval') out.push('\n' + approvalCommands(s));
  for (const r of s.retries ?? []) out.push(`retrying  ${formatRetry(r)}`);
  if (s.error) out.push(`error     ${s.error.stage}: ${s.error.message} [${s.error.type}]`);
  return out.join('\n');
}

export function approvalCommands(s: Pick<PipelineStatus, 'workflowId' | 'pipelineId' | 'candidateVersion'>): string {
  return [
    `approve:  npx trainctl approve ${s.workflowId} --by <name> [--comment "…"]`,
    `reject:   npx trainctl reject ${s.workflowId} --by <name> [--comment "…"]`,
  ].join('\n');
}

/** Holdout metrics of both models; with evidence, each as `0.680 [0.642, 0.716]`. */
export function formatScores(candidate: ModelScore, production: ModelScore | null, evidence?: EvidenceSummary): string {
  type Side = 'candidate' | 'production';
  const withCi = (side: Side, pick: (e: EvidenceSummary['candidate']) => Interval | null, plain: string, digits = 3) => {
    const e = evidence?.[side];
    const i = e ? pick(e) : null;
    return i ? formatInterval(i, digits) : plain;
  };
  const rows: [string, (m: ModelScore, side: Side) => string][] = [
    ['accuracy', (m, side) => withCi(side, (e) => e.accuracy, num(m.metrics.accuracy))],
    ['naive baseline', (m) => num(m.metrics.baselineAccuracy)],
    ['precision', (m, side) => withCi(side, (e) => e.precision, num(m.metrics.precision))],
    ['recall', (m, side) => withCi(side, (e) => e.recall, num(m.metrics.recall))],
    ['F1', (m, side) => withCi(side, (e) => e.f1, num(m.metrics.f1))],
    ['ROC AUC', (m, side) => withCi(side, (e) => e.rocAuc, num(m.metrics.rocAuc))],
    ['log loss', (m, side) => withCi(side, (e) => e.logLoss, num(m.metrics.logLoss))],
    ['Brier', (_m, side) => withCi(side, (e) => e.brier, '—')],
    ['return', (m) => pct(m.trading.totalReturn)],
    ['Sharpe', (m, side) => withCi(side, (e) => e.sharpe, num(m.trading.sharpe, 2), 2)],
    ['max drawdown', (m) => pct(m.trading.maxDrawdown)],
  ];
  const w = evidence ? 26 : 18;
  const head = `${'holdout metric'.padEnd(16)} ${`candidate${candidate.version ? ` ${candidate.version}` : ''}`.padEnd(w)} ${production ? `production ${production.version}` : 'production: none'}`;
  const body = rows
    .filter(([name]) => name !== 'Brier' || evidence)
    .map(([name, f]) =>
      `${name.padEnd(16)} ${f(candidate, 'candidate').padEnd(w)} ${production ? f(production, 'production') : ''}`.trimEnd(),
    );
  return [head, ...body].join('\n');
}

/** The skill test, the paired comparison with production and PSR/DSR, in a few lines. */
export function formatEvidence(e: EvidenceSummary): string {
  const out = [`intervals ${Math.round(e.level * 100)} %: ${e.method}`];
  out.push(
    `skill     accuracy − naive baseline ${formatInterval(e.skill.difference, 3, { signed: true })}, ${pIs(e.skill.pValue)} — ${e.skill.significant ? 'better than the baseline' : 'not distinguishable from the baseline'} at α = ${e.alpha}`,
  );
  if (e.vsProduction) {
    const v = e.vsProduction;
    out.push(
      `vs prod   accuracy ${formatInterval(v.accuracy.difference, 3, { signed: true })} (${pIs(v.accuracy.pValue)}), log loss ${formatInterval(v.logLoss.difference, 3, { signed: true })} (${pIs(v.logLoss.pValue)}), McNemar ${pIs(v.mcnemar.pExact)}`,
    );
  }
  const c = e.candidate;
  if (c.psr !== null) out.push(`PSR       ${c.psr.toFixed(2)}${c.dsr ? ` · DSR ${c.dsr.value.toFixed(2)} (${c.dsr.trials} trials)` : ''}`);
  return out.join('\n');
}

export function formatTrading(t: TradingMetrics): string {
  return `return ${pct(t.totalReturn)} · CAGR ${pct(t.cagr)} · Sharpe ${num(t.sharpe, 2)} · max DD ${pct(t.maxDrawdown)}`;
}

/** `trainctl status <id>-hpo`: a search's trials (while a worker can tell them) and its result once it finished. */
export function formatSearchView(workflowId: string, v: { status?: SearchStatus; result?: SearchResult }): string {
  const out = [`search    ${workflowId}${v.result || v.status?.finished ? ' (finished)' : ''}`];
  const s = v.status;
  if (s) {
    out.push(`study     ${s.studyName}`);
    for (const t of s.trials)
      out.push(
        `  #${String(t.number).padEnd(4)} ${t.state.padEnd(9)} ${t.value === null ? '—'.padEnd(8) : t.value.toFixed(4).padEnd(8)} folds ${t.folds}  ${JSON.stringify(t.params)}${t.reason ? `  (${t.reason})` : ''}`,
      );
  }
  const r = v.result;
  if (r) {
    out.push(
      `study     ${r.studyName}: ${r.completed} completed, ${r.pruned} pruned, ${r.failed} failed`,
      `best      trial ${r.trialNumber}, walk-forward log loss ${r.value.toFixed(4)} ${JSON.stringify(r.params)}`,
      `file      ${r.bestFile ?? '—'}${r.bestNote ? ` (${r.bestNote})` : ''}`,
      `journal   ${r.journal}`,
    );
  } else if (s?.best) out.push(`best      trial ${s.best.number}, log loss ${s.best.value.toFixed(4)} ${JSON.stringify(s.best.params)}`);
  return out.join('\n');
}
