/** Calibration of predicted probabilities: Brier score and reliability-diagram bins. */

export function brierScore(y: ArrayLike<number>, proba: ArrayLike<number>): number {
  const n = y.length;
  if (proba.length !== n) throw new RangeError(`${n} labels but ${proba.length} probabilities`);
  let s = 0;
  for (let i = 0; i < n; i++) s += (proba[i]! - (y[i] === 1 ? 1 : 0)) ** 2;
  return n === 0 ? NaN : s / n;
}

export interface ReliabilityBin {
  /** Bin edges (low, high] (the first bin includes 0). */
  low: number;
  high: number;
  count: number;
  /** Mean predicted probability in the bin (null when empty). */
  meanPredicted: number | null;
  /** Observed share of positives in the bin (null when empty). */
  observedRate: number | null;
}

/**
 * Equal-width bins of the predicted probability, as sklearn.calibration.calibration_curve with
 * strategy='uniform': edges i·(1/bins) as np.linspace computes them, bins (low, high] (the first
 * includes 0), so a probability on an inner edge goes to the bin below it. Empty bins are kept so the diagram's
 * x axis is the same for every model.
 */
export function reliabilityBins(o: { y: ArrayLike<number>; proba: ArrayLike<number>; bins?: number }): ReliabilityBin[] {
  const k = o.bins ?? 10;
  if (!(Number.isInteger(k) && k >= 2)) throw new RangeError(`reliability bins ${k} must be an integer ≥ 2`);
  const count = new Array<number>(k).fill(0);
  const sumP = new Array<number>(k).fill(0);
  const sumY = new Array<number>(k).fill(0);
  const step = 1 / k;
  const edges = Array.from({ length: k + 1 }, (_, i) => (i === k ? 1 : i * step));
  for (let i = 0; i < o.y.length; i++) {
    const p = o.proba[i]!;
    // np.searchsorted(inner edges, p) (side='left'): how many inner edges are < p.
    let b = Math.min(k - 1, Math.max(0, Math.floor(p * k)));
    while (b < k - 1 && edges[b + 1]! < p) b++;
    while (b > 0 && edges[b]! >= p) b--;
    count[b]!++;
    sumP[b]! += p;
    sumY[b]! += o.y[i] === 1 ? 1 : 0;
  }
  return count.map((c, b) => ({
    low: edges[b]!,
    high: edges[b + 1]!,
    count: c,
    meanPredicted: c ? sumP[b]! / c : null,
    observedRate: c ? sumY[b]! / c : null,
  }));
}
