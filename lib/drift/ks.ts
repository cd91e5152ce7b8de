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
 * the probability of leaving (not of staying) keeps small p-values accurate.
 */
function probOutside(n1: number, n2: number, g: number, h: number): number {
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const mg = m / g;
  const ng = n / g;
  const outside = (i: number, j: number) => Math.abs(i * ng - j * mg) >= h;
  let prev = new Float64Array(n + 1);
  let cur = new Float64Array(n + 1);
  // Column i = 0: only moves in j; the path has left once any (0, j) is outside.
  prev[0] = 0;
  for (let j = 1; j <= n; j++) prev[j] = outside(0, j) ? 1 : prev[j - 1]!;
  for (let i = 1; i <= m; i++) {
    cur[0] = outside(i, 0) ? 1 : prev[0]!;
    for (let j = 1; j <= n; j++) {
      cur[j] = outside(i, j) ? 1 : (i * prev[j]! + j * cur[j - 1]!) / (i + j);
    }
    [prev, cur] = [cur, prev];
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
