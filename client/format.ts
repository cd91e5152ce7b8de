import type { ModelScore, PipelineStatus, TradingSummary } from '../workflows/types';

const pct = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | undefined, d = 3) => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));

/** The human table of `trainctl status`. */
export function formatStatus(s: PipelineStatus, uiLink?: string): string {
  const out: string[] = [];
  out.push(`run       ${s.runId}`);
  out.push(`model     ${s.modelName} (trigger: ${s.trigger})`);
  out.push(`outcome   ${s.outcome}${s.reason ? ` — ${s.reason}` : ''}`);
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
    out.push(formatScores(s.candidate, s.production ?? null));
    if (s.buyHold) out.push(`buy & hold on the same window: return ${pct(s.buyHold.totalReturn)}, Sharpe ${num(s.buyHold.sharpe, 2)}`);
  }
  if (s.candidateVersion) out.push(`\ncandidate ${s.candidateVersion}: ${s.decision}${s.failedCriteria?.length ? ` (failed: ${s.failedCriteria.join(', ')})` : ''}`);
  if (s.report) out.push(`report    ${s.report.html}`);
  if (s.approval) {
    out.push(`approval  deadline ${s.approval.deadline}${s.approval.decision ? ` · ${s.approval.decision.kind}d by ${s.approval.decision.by}` : ''}`);
  }
  for (const r of s.refusedSignals ?? []) {
    out.push(`refused   ${r.kind} from ${r.by} for ${r.version}: ${r.reason}`);
  }
  if (s.outcome === 'awaiting_approval') out.push('\n' + approvalCommands(s));
  if (s.error) out.push(`error     ${s.error.stage}: ${s.error.message} [${s.error.type}]`);
  return out.join('\n');
}

export function approvalCommands(s: Pick<PipelineStatus, 'runId' | 'candidateVersion'>): string {
  return [
    `approve:  npx trainctl approve ${s.runId} --by <name> [--comment "…"]`,
    `reject:   npx trainctl reject ${s.runId} --by <name> [--comment "…"]`,
  ].join('\n');
}

export function formatScores(candidate: ModelScore, production: ModelScore | null): string {
  const rows: [string, (m: ModelScore) => string][] = [
    ['accuracy', (m) => num(m.metrics.accuracy)],
    ['naive baseline', (m) => num(m.metrics.baselineAccuracy)],
    ['precision', (m) => num(m.metrics.precision)],
    ['recall', (m) => num(m.metrics.recall)],
    ['F1', (m) => num(m.metrics.f1)],
    ['ROC AUC', (m) => num(m.metrics.rocAuc)],
    ['log loss', (m) => num(m.metrics.logLoss)],
    ['return', (m) => pct(m.trading.totalReturn)],
    ['Sharpe', (m) => num(m.trading.sharpe, 2)],
    ['max drawdown', (m) => pct(m.trading.maxDrawdown)],
  ];
  const head = `${'holdout metric'.padEnd(16)} ${`candidate${candidate.version ? ` ${candidate.version}` : ''}`.padEnd(18)} ${production ? `production ${production.version}` : 'production: none'}`;
  return [head, ...rows.map(([name, f]) => `${name.padEnd(16)} ${f(candidate).padEnd(18)} ${production ? f(production) : ''}`.trimEnd())].join('\n');
}

export function formatTrading(t: TradingSummary): string {
  return `return ${pct(t.totalReturn)} · CAGR ${pct(t.cagr)} · Sharpe ${num(t.sharpe, 2)} · max DD ${pct(t.maxDrawdown)}`;
}
