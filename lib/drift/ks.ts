/**
 * Two-sample Kolmogorov–Smirnov test, two-sided, matching scipy.stats.ks_2samp(method='auto')
 * for samples up to 10,000 values each (where SciPy computes the exact p-value).
 */
export interface KsResult {
  statistic: number;
  pValue: number;
  method: 'exact';
}

export function ks2samp(a: ArrayLike<number>, b: ArrayLike<number>): KsResult {
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('ks2samp needs two non-empty samples');
  if (Math.max(n1, n2) > 10_000)
    throw new RangeError(
      'ks2samp computes the exact p-value for up to 10,000 values a side (SciPy switches to its asymptotic method above that, which is not implemented): pass evenly spaced order statistics, as checkDrift does',
    );
  const d = ksStatistic(x, y);
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = Math.round(d * lcm);
  const statistic = h / lcm;
  if (h === 0) return { statistic, pValue: 1, method: 'exact' };
  return { statistic, pValue: Math.min(1, Math.max(0, probOutside(n1, n2, g, h))), method: 'exact' };
}

/**
 * P(a uniformly random monotone lattice path from (0,0) to (m,n) touches a point with
 * |i·n/g − j·m/g| ≥ h), i.e. P(D ≥ d). Column by column, storing for each reachable point the
 * probability of having already left the band; points outside the band count as 1. Working with
 * the probability of leaving (not of staying) keeps small p-values accurate. Only the band's points
 * are computed (column i holds j in [lo(i), hi(i)], both non-decreasing in i), the rest of each
 * column stays 1: about 2·d·n points a column instead of n + 1, the same arithmetic for each.
 */
function probOutside(n1: number, n2: number, g: number, h: number): number {
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const mg = m / g;
  const ng = n / g;
  // In the band: −h < i·ng − j·mg < h, with integers on both sides.
  const lo = (i: number) => Math.max(0, Math.floor((i * ng - h) / mg) + 1);
  const hi = (i: number) => Math.min(n, Math.ceil((i * ng + h) / mg) - 1);
  let prev = new Float64Array(n + 1).fill(1);
  let cur = new Float64Array(n + 1).fill(1);
  // Column i = 0: only moves in j, all inside up to hi(0) (h ≥ 1, so (0, 0) is inside).
  for (let j = 0; j <= hi(0); j++) prev[j] = 0;
  // Each array holds 1 outside its column's band; `cur` last held column i − 2, from `curLo` up.
  let prevLo = 0;
  let curLo = 0;
  for (let i = 1; i <= m; i++) {
    const a = lo(i);
    const b = hi(i);
    for (let j = curLo; j < a; j++) cur[j] = 1;
    let j = a;
    if (j === 0) {
      cur[0] = prev[0]!;
      j = 1;
    }
    for (; j <= b; j++) cur[j] = (i * prev[j]! + j * cur[j - 1]!) / (i + j);
    [prev, cur] = [cur, prev];
    [prevLo, curLo] = [a, prevLo];
  }
  return prev[n]!;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** D = sup |F₁ − F₂| of two sorted samples (right-continuous ECDFs); NaN when one is empty. */
export function ksStatistic(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n1 = x.length;
  const n2 = y.length;
  if (!n1 || !n2) return NaN;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n1 || j < n2) {
    const v = j >= n2 || (i < n1 && x[i]! <= y[j]!) ? x[i]! : y[j]!;
    while (i < n1 && x[i]! <= v) i++;
    while (j < n2 && y[j]! <= v) j++;
    d = Math.max(d, Math.abs(i / n1 - j / n2));
  }
  return d;
}
