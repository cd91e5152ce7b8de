/** Percentile intervals and bootstrap p-values from a sample of bootstrap replicates. */

export interface Interval {
  estimate: number;
  low: number;
  high: number;
  /** Confidence level of [low, high], e.g. 0.95. */
  level: number;
}

/** The q-quantile (0 ≤ q ≤ 1) of sorted values with linear interpolation (NumPy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * Percentile interval (Efron & Tibshirani 1993, ch. 13), as scipy.stats.bootstrap's
 * method='percentile'. Chosen over BCa because BCa's acceleration comes from a row jackknife,
 * which ignores the dependence between overlapping labels that the block resampling keeps.
 */
export function percentileInterval(o: { estimate: number; replicates: ArrayLike<number>; level?: number }): Interval {
  const level = o.level ?? 0.95;
  const sorted = Float64Array.from(o.replicates).sort();
  const a = (1 - level) / 2;
  return { estimate: o.estimate, low: quantileSorted(sorted, a), high: quantileSorted(sorted, 1 - a), level };
}

export interface BootstrapPValues {
  /** H₁: θ > θ₀. */
  greater: number;
  /** H₁: θ < θ₀. */
  less: number;
  twoSided: number;
}

/**
 * p-values for H₀: θ = θ₀ by inverting the percentile interval (Efron & Tibshirani 1993, §15.4,
 * the achieved significance level of the percentile method): the share of replicates on the
 * wrong side of θ₀, ties counted against the alternative, with the +1 correction of Davison &
 * Hinkley (1997, eq. 4.11) so no p-value is exactly 0. The same replicates give the interval, so
 * a 95 % interval that excludes θ₀ goes with a two-sided p below 0.05 and the report never shows
 * one without the other.
 */
export function bootstrapPValues(o: { replicates: ArrayLike<number>; null?: number }): BootstrapPValues {
  const t0 = o.null ?? 0;
  let atOrBelow = 0,
    atOrAbove = 0;
  const n = o.replicates.length;
  for (let i = 0; i < n; i++) {
    const t = o.replicates[i]!;
    if (t <= t0) atOrBelow++;
    if (t >= t0) atOrAbove++;
  }
  const greater = (1 + atOrBelow) / (n + 1);
  const less = (1 + atOrAbove) / (n + 1);
  return { greater, less, twoSided: Math.min(1, 2 * Math.min(greater, less)) };
}
