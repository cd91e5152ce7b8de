export interface ClassificationMetrics {
  n: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  rocAuc: number;
  logLoss: number;
  balancedAccuracy: number;
  /** Accuracy of always predicting the majority class of these same rows. */
  baselineAccuracy: number;
  positiveRate: number;
  confusion: { tp: number; fp: number; tn: number; fn: number };
}

const EPS = 1e-15;

/**
 * The one decision rule for "predicted up": P(up) strictly above the threshold, as the backtest's
 * long rule and XGBClassifier.predict (so p = 0.5 itself is "down" / flat). Metrics and the
 * backtest both call this, so they cannot drift apart.
 */
export function predictsUp(p: number, threshold = 0.5): boolean {
  return p > threshold;
}

/**
 * Binary classification metrics with scikit-learn's definitions: precision/recall are 0 when
 * undefined (zero_division=0), ROC AUC uses the trapezoid over distinct thresholds (ties averaged,
 * NaN when only one class is present), log loss clips probabilities to [1e-15, 1 − 1e-15].
 */
export function classificationMetrics(yTrue: ArrayLike<number>, proba: ArrayLike<number>, threshold = 0.5): ClassificationMetrics {
  const n = yTrue.length;
  if (proba.length !== n) throw new RangeError(`${n} labels but ${proba.length} probabilities`);
  let tp = 0,
    fp = 0,
    tn = 0,
    fn = 0,
    loss = 0;
  for (let i = 0; i < n; i++) {
    const y = yTrue[i]!;
    const p = proba[i]!;
    const pred = predictsUp(p, threshold) ? 1 : 0;
    if (pred === 1) {
      if (y === 1) tp++;
      else fp++;
    } else if (y === 1) fn++;
    else tn++;
    const c = Math.min(Math.max(p, EPS), 1 - EPS);
    loss -= y === 1 ? Math.log(c) : Math.log(1 - c);
  }
  const pos = tp + fn;
  const neg = tn + fp;
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = pos === 0 ? 0 : tp / pos;
  const specificity = neg === 0 ? 0 : tn / neg;
  return {
    n,
    accuracy: n === 0 ? NaN : (tp + tn) / n,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    rocAuc: rocAuc(yTrue, proba),
    logLoss: n === 0 ? NaN : loss / n,
    balancedAccuracy: pos === 0 || neg === 0 ? (pos === 0 ? specificity : recall) : (recall + specificity) / 2,
    baselineAccuracy: n === 0 ? NaN : Math.max(pos, neg) / n,
    positiveRate: n === 0 ? NaN : pos / n,
    confusion: { tp, fp, tn, fn },
  };
}

/** Area under the ROC curve via the rank statistic (Mann–Whitney U with average ranks for ties). */
export function rocAuc(yTrue: ArrayLike<number>, score: ArrayLike<number>): number {
  const n = yTrue.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a]! - score[b]!);
  let pos = 0;
  let rankSumPos = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && score[idx[j + 1]!] === score[idx[i]!]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (yTrue[idx[k]!] === 1) {
        pos++;
        rankSumPos += avgRank;
      }
    }
    i = j + 1;
  }
  const neg = n - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Points of the ROC curve (for charts): false-positive rate vs true-positive rate. */
export function rocCurve(yTrue: ArrayLike<number>, score: ArrayLike<number>): { fpr: number[]; tpr: number[] } {
  const n = yTrue.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b]! - score[a]!);
  let pos = 0;
  for (let i = 0; i < n; i++) if (yTrue[i] === 1) pos++;
  const neg = n - pos;
  const fpr = [0];
  const tpr = [0];
  let tp = 0,
    fp = 0;
  for (let i = 0; i < n; i++) {
    if (yTrue[idx[i]!] === 1) tp++;
    else fp++;
    if (i === n - 1 || score[idx[i + 1]!] !== score[idx[i]!]) {
      fpr.push(neg ? fp / neg : 0);
      tpr.push(pos ? tp / pos : 0);
    }
  }
  return { fpr, tpr };
}

export type MetricSummary = Omit<ClassificationMetrics, 'confusion' | 'positiveRate'>;

/** Mean of each metric across folds (NaN-free folds only for AUC). */
export function meanMetrics(all: ClassificationMetrics[]): MetricSummary {
  const keys = ['n', 'accuracy', 'precision', 'recall', 'f1', 'rocAuc', 'logLoss', 'balancedAccuracy', 'baselineAccuracy'] as const;
  const out = {} as MetricSummary;
  for (const k of keys) {
    const values = all.map((m) => m[k]).filter((v) => Number.isFinite(v));
    out[k] = values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
  }
  return out;
}
