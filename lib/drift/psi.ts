/**
 * Population Stability Index with reference-quantile bins.
 * Binning: the reference's deciles (unique values) are the inner edges; a value v falls in bin k
 * = number of edges e with v > e, so bins are (−∞, e1], (e1, e2], …, (e_last, +∞). NaN values are
 * excluded and counted separately. Empty bins are floored at EPSILON = 1e-4 (in both
 * distributions) before PSI = Σ (cur − ref) · ln(cur / ref), so one empty bin cannot make PSI
 * infinite; this is the common convention and what the thresholds 0.1 / 0.25 were calibrated on.
 */
export const PSI_EPSILON = 1e-4;

export function quantileEdges(values: ArrayLike<number>, nBins = 10): number[] {
  const v = Float64Array.from(values)
    .filter((x) => !Number.isNaN(x))
    .sort();
  if (v.length === 0) return [];
  const edges: number[] = [];
  for (let k = 1; k < nBins; k++) {
    // Linear interpolation between order statistics (numpy's default quantile method).
    const pos = (k / nBins) * (v.length - 1);
    const lo = Math.floor(pos);
    const q = v[lo]! + (v[Math.min(lo + 1, v.length - 1)]! - v[lo]!) * (pos - lo);
    if (edges.length === 0 || q > edges[edges.length - 1]!) edges.push(q);
  }
  return edges;
}

/** The bin of a value: the first edge it does not exceed (edges.length above the last). */
export function binOf(v: number, edges: number[]): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v > edges[mid]!) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function binFractions(values: ArrayLike<number>, edges: number[]): { fractions: number[]; n: number; nan: number } {
  const counts = new Array<number>(edges.length + 1).fill(0);
  let n = 0;
  let nan = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (Number.isNaN(v)) {
      nan++;
      continue;
    }
    counts[binOf(v, edges)]!++;
    n++;
  }
  return { fractions: counts.map((c) => (n ? c / n : 0)), n, nan };
}

export function psi(reference: number[], current: number[]): number {
  if (reference.length !== current.length) throw new RangeError('PSI needs the same bins on both sides');
  let total = 0;
  for (let k = 0; k < reference.length; k++) {
    const r = Math.max(reference[k]!, PSI_EPSILON);
    const c = Math.max(current[k]!, PSI_EPSILON);
    total += (c - r) * Math.log(c / r);
  }
  return total;
}
