import { formatInterval, formatP, pIs } from '../stats/format';
import type { HoldoutEvidence } from '../stats/holdoutEvidence';

/** How the candidate was judged: the settings the report's reader needs to interpret it. */
export interface ReportSettings {
  threshold: number;
  costBps: number;
  labelHorizon: number;
  alpha: number;
  policy: string;
  tolerance: number;
  primaryMetric: string;
}

const pct = (level: number) => `${Math.round(level * 100)} %`;

/** Skill test against the naive baseline, in numbers and in words. */
export function skillSection(ev: HoldoutEvidence, o: { accuracy: number; baseline: number }): string[] {
  const s = ev.skill;
  const out = ['\n## Skill against the naive baseline\n'];
  out.push(
    `Accuracy ${formatInterval(ev.candidate.metrics.accuracy)} against the naive (majority-class) baseline ${o.baseline.toFixed(3)} on the same rows: difference ${formatInterval(s.difference, 3, { signed: true })}, one-sided ${pIs(s.p.greater)} (paired block bootstrap, H₀: no better than the baseline).`,
  );
  out.push(
    s.significant
      ? `**The candidate is better than the naive baseline** at α = ${ev.method.alpha}.`
      : `**The candidate is not distinguishable from the naive baseline** at α = ${ev.method.alpha}: an accuracy of ${o.accuracy.toFixed(3)} on ${ev.method.rows} rows is within the noise of always predicting the majority class.`,
  );
  return out;
}

/** Paired comparison with production on the identical rows, McNemar as a cross-check. */
export function pairedSection(
  ev: HoldoutEvidence,
  o: { productionVersion: string; settings: ReportSettings; verdict?: { passed: boolean; detail: string } },
): string[] {
  const p = ev.paired;
  if (!p) return [];
  const out = [`\n## Paired comparison with production ${o.productionVersion} (identical holdout rows)\n`];
  out.push('| metric | candidate − production | p (two-sided) | p (candidate better) | p (candidate worse) |');
  out.push('|---|---|---|---|---|');
  const rows: [keyof typeof p.metrics, string][] = [
    ['accuracy', 'Accuracy'],
    ['logLoss', 'Log loss (lower is better)'],
    ['brier', 'Brier (lower is better)'],
    ['rocAuc', 'ROC AUC'],
    ['f1', 'F1'],
  ];
  for (const [k, label] of rows) {
    const t = p.metrics[k];
    const lowerBetter = k === 'logLoss' || k === 'brier';
    out.push(
      `| ${label} | ${formatInterval(t.difference, 3, { signed: true })} | ${formatP(t.p.twoSided)} | ${formatP(lowerBetter ? t.p.less : t.p.greater)} | ${formatP(lowerBetter ? t.p.greater : t.p.less)} |`,
    );
  }
  const m = p.mcnemar;
  out.push(
    `\nMcNemar cross-check (assumes independent rows, which overlapping labels are not): candidate right and production wrong on ${m.candidateOnly} rows, the reverse on ${m.productionOnly}; exact ${pIs(m.pExact)}, mid-${pIs(m.pMid)}.`,
  );
  const s = o.settings;
  out.push(
    `\nPolicy **${s.policy}** on ${s.primaryMetric} (tolerance ${s.tolerance}, α = ${s.alpha}): ${s.policy === 'significant' ? 'the candidate must be significantly better than production' : 'the candidate must not be worse than production (point estimate) and not significantly worse'}.${o.verdict ? ` Result: **${o.verdict.passed ? 'PASS' : 'FAIL'}** — ${o.verdict.detail}.` : ''}`,
  );
  return out;
}

/** Sharpe intervals, PSR and DSR, one line per model. */
export function sharpeSection(ev: HoldoutEvidence, o: { candidateLabel: string; productionLabel?: string }): string[] {
  const out = ['\n## Risk-adjusted return: how sure is the Sharpe?\n'];
  const line = (label: string, m: HoldoutEvidence['candidate']) => {
    if (!m.sharpe) return `- ${label}: no daily returns to judge`;
    const dsr = m.dsr
      ? `; Deflated Sharpe Ratio ${m.dsr.value.toFixed(3)} after ${m.dsr.trials} hyperparameter trials (the best of ${m.dsr.trials} unskilled configurations would show an annualised Sharpe of ${m.dsr.benchmarkSharpe.toFixed(2)} by luck)`
      : '';
    return `- ${label}: Sharpe (ann.) ${formatInterval(m.sharpe, 2)}; Probabilistic Sharpe Ratio ${m.psr === null ? '—' : m.psr.toFixed(3)} (probability that the true Sharpe is above 0)${dsr}`;
  };
  out.push(line(o.candidateLabel, ev.candidate));
  if (ev.production && o.productionLabel) out.push(line(o.productionLabel, ev.production));
  if (!ev.candidate.dsr) out.push("- No Deflated Sharpe Ratio: the candidate's hyperparameters did not come from a search in this run.");
  return out;
}

/** Brier score and the reliability diagram (the chart itself is placed by the caller). */
export function calibrationSection(ev: HoldoutEvidence): string[] {
  const out = ['\n## Calibration\n'];
  out.push(
    `Brier score (mean squared error of P(up); 0.25 for a constant 0.5): candidate ${formatInterval(ev.candidate.metrics.brier)}${ev.production ? `, production ${formatInterval(ev.production.metrics.brier)}` : ''}.`,
  );
  out.push('\n| P(up) bin | rows | mean predicted | observed share up |');
  out.push('|---|---|---|---|');
  for (const b of ev.candidate.reliability) {
    if (b.count === 0) continue;
    out.push(`| ${b.low.toFixed(1)}–${b.high.toFixed(1)} | ${b.count} | ${b.meanPredicted!.toFixed(3)} | ${b.observedRate!.toFixed(3)} |`);
  }
  out.push('\n![reliability](reliability.png)\n');
  return out;
}

/** What the numbers mean, for a reviewer who has not read the code. */
export function howToReadSection(ev: HoldoutEvidence, s: ReportSettings): string[] {
  const m = ev.method;
  return [
    '\n## How to read this report\n',
    `- **Decision rule.** A row is predicted "up" when P(up) > ${s.threshold}; the backtest is long that ticker for the next day, flat otherwise, and pays ${s.costBps} bp per unit traded. Accuracy, precision, recall and F1 use the same rule; log loss, Brier and ROC AUC use the probabilities.`,
    `- **Intervals.** \`0.680 [0.642, 0.716]\` is the estimate on the holdout and its ${pct(m.level)} percentile interval: the range the metric would plausibly take on another holdout period like this one. Labels span ${s.labelHorizon} trading days, so neighbouring rows are not independent; the intervals come from a ${m.scheme} block bootstrap that resamples whole dates (every ticker of a date together) in blocks of ${m.blockLength} consecutive dates, ${m.resamples} resamples, seed ${m.seed}, so they are reproducible.`,
    `- **p-values.** The probability of a difference at least this large if there were none. Below α = ${s.alpha} the report calls a difference significant; above it, the models are *not distinguishable* on this holdout — which is not the same as equal.`,
    `- **Overlap.** Two intervals that overlap do not mean the models are equal; the paired comparison (same rows, same resamples) is the test that counts.`,
    `- **Sharpe.** Computed from ${m.dates - 1} daily returns at most: its interval is wide. The PSR is the probability that the true Sharpe is above zero; the DSR also discounts the luck of picking the best of many hyperparameter trials.`,
    `- **Calibration.** A model whose points lie on the diagonal means what it says: of the rows given P(up) ≈ 0.6, about 60 % went up. Thresholds and position sizing assume this.`,
  ];
}
