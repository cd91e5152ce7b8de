import { predictsUp } from '../evaluation/metrics';

/** The holdout metrics that get an interval: the same definitions as lib/evaluation's classificationMetrics, plus Brier. */
export const INTERVAL_METRICS = [
  'accuracy',
  'baselineAccuracy',
  'precision',
  'recall',
  'f1',
  'rocAuc',
  'balancedAccuracy',
  'logLoss',
  'brier',
] as const;
export type IntervalMetric = (typeof INTERVAL_METRICS)[number];
export type MetricValues = Record<IntervalMetric, number>;

const EPS = 1e-15;

/**
 * Classification metrics of one model under row weights (a bootstrap resample's multiplicities;
 * all ones gives the plain metrics). Per-row quantities and the score order for the AUC are
 * computed once, so each resample costs a few passes over the rows.
 */
export class WeightedScorer {
  private readonly y: Uint8Array;
  private readonly correct: Uint8Array;
  private readonly predUp: Uint8Array;
  private readonly loss: Float64Array;
  private readonly sq: Float64Array;
  /** Row order by ascending score, and where each run of tied scores ends. */
  private readonly order: Int32Array;
  private readonly tieEnd: Int32Array;

  constructor(o: { y: ArrayLike<number>; proba: ArrayLike<number>; threshold?: number }) {
    const n = o.y.length;
    if (o.proba.length !== n) throw new RangeError(`${n} labels but ${o.proba.length} probabilities`);
    const t = o.threshold ?? 0.5;
    this.y = Uint8Array.from(o.y, (v) => (v === 1 ? 1 : 0));
    this.predUp = Uint8Array.from({ length: n }, (_, i) => (predictsUp(o.proba[i]!, t) ? 1 : 0));
    this.correct = Uint8Array.from({ length: n }, (_, i) => (this.predUp[i] === this.y[i] ? 1 : 0));
    this.loss = Float64Array.from({ length: n }, (_, i) => {
      const c = Math.min(Math.max(o.proba[i]!, EPS), 1 - EPS);
      return this.y[i] ? -Math.log(c) : -Math.log(1 - c);
    });
    this.sq = Float64Array.from({ length: n }, (_, i) => (o.proba[i]! - this.y[i]!) ** 2);
    this.order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => o.proba[a]! - o.proba[b]!);
    this.tieEnd = new Int32Array(n);
    for (let k = n - 1; k >= 0; k--) {
      this.tieEnd[k] = k + 1 < n && o.proba[this.order[k + 1]!] === o.proba[this.order[k]!] ? this.tieEnd[k + 1]! : k + 1;
    }
  }

  get rows(): number {
    return this.y.length;
  }

  /** Per-row correctness (for McNemar). */
  isCorrect(i: number): boolean {
    return this.correct[i] === 1;
  }

  score(w?: ArrayLike<number>): MetricValues {
    const n = this.y.length;
    let tp = 0,
      fp = 0,
      tn = 0,
      fn = 0,
      loss = 0,
      sq = 0;
    for (let i = 0; i < n; i++) {
      const wi = w ? w[i]! : 1;
      if (wi === 0) continue;
      if (this.predUp[i]) {
        if (this.y[i]) tp += wi;
        else fp += wi;
      } else if (this.y[i]) fn += wi;
      else tn += wi;
      loss += wi * this.loss[i]!;
      sq += wi * this.sq[i]!;
    }
    const total = tp + fp + tn + fn;
    const pos = tp + fn;
    const neg = tn + fp;
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = pos === 0 ? 0 : tp / pos;
    const specificity = neg === 0 ? 0 : tn / neg;
    return {
      accuracy: total === 0 ? NaN : (tp + tn) / total,
      baselineAccuracy: total === 0 ? NaN : Math.max(pos, neg) / total,
      precision,
      recall,
      f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
      rocAuc: this.auc(w, pos, neg),
      balancedAccuracy: pos === 0 || neg === 0 ? (pos === 0 ? specificity : recall) : (recall + specificity) / 2,
      logLoss: total === 0 ? NaN : loss / total,
      brier: total === 0 ? NaN : sq / total,
    };
  }

  /** Weighted Mann–Whitney AUC: P(score⁺ > score⁻) + ½·P(tie) over weighted positive/negative pairs. */
  private auc(w: ArrayLike<number> | undefined, pos: number, neg: number): number {
    if (pos === 0 || neg === 0) return NaN;
    let negBelow = 0,
      sum = 0;
    const n = this.order.length;
    for (let k = 0; k < n;) {
      const end = this.tieEnd[k]!;
      let p = 0,
        q = 0;
      for (let j = k; j < end; j++) {
        const i = this.order[j]!;
        const wi = w ? w[i]! : 1;
        if (this.y[i]) p += wi;
        else q += wi;
      }
      sum += p * (negBelow + 0.5 * q);
      negBelow += q;
      k = end;
    }
    return sum / (pos * neg);
  }
}
