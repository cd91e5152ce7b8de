import type { MonitorMetric, RealisedPerformance } from './realised';

/** Floors and holdout figures the realised metrics of production are held to. */
export interface DropPolicy {
  /** Per metric (higher is better): default = the promotion criteria. */
  floors: Partial<Record<'accuracy' | 'precision' | 'recall' | 'f1', number>>;
  /** How far below its own holdout figure a metric may fall. */
  holdoutMargin: number;
  /** Fewer matured predictions than this never confirm a drop. */
  minMatured: number;
  /** One-sided level of the test (the bounds were computed at this alpha). */
  alpha: number;
}

export interface DropFinding {
  metric: MonitorMetric;
  value: number;
  /** The one-sided upper bound: with 1 − alpha confidence the metric is at most this. */
  upper: number;
  against: 'floor' | 'holdout';
  limit: number;
}

export type DropVerdict =
  | { status: 'ok'; findings: []; note: string }
  | { status: 'insufficient'; findings: []; note: string }
  | { status: 'drop'; findings: DropFinding[]; labelDrift: LabelDrift | null; level: 'warning' | 'critical'; note: string };

export interface LabelDrift {
  trainingRate: number;
  currentRate: number;
  /** The current rate's one-sided bounds exclude the training rate. */
  significant: boolean;
}

/**
 * A drop is confirmed only when a metric's one-sided upper bound (1 − alpha, from the block
 * bootstrap) lies below its floor or below holdout − margin: "even at its plausible best, it is
 * under the bar". Missing data is never a drop: too few matured predictions or no interval gives
 * `insufficient`. A significant shift of the positive rate since training raises the level to
 * critical, since a changed base rate explains a drop that retraining can fix.
 */
export function judgeDrop(o: {
  realised: RealisedPerformance;
  holdout: Partial<Record<MonitorMetric, number>>;
  policy: DropPolicy;
  trainingPositiveRate?: number;
}): DropVerdict {
  const r = o.realised;
  if (r.rows < o.policy.minMatured)
    return { status: 'insufficient', findings: [], note: `${r.rows} matured predictions, the drop test needs ${o.policy.minMatured}` };
  if (!r.bounds) return { status: 'insufficient', findings: [], note: r.intervalNote ?? 'no interval' };
  const findings: DropFinding[] = [];
  for (const m of ['accuracy', 'precision', 'recall', 'f1'] as const) {
    const value = r.metrics[m];
    const upper = r.bounds.upper[m];
    if (value === null || !Number.isFinite(upper)) continue;
    const floor = o.policy.floors[m];
    if (floor !== undefined && upper < floor) findings.push({ metric: m, value, upper, against: 'floor', limit: floor });
    const h = o.holdout[m];
    if (h !== undefined && upper < h - o.policy.holdoutMargin)
      findings.push({ metric: m, value, upper, against: 'holdout', limit: h - o.policy.holdoutMargin });
  }
  if (!findings.length) return { status: 'ok', findings: [], note: 'no metric is confidently below its floor or holdout figure' };
  let labelDrift: LabelDrift | null = null;
  if (o.trainingPositiveRate !== undefined && r.positiveRate !== null) {
    const t = o.trainingPositiveRate;
    labelDrift = {
      trainingRate: t,
      currentRate: r.positiveRate,
      significant: r.bounds.upper.positiveRate < t || r.bounds.lower.positiveRate > t,
    };
  }
  const note = findings
    .map(
      (f) =>
        `${f.metric} ${f.value.toFixed(3)} (at most ${f.upper.toFixed(3)} at ${((1 - r.bounds!.alpha) * 100).toFixed(0)} %) < ${f.against} ${f.limit.toFixed(3)}`,
    )
    .join('; ');
  return { status: 'drop', findings, labelDrift, level: labelDrift?.significant ? 'critical' : 'warning', note };
}
