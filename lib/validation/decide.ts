import type { MetricSummary } from '../evaluation/metrics';
import { formatInterval, pIs } from '../stats/format';
import type { HoldoutEvidence } from '../stats/holdoutEvidence';
import type { PromotionDecision } from './criteria';

/** Hyperparameter configurations behind the candidate, when they came from a search in this run. */
export function searchTrials(o: { paramsSource: string; trials?: number }): number | undefined {
  return o.paramsSource === 'search' && o.trials !== undefined && o.trials >= 1 ? o.trials : undefined;
}

/** The few lines for terminals and notifications: estimates with intervals, p-values, and the verdict in words. */
export function comparisonSummary(o: {
  version: string;
  modelType: string;
  synthetic: boolean;
  productionVersion: string | null;
  holdout: { start: string; end: string; rows: number };
  metrics: MetricSummary;
  evidence: HoldoutEvidence;
  decision: PromotionDecision;
}): string {
  const ev = o.evidence;
  const c = ev.candidate;
  const lines = [
    `${o.synthetic ? '[SYNTHETIC DATA] ' : ''}candidate ${o.version} (${o.modelType}) vs ${o.productionVersion ? `production ${o.productionVersion}` : 'no production model (first model)'}`,
    `holdout ${o.holdout.start} … ${o.holdout.end}, ${o.holdout.rows} rows (${Math.round(ev.method.level * 100)} % intervals, block bootstrap over dates): accuracy ${formatInterval(c.metrics.accuracy)} (naive baseline ${o.metrics.baselineAccuracy.toFixed(3)}, skill ${pIs(ev.skill.p.greater)}), log loss ${formatInterval(c.metrics.logLoss)}, Brier ${formatInterval(c.metrics.brier)}, AUC ${formatInterval(c.metrics.rocAuc)}`,
  ];
  if (!ev.skill.significant)
    lines.push(`the candidate is not distinguishable from the naive baseline (${pIs(ev.skill.p.greater)} ≥ α = ${ev.method.alpha})`);
  if (ev.paired) {
    const a = ev.paired.metrics.accuracy;
    const l = ev.paired.metrics.logLoss;
    lines.push(
      `vs production: accuracy ${formatInterval(a.difference, 3, { signed: true })} (${pIs(a.p.twoSided)}), log loss ${formatInterval(l.difference, 3, { signed: true })} (${pIs(l.p.twoSided)}), McNemar ${pIs(ev.paired.mcnemar.pExact)}`,
    );
  }
  if (c.sharpe) {
    lines.push(
      `Sharpe ${formatInterval(c.sharpe, 2)}, PSR ${c.psr === null ? '—' : c.psr.toFixed(2)}${c.dsr ? `, DSR ${c.dsr.value.toFixed(2)} (${c.dsr.trials} trials)` : ''}`,
    );
  }
  const d = o.decision;
  lines.push(`recommendation: ${d.decision}${d.failed.length ? ` — failed ${d.failed.join(', ')}` : ''}`);
  return lines.join('\n');
}
